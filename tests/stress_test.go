//go:build unix

package tests

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// stressWorktrees is how many allocate processes each round starts at once.
const stressWorktrees = 64

// stressHookWorktrees is how many `git worktree add` calls each hook round starts at once.
const stressHookWorktrees = 32

// stressRange has 200 slots of the default width 10: with 64 worktrees hashing into it,
// preferred slots collide in every round, so a broken lock would show as overlaps.
const stressRange = "6000-7999"

// TestStress starts 64 `allocate` processes at once in 64 worktrees of one repository,
// GWP_STRESS_ROUNDS times (default 20; `make stress` runs 160, about 10,000 allocations),
// deleting every reservation between rounds, and then GWP_STRESS_HOOK_ROUNDS rounds
// (default rounds/10) of 32 concurrent `git worktree add` with the post-checkout hook
// installed. Every process must succeed and no two reservations may overlap, ever.
func TestStress(t *testing.T) {
	if testing.Short() {
		t.Skip("a stress run: not with -short")
	}
	rounds := envInt(t, "GWP_STRESS_ROUNDS", 20)
	hookRounds := envInt(t, "GWP_STRESS_HOOK_ROUNDS", max(1, rounds/10))
	f := newRepoFixture(t, stressRange)

	start := time.Now()
	dirs := f.addWorktrees("wt", stressWorktrees)
	report(t, "created %d worktrees in %v", len(dirs), time.Since(start).Round(time.Millisecond))

	var allocations, overlaps, moved int
	for round := 1; round <= rounds; round++ {
		removeReservations(t, dirs)
		roundStart := time.Now()
		stderrs := startAndWaitAll(t, f, dirs, "allocate")
		elapsed := time.Since(roundStart)
		rs, err := readReservations(dirs)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		if len(rs) != len(dirs) {
			t.Fatalf("round %d: %d of %d worktrees hold a reservation", round, len(rs), len(dirs))
		}
		pairs := overlappingPairs(rs)
		allocations += len(rs)
		overlaps += len(pairs)
		m := 0
		for _, s := range stderrs {
			if strings.Contains(s, "; using slot") {
				m++
			}
		}
		moved += m
		report(t, "round %d: %d allocations, %d overlapping bundles (%d stepped off a taken preferred slot) in %v",
			round, len(rs), len(pairs), m, elapsed.Round(time.Millisecond))
		if len(pairs) > 0 {
			t.Errorf("round %d: overlapping bundles: %s", round, strings.Join(pairs, ", "))
		}
	}

	// Issue 7: concurrent `git worktree add` with the hook, next to the 64 reservations
	// left by the last round.
	f.runTool(f.main, "install-hook")
	var hookAllocations, gitRaces int
	for round := 1; round <= hookRounds; round++ {
		roundStart := time.Now()
		added := make([]string, stressHookWorktrees)
		cmds := make([]*exec.Cmd, len(added))
		outs := make([]*bytes.Buffer, len(added))
		for i := range added {
			added[i] = filepath.Join(f.root, fmt.Sprintf("hook-%d-%d", round, i+1))
			cmds[i] = exec.Command("git", "worktree", "add", "-q", "--detach", added[i])
			cmds[i].Dir, cmds[i].Env = f.main, f.env
			outs[i] = new(bytes.Buffer)
			cmds[i].Stdout, cmds[i].Stderr = outs[i], outs[i]
		}
		// git 2.39 itself races here: an add that lists the worktrees while another add
		// has created its admin directory but not yet its commondir fails with "failed to
		// read .git/worktrees/<id>/commondir". That is git's failure, not ours; such adds
		// are retried one by one and counted.
		for i, err := range startWaitErrs(t, cmds) {
			if err == nil {
				continue
			}
			if !strings.Contains(outs[i].String(), "failed to read .git/worktrees/") {
				t.Fatalf("hook round %d: git worktree add %s: %v: %s", round, added[i], err, outs[i])
			}
			gitRaces++
			report(t, "hook round %d: git's own race, retrying: %s", round, strings.TrimSpace(outs[i].String()))
			outs[i].Reset()
			retry := exec.Command("git", "worktree", "add", "-q", "--detach", added[i])
			retry.Dir, retry.Env, retry.Stdout, retry.Stderr = f.main, f.env, outs[i], outs[i]
			if err := retry.Run(); err != nil {
				t.Fatalf("hook round %d: git worktree add %s (retry): %v: %s", round, added[i], err, outs[i])
			}
		}
		elapsed := time.Since(roundStart)
		rs, err := readReservations(append(append([]string{}, dirs...), added...))
		if err != nil {
			t.Fatalf("hook round %d: %v", round, err)
		}
		for i, d := range added {
			// Every hook must allocate: gitwt retries git's own worktree-list race, so a
			// missing reservation is a failure whatever the reason.
			if _, ok := rs[d]; !ok {
				t.Fatalf("hook round %d: %s has no reservation after git worktree add; its output: %s", round, d, outs[i])
			}
		}
		pairs := overlappingPairs(rs)
		hookAllocations += len(added)
		overlaps += len(pairs)
		report(t, "hook round %d: %d git worktree add, %d hook allocations, %d reservations checked, %d overlapping bundles in %v",
			round, len(added), len(added), len(rs), len(pairs), elapsed.Round(time.Millisecond))
		if len(pairs) > 0 {
			t.Errorf("hook round %d: overlapping bundles: %s", round, strings.Join(pairs, ", "))
		}
		for _, d := range added {
			if err := os.RemoveAll(d); err != nil {
				t.Fatal(err)
			}
		}
		f.git(f.main, "worktree", "prune")
	}

	report(t, "%d allocations, %d overlapping bundles (%d by 64-way allocate in %d rounds, %d stepped off a taken preferred slot; %d by the hook in %d rounds of 32-way git worktree add; %d adds retried after git's own race) in %v",
		allocations+hookAllocations, overlaps, allocations, rounds, moved, hookAllocations, hookRounds, gitRaces, time.Since(start).Round(time.Millisecond))
}

