//go:build unix

package tests

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// releaseRaceRange is TestReleaseBesideAllocate's range; the test binds no port.
const releaseRaceRange = "32740-32767"

// TestReleaseBesideAllocate runs `release` and `allocate` side by side in one worktree
// with a dotenv file in the config, many times (GWP_RELEASE_RACE_RUNS, default 100),
// starting with and without a reservation. Whichever runs last, the worktree must end
// consistent: a reservation with its dotenv block, or neither. release takes the
// repository lock allocate takes; without it, release could remove the block of the
// reservation allocate had just written.
func TestReleaseBesideAllocate(t *testing.T) {
	if testing.Short() {
		t.Skip("a race run many times: not with -short")
	}
	runs := envInt(t, "GWP_RELEASE_RACE_RUNS", 100)
	f := newRepoFixture(t, releaseRaceRange)
	config := `{"services": {"app": {"offset": 0, "env": "APP_PORT"}}, "dotenv": [".env"]}`
	if err := os.WriteFile(filepath.Join(f.main, ".worktree-ports.config.json"), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(f.main, ".gitignore"), []byte(".env\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f.git(f.main, "add", ".worktree-ports.config.json", ".gitignore")
	f.git(f.main, "commit", "-q", "-m", "config")
	f.runTool(f.main, "trust") // approves the dotenv list, and allocates
	wt := f.addWorktrees("race", 1)[0]
	bad := 0
	for run := range runs {
		if run%2 == 0 {
			f.runTool(wt, "allocate")
		} else {
			f.runTool(wt, "release")
		}
		var wg sync.WaitGroup
		for _, verb := range []string{"allocate", "release"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				cmd, stderr := f.tool(wt, nil, verb)
				if err := cmd.Run(); err != nil {
					t.Errorf("run %d: %s: %v: %s", run, verb, err, stderr)
				}
			}()
		}
		wg.Wait()
		_, err := os.Stat(reservationPath(wt))
		reserved := err == nil
		env, _ := os.ReadFile(filepath.Join(wt, ".env"))
		block := strings.Contains(string(env), "APP_PORT=")
		if reserved != block {
			bad++
			t.Errorf("run %d: reservation %v, dotenv block %v:\n%s", run, reserved, block, env)
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d runs left a worktree inconsistent", bad, runs)
	}
}
