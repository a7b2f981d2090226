//go:build unix

package tests

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/git-worktree-ports/git-worktree-ports/internal/bundle"
)

// TestOverlapWinnerKeepsAfterUpdate copies one worktree's reservation into another (as
// copying a worktree directory does), then changes the config so that the winner's next
// allocate rewrites its file in place. Exactly one of the two must still move: the
// rewrite must not make the winner the "newer" file and hand the bundle to the copy.
func TestOverlapWinnerKeepsAfterUpdate(t *testing.T) {
	f := newRepoFixture(t, "30500-30529") // three slots of 10
	dirs := f.addWorktrees("ov", 2)
	a, b := dirs[0], dirs[1]
	spec := bundle.Spec{Range: bundle.Range{Lo: 30500, Hi: 30529}, Width: 10}
	// A base neither worktree prefers, so the age rule decides (then the path: a < b).
	base := -1
	for slot := 0; slot < spec.Slots(); slot++ {
		if slot != bundle.Preferred("repo", filepath.Base(a), 3) && slot != bundle.Preferred("repo", filepath.Base(b), 3) {
			base = spec.BaseOf(slot)
		}
	}
	f.runTool(a, "allocate", "--base", itoa(base))
	data, err := os.ReadFile(reservationPath(a))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(reservationPath(b), data, 0o644); err != nil {
		t.Fatal(err)
	}
	same := time.Now().Add(-time.Hour)
	for _, d := range []string{a, b} {
		if err := os.Chtimes(reservationPath(d), same, same); err != nil {
			t.Fatal(err)
		}
	}
	// A config change (one more service): the winner's next allocate rewrites its ports
	// and env in place.
	cfg := `{"services": {"app": 0, "extra": 1}}`
	for _, d := range []string{a, b} {
		if err := os.WriteFile(filepath.Join(d, ".worktree-ports.config.json"), []byte(cfg), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f.runTool(a, "allocate")
	f.runTool(b, "allocate")
	rs, err := readReservations([]string{a, b})
	if err != nil {
		t.Fatal(err)
	}
	if pairs := overlappingPairs(rs); len(pairs) > 0 {
		t.Fatalf("both kept the copied bundle: %v", pairs)
	}
	if rs[a].Base != base {
		t.Errorf("the winner %s moved from %d to %d", filepath.Base(a), base, rs[a].Base)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
