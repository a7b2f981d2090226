//go:build unix

package tests

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
)

// churnRange is shared by the five repositories (global git config): 100 slots of width
// 10 for about 50 reservations, so preferred slots collide across repositories in every
// round. No other test or script uses it.
const churnRange = "8000-8999"

const (
	churnRepos    = 5 // repositories registered together
	churnPerRepo  = 8 // worktrees per repository that allocate every round
	churnKeep     = 2 // worktrees each churner leaves in place between its steps
	churnMinSteps = 2 // steps each churner takes per round, at least
)

// TestStressCrossRepoChurn allocates in 5 repositories at once, with cross-repository
// awareness on and one range shared by all five, while in each repository another process
// keeps adding worktrees with real `git worktree add` (the post-checkout hook installed,
// so every add allocates too) and removing them with `git worktree remove --force`. Each
// round deletes the reservations of the 8 fixed worktrees of every repository, starts the
// 40 `allocate` processes at once and the 5 churners beside them, and when all are done
// requires every fixed and every remaining added worktree to hold a reservation and no two
// of them, in any repository, to overlap. Rounds: GWP_STRESS_CHURN_ROUNDS, else
// GWP_STRESS_ROUNDS/8 (at least 2: `make test` runs 2, `make stress` 20).
//
// What it exercises beyond TestCrossRepoConcurrent: every allocation reads the other
// repositories while worktrees appear and disappear in them, so their listings meet
// half-added and half-removed worktrees (git's own race, see gitWorktreeRace, now in
// another repository's `git worktree list`), and the hook's allocations queue on the
// per-user lock with the others. A repository skipped for such a transient failure
// would have its ports ignored, and that shows here as an overlap.
func TestStressCrossRepoChurn(t *testing.T) {
	if testing.Short() {
		t.Skip("a churn stress run: not with -short")
	}
	rounds := envInt(t, "GWP_STRESS_CHURN_ROUNDS", max(2, envInt(t, "GWP_STRESS_ROUNDS", 20)/8))
	f := newRepoFixture(t, "")
	f.git(f.root, "config", "--global", "worktree-ports.range", churnRange)
	// 40 allocations and 5 hooks queue on the per-user lock on 2 cores; a slow machine
	// should fail loudly on a real timeout, not flakily on the default 10 s.
	f.git(f.root, "config", "--global", "worktree-ports.lockTimeout", "60s")

	start := time.Now()
	mains := make([]string, churnRepos)
	churners := make([]*churner, churnRepos)
	var fixed []string
	for r := range mains {
		mains[r] = f.main
		if r > 0 {
			mains[r] = filepath.Join(f.root, fmt.Sprintf("repo%d", r+1))
			f.git(f.root, "init", "-q", mains[r])
			f.git(mains[r], "commit", "-q", "--allow-empty", "-m", "init")
		}
		for i := 1; i <= churnPerRepo; i++ {
			d := filepath.Join(f.root, fmt.Sprintf("r%d-wt-%d", r+1, i))
			f.git(mains[r], "worktree", "add", "-q", "--detach", d)
			fixed = append(fixed, d)
		}
		f.runTool(mains[r], "install-hook")
		f.runTool(mains[r], "allocate") // registers the repository, as its first allocate would
		churners[r] = &churner{f: f, repo: mains[r], prefix: fmt.Sprintf("r%d-added", r+1)}
	}
	report(t, "created %d repositories of %d worktrees in %v", churnRepos, churnPerRepo, time.Since(start).Round(time.Millisecond))

	var allocations, hookAllocations, removals, gitRaces int
	for round := 1; round <= rounds; round++ {
		removeReservations(t, fixed)
		roundStart := time.Now()
		stop := make(chan struct{})
		var wg sync.WaitGroup
		before := make([]churnCounts, len(churners))
		for i, c := range churners {
			before[i] = c.counts
			wg.Add(1)
			go func() { defer wg.Done(); c.run(stop) }()
		}
		cmds := make([]*exec.Cmd, len(fixed))
		outs := make([]*bytes.Buffer, len(fixed))
		for i, d := range fixed {
			cmds[i], outs[i] = f.tool(d, nil, "allocate")
		}
		errs := startWaitErrs(t, cmds)
		close(stop)
		wg.Wait()
		elapsed := time.Since(roundStart)
		for i, err := range errs {
			if err != nil {
				t.Errorf("round %d: allocate in %s: %v: %s", round, fixed[i], err, outs[i])
			}
		}
		var added []string
		var adds, removes, races int
		for i, c := range churners {
			if c.err != nil {
				t.Fatalf("round %d: %v", round, c.err)
			}
			added = append(added, c.live...)
			adds += c.counts.adds - before[i].adds
			removes += c.counts.removes - before[i].removes
			races += c.counts.races - before[i].races
		}
		if t.Failed() {
			t.FailNow()
		}
		all := append(append(append([]string{}, mains...), fixed...), added...)
		rs, err := readReservations(all)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		for _, d := range append(append([]string{}, fixed...), added...) {
			if _, ok := rs[d]; !ok {
				t.Fatalf("round %d: %s holds no reservation", round, d)
			}
		}
		pairs := overlappingPairs(rs)
		allocations += len(fixed)
		hookAllocations += adds
		removals += removes
		gitRaces += races
		report(t, "round %d: %d allocate and %d git worktree add (hook) in %d repositories, %d git worktree remove; %d reservations checked, %d overlapping bundles in %v",
			round, len(fixed), adds, churnRepos, removes, len(rs), len(pairs), elapsed.Round(time.Millisecond))
		if len(pairs) > 0 {
			// What the allocations said beyond their one line each: warnings about other
			// repositories are the first thing to read.
			for i, o := range outs {
				for _, line := range strings.Split(strings.TrimSpace(o.String()), "\n") {
					if line != "" && !strings.HasPrefix(line, filepath.Base(fixed[i])+": slot ") {
						t.Logf("allocate in %s: %s", filepath.Base(fixed[i]), line)
					}
				}
			}
			t.Fatalf("round %d: overlapping bundles across repositories: %s", round, strings.Join(pairs, ", "))
		}
	}
	report(t, "%d allocations (%d by allocate, %d by the hook), %d worktrees removed meanwhile, in %d repositories and %d rounds: 0 overlapping bundles (%d adds lost git's own race) in %v",
		allocations+hookAllocations, allocations, hookAllocations, removals, churnRepos, rounds, gitRaces, time.Since(start).Round(time.Millisecond))
}

