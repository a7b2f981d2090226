package alloc

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/git-worktree-ports/git-worktree-ports/internal/bundle"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
)

func TestListedBefore(t *testing.T) {
	common := t.TempDir()
	wt := filepath.Join(common, "worktrees")
	if !listedBefore(common, "", 0, time.Now()) {
		t.Error("no worktrees dir and nothing listed: want complete")
	}
	if listedBefore(common, "", 1, time.Now()) {
		t.Error("no worktrees dir but one listed: want incomplete")
	}
	for _, id := range []string{"a", "b"} {
		if err := os.MkdirAll(filepath.Join(wt, id), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(wt, "stray-file"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Second) // the listing "started" after both were made
	tests := []struct {
		name   string
		linked int
		start  time.Time
		want   bool
	}{
		{"both listed, made before", 2, later, true},
		{"one skipped by git (half-made)", 1, later, false},
		{"one more listed than exists (removed since)", 3, later, false},
		{"made after the listing started", 2, time.Now().Add(-time.Second), false},
	}
	for _, tt := range tests {
		if got := listedBefore(common, "", tt.linked, tt.start); got != tt.want {
			t.Errorf("%s: listedBefore = %v, want %v", tt.name, got, tt.want)
		}
	}
	// A change inside an admin dir (a worktree added, locked, its index rewritten) counts.
	// Let both directories age past the coarse-clock margin first.
	time.Sleep(120 * time.Millisecond)
	if err := os.WriteFile(filepath.Join(wt, "a", "locked"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if listedBefore(common, "", 2, time.Now().Add(-10*time.Millisecond)) {
		t.Error("an admin dir changed after the listing started: want incomplete")
	}
	// Unless it is our own: a hook runs just after git wrote it, and we are listed.
	if !listedBefore(common, filepath.Join(wt, "a"), 2, time.Now().Add(-10*time.Millisecond)) {
		t.Error("only our own admin dir changed: want complete")
	}
}

func TestKeepsRule(t *testing.T) {
	spec := bundle.Spec{Range: bundle.Range{Lo: 20000, Hi: 29999}, Width: 10}
	old := time.Unix(1000, 0)
	newer := time.Unix(2000, 0)
	sib := func(name string, base int, mod time.Time, repo string) Sibling {
		return Sibling{
			Worktree:    gitwt.Worktree{Path: "/src/" + name},
			Reservation: reserve.Reservation{Base: base, Width: 10},
			ModTime:     mod, Repo: repo,
		}
	}
	// The sibling's own preferred slot, so that "preferred" can be told apart.
	prefB := spec.BaseOf(bundle.Preferred("repo", "b", spec.Slots()))
	tests := []struct {
		name         string
		ownPreferred bool
		ownMod       time.Time
		ownPath      string
		s            Sibling
		want         bool
	}{
		{"own preferred beats an older sibling", true, newer, "/src/a", sib("b", prefB+10, old, ""), true},
		{"sibling on its preferred slot wins", false, old, "/src/a", sib("b", prefB, newer, ""), false},
		{"neither preferred: older file keeps", false, old, "/src/a", sib("b", prefB+10, newer, ""), true},
		{"neither preferred: newer file moves", false, newer, "/src/a", sib("b", prefB+10, old, ""), false},
		{"tie: path that sorts first keeps", false, old, "/src/a", sib("b", prefB+10, old, ""), true},
		{"tie, other side", false, old, "/src/c", sib("b", prefB+10, old, ""), false},
		{"other repository: preference ignored, age decides", true, newer, "/src/a", sib("b", prefB, old, "api"), false},
	}
	for _, tt := range tests {
		if got := keeps(tt.ownPreferred, tt.ownMod, tt.ownPath, tt.s, spec, "repo"); got != tt.want {
			t.Errorf("%s: keeps = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestKeepsRuleIsAntisymmetric checks the property the rule exists for: of two
// overlapping worktrees, exactly one keeps its bundle, whichever side asks.
func TestKeepsRuleIsAntisymmetric(t *testing.T) {
	spec := bundle.Spec{Range: bundle.Range{Lo: 20000, Hi: 20099}, Width: 10}
	times := []time.Time{time.Unix(1, 0), time.Unix(2, 0)}
	for _, nameA := range []string{"a", "b", "c", "main"} {
		for _, nameB := range []string{"a", "b", "c", "d"} {
			if nameA == nameB {
				continue
			}
			for baseA := 20000; baseA < 20100; baseA += 10 {
				for _, ta := range times {
					for _, tb := range times {
						a := Sibling{Worktree: gitwt.Worktree{Path: "/w/" + nameA}, Reservation: reserve.Reservation{Base: baseA, Width: 10}, ModTime: ta}
						b := Sibling{Worktree: gitwt.Worktree{Path: "/w/" + nameB}, Reservation: reserve.Reservation{Base: baseA, Width: 10}, ModTime: tb}
						slot, _ := spec.SlotOf(baseA)
						aPref := slot == bundle.Preferred("r", nameA, spec.Slots())
						bPref := slot == bundle.Preferred("r", nameB, spec.Slots())
						aKeeps := keeps(aPref, ta, a.Worktree.Path, b, spec, "r")
						bKeeps := keeps(bPref, tb, b.Worktree.Path, a, spec, "r")
						if aKeeps == bKeeps {
							t.Fatalf("%s(base %d, %v) vs %s(%v): both keep = %v", nameA, baseA, ta.Unix(), nameB, tb.Unix(), aKeeps)
						}
					}
				}
			}
		}
	}
}

func TestHoldersText(t *testing.T) {
	a := &allocation{holders: map[string]int{"front": 2, "back": 3, "api": 2}}
	want := "\nSlots reserved by the worktrees of: back (3), api (2), front (2)"
	if got := a.holdersText(); got != want {
		t.Errorf("holdersText = %q, want %q", got, want)
	}
	if got := (&allocation{}).holdersText(); got != "" {
		t.Errorf("no holders: %q", got)
	}
}
