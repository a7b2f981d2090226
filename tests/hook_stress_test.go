//go:build unix

package tests

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestHookParallelAdd starts 32 `git worktree add` processes at once in one repository
// with the hook installed, and checks that each succeeds and that the hook left 32
// pairwise disjoint reservations. It repeats for GWP_HOOK_ROUNDS rounds (default 3). The
// range holds only 100 slots of width 10, so unlocked allocations would collide often;
// ports that other processes happen to hold there are stepped over, and only
// disjointness is asserted. git itself sometimes kills an add that reads a sibling's
// half-written entry (gitWorktreeRace); git cleans that worktree up, and only those adds
// are started again, all at once, in a next wave. Any other failure fails the test.
func TestHookParallelAdd(t *testing.T) {
	if testing.Short() {
		t.Skip("a concurrency stress run: not with -short")
	}
	const parallel = 32
	rounds := 3
	if v := os.Getenv("GWP_HOOK_ROUNDS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("GWP_HOOK_ROUNDS=%q: want a positive number", v)
		}
		rounds = n
	}
	for round := 1; round <= rounds; round++ {
		t.Run(fmt.Sprintf("round%d", round), func(t *testing.T) {
			work := t.TempDir()
			env := hookStressEnv(t, work)
			repo := filepath.Join(work, "repo")
			git := func(dir string, args ...string) {
				t.Helper()
				cmd := exec.Command("git", args...)
				cmd.Dir, cmd.Env = dir, env
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
				}
			}
			git(work, "init", "-q", "repo")
			git(repo, "commit", "-q", "--allow-empty", "-m", "init")
			git(repo, "config", "worktree-ports.range", "30000-30999")
			git(repo, "config", "worktree-ports.width", "10")
			// The lock is held for milliseconds per allocation, but 32 processes queue on
			// it; the default timeout is generous enough, and set here so a slow machine
			// fails loudly rather than flakily.
			git(repo, "config", "worktree-ports.lockTimeout", "60s")
			install := exec.Command(filepath.Join(binDir, "git-worktree-ports"), "install-hook")
			install.Dir, install.Env = repo, env
			if out, err := install.CombinedOutput(); err != nil {
				t.Fatalf("install-hook: %v\n%s", err, out)
			}

			dirs := make([]string, parallel)
			stderrs := make([]string, parallel)
			pending := make([]int, parallel)
			for i := range dirs {
				dirs[i] = filepath.Join(work, fmt.Sprintf("wt-%02d", i))
				pending[i] = i
			}
			start := time.Now()
			gitRaces := 0
			for wave := 1; len(pending) > 0; wave++ {
				if wave > maxWaves {
					t.Fatalf("git's own worktree race still failing %d adds after %d waves", len(pending), maxWaves)
				}
				failed, raced := addAtOnce(t, repo, env, dirs, pending, stderrs)
				if len(failed) > 0 {
					return
				}
				gitRaces += len(raced)
				pending = raced
			}
			t.Logf("%d parallel git worktree add: %v (%d retried after git's own commondir race)",
				parallel, time.Since(start).Round(time.Millisecond), gitRaces)
			for i, s := range stderrs {
				if n := strings.Count(s, "git-worktree-ports: "); n != 1 || !strings.Contains(s, "git-worktree-ports: "+filepath.Base(dirs[i])+": slot ") {
					t.Errorf("%s: want one allocation line from the hook, got %d:\n%s", filepath.Base(dirs[i]), n, s)
				}
			}
			overlaps, err := checkDisjoint(dirs)
			if err != nil {
				t.Fatal(err)
			}
			if len(overlaps) > 0 {
				t.Fatalf("overlapping reservations: %q", overlaps)
			}
		})
	}
}

// maxWaves bounds how often TestHookParallelAdd restarts the adds that lost git's own race.
const maxWaves = 10

// gitWorktreeRace matches how `git worktree add` dies when it reads a sibling's
// administrative directory that a concurrent add is still writing: a file there exists
// but is still empty, so git reports an errno nothing set, or is already gone again.
// This is a race inside git (2.39 up to at least 2.55), not in the hook, and git removes
// the half-made worktree before exiting.
var gitWorktreeRace = regexp.MustCompile(`(?m)^fatal: failed to read '?\S*/worktrees/[^/\s]+/[a-z]+'?: (Success|No such file or directory|Undefined error: 0)$`)

// addAtOnce starts `git worktree add` for each index in which, all before waiting for
// any, and records each one's stderr. It returns the indexes that failed for another
// reason (already reported as errors) and those that lost git's own race, whose worktree
// git has removed again, so they can simply be added again.
func addAtOnce(t *testing.T, repo string, env, dirs []string, which []int, stderrs []string) (failed, raced []int) {
	t.Helper()
	cmds := make([]*exec.Cmd, len(which))
	bufs := make([]bytes.Buffer, len(which))
	for k, i := range which {
		cmd := exec.Command("git", "worktree", "add", "-q", "--detach", dirs[i])
		cmd.Dir, cmd.Env, cmd.Stderr = repo, env, &bufs[k]
		cmds[k] = cmd
	}
	started := make([]bool, len(which))
	for k, cmd := range cmds {
		if err := cmd.Start(); err != nil {
			t.Errorf("starting git worktree add %s: %v", filepath.Base(dirs[which[k]]), err)
			failed = append(failed, which[k])
			continue
		}
		started[k] = true
	}
	for k, cmd := range cmds {
		if !started[k] {
			continue
		}
		i := which[k]
		err := cmd.Wait()
		stderrs[i] = bufs[k].String()
		if err == nil {
			continue
		}
		if _, statErr := os.Lstat(dirs[i]); gitWorktreeRace.MatchString(stderrs[i]) && os.IsNotExist(statErr) {
			raced = append(raced, i)
			continue
		}
		t.Errorf("git worktree add %s: %v\n%s", filepath.Base(dirs[i]), err, stderrs[i])
		failed = append(failed, i)
	}
	return failed, raced
}

// hookStressEnv isolates git and the tool as Setup does for the scripts, with the built
// binary first on PATH.
func hookStressEnv(t *testing.T, work string) []string {
	t.Helper()
	home := filepath.Join(work, ".home")
	if err := os.MkdirAll(home, 0o755); err != nil {
		t.Fatal(err)
	}
	gitconfig := "[init]\n\tdefaultBranch = main\n[user]\n\tname = Test\n\temail = test@example.invalid\n[advice]\n\tdetachedHead = false\n"
	if err := os.WriteFile(filepath.Join(home, ".gitconfig"), []byte(gitconfig), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{
		"PATH=" + binDir + string(os.PathListSeparator) + os.Getenv("PATH"),
		"HOME=" + home,
		"XDG_STATE_HOME=" + filepath.Join(work, ".state"),
		"XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=Test",
		"GIT_AUTHOR_EMAIL=test@example.invalid",
		"GIT_COMMITTER_NAME=Test",
		"GIT_COMMITTER_EMAIL=test@example.invalid",
		"TMPDIR=" + os.TempDir(),
	}
	if coverDir != "" {
		env = append(env, "GOCOVERDIR="+coverDir)
	}
	return env
}