type churnCounts struct{ adds, removes, races int }

// churner adds and removes worktrees of one repository with real git: each step adds one
// (the hook allocates it) and, once more than churnKeep are live, removes the oldest.
type churner struct {
	f      *repoFixture
	repo   string
	prefix string
	n      int      // worktrees added so far, for unique names
	live   []string // added and not removed, oldest first
	counts churnCounts
	err    error // the first failure; the churner stops there
}

// run takes steps until stop is closed and it has taken churnMinSteps.
func (c *churner) run(stop <-chan struct{}) {
	for step := 0; c.err == nil; step++ {
		if step >= churnMinSteps {
			select {
			case <-stop:
				return
			default:
			}
		}
		c.err = c.step()
	}
}

func (c *churner) step() error {
	c.n++
	d := filepath.Join(c.f.root, fmt.Sprintf("%s-%d", c.prefix, c.n))
	out, err := c.git("worktree", "add", "-q", "--detach", d)
	if err != nil {
		// git's own race between concurrent listings and adds (see gitWorktreeRace):
		// git has removed the half-made worktree, so the step is simply lost.
		if _, statErr := os.Lstat(d); gitWorktreeRace.MatchString(out) && errors.Is(statErr, fs.ErrNotExist) {
			c.counts.races++
			return nil
		}
		return fmt.Errorf("git worktree add %s: %v: %s", d, err, out)
	}
	c.counts.adds++
	// The hook runs before git worktree add returns, so the reservation is there now.
	if _, _, err := reserve.Read(reservationPath(d)); err != nil {
		return fmt.Errorf("git worktree add %s: the hook left no readable reservation (%v); git's output: %s", d, err, out)
	}
	c.live = append(c.live, d)
	if len(c.live) > churnKeep {
		old := c.live[0]
		if out, err := c.git("worktree", "remove", "--force", old); err != nil {
			return fmt.Errorf("git worktree remove --force %s: %v: %s", old, err, out)
		}
		c.live = c.live[1:]
		c.counts.removes++
	}
	return nil
}

// git runs git in the churner's repository and returns its combined output.
func (c *churner) git(args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir, cmd.Env = c.repo, c.f.env
	out, err := cmd.CombinedOutput()
	return string(out), err
}
