//go:build unix

package tests

import (
	"bytes"
	"fmt"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestCrossRepoConcurrent allocates in two repositories with 16 worktrees each, 32
// processes at once, drawing from one narrow range. The per-user index and lock must keep
// every bundle disjoint across both repositories, round after round.
func TestCrossRepoConcurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("a concurrency stress run: not with -short")
	}
	const perRepo = 16
	rounds := envInt(t, "GWP_CROSS_ROUNDS", 3)
	f := newRepoFixture(t, "")
	// The range is global git config, so both repositories share it; 100 slots for 32
	// worktrees makes preferred-slot collisions between the two repositories certain.
	f.git(f.root, "config", "--global", "worktree-ports.range", "13000-13999")
	other := filepath.Join(f.root, "other")
	f.git(f.root, "init", "-q", other)
	f.git(other, "commit", "-q", "--allow-empty", "-m", "init")

	var dirs []string
	dirs = append(dirs, f.addWorktrees("a", perRepo)...)
	for i := 1; i <= perRepo; i++ {
		d := filepath.Join(f.root, fmt.Sprintf("b-%d", i))
		f.git(other, "worktree", "add", "-q", "--detach", d)
		dirs = append(dirs, d)
	}
	// Register both repositories first, as their first allocate would.
	f.runTool(f.main, "allocate")
	f.runTool(other, "allocate")

	for round := 1; round <= rounds; round++ {
		removeReservations(t, dirs)
		cmds := make([]*exec.Cmd, len(dirs))
		errs := make([]*bytes.Buffer, len(dirs))
		for i, d := range dirs {
			cmds[i], errs[i] = f.tool(d, nil, "allocate")
			if err := cmds[i].Start(); err != nil {
				t.Fatal(err)
			}
		}
		for i, c := range cmds {
			if err := c.Wait(); err != nil {
				t.Fatalf("round %d: allocate in %s: %v: %s", round, dirs[i], err, errs[i])
			}
		}
		all := append([]string{f.main, other}, dirs...)
		rs, err := readReservations(all)
		if err != nil {
			t.Fatal(err)
		}
		if pairs := overlappingPairs(rs); len(pairs) > 0 {
			t.Fatalf("round %d: overlapping bundles across repositories: %v", round, pairs)
		}
		t.Logf("round %d: %d reservations in 2 repositories, 0 overlapping", round, len(rs))
	}
}