// startAndWaitAll starts `git-worktree-ports args...` in every dir at once, waits for all
// of them, fails the test unless each exited 0, and returns their stderr.
func startAndWaitAll(t *testing.T, f *repoFixture, dirs []string, args ...string) []string {
	t.Helper()
	cmds := make([]*exec.Cmd, len(dirs))
	outs := make([]*bytes.Buffer, len(dirs))
	for i, d := range dirs {
		cmds[i], outs[i] = f.tool(d, nil, args...)
	}
	startWait(t, cmds, outs)
	stderrs := make([]string, len(outs))
	for i, o := range outs {
		stderrs[i] = o.String()
	}
	return stderrs
}

// startWait starts every command before waiting for any, so they really run at once, and
// fails the test unless each exited 0.
func startWait(t *testing.T, cmds []*exec.Cmd, outs []*bytes.Buffer) {
	t.Helper()
	var failed []string
	for i, err := range startWaitErrs(t, cmds) {
		if err != nil {
			failed = append(failed, fmt.Sprintf("%s in %s: %v: %s", strings.Join(cmds[i].Args, " "), cmds[i].Dir, err, outs[i]))
		}
	}
	if len(failed) > 0 {
		t.Fatalf("%d of %d processes failed:\n%s", len(failed), len(cmds), strings.Join(failed, "\n"))
	}
}

// startWaitErrs starts every command before waiting for any, and returns each one's
// error from Wait.
func startWaitErrs(t *testing.T, cmds []*exec.Cmd) []error {
	t.Helper()
	for i, c := range cmds {
		if err := c.Start(); err != nil {
			for _, started := range cmds[:i] {
				_ = started.Process.Kill()
				_ = started.Wait()
			}
			t.Fatalf("start %s: %v", c, err)
		}
	}
	errs := make([]error, len(cmds))
	for i, c := range cmds {
		errs[i] = c.Wait()
	}
	return errs
}
