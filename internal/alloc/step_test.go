package alloc

import (
	"testing"

	"github.com/git-worktree-ports/git-worktree-ports/internal/bundle"
	"github.com/git-worktree-ports/git-worktree-ports/internal/claim"
	"github.com/git-worktree-ports/git-worktree-ports/internal/config"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
)

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

func TestFileText(t *testing.T) {
	t.Parallel()
	spec := bundle.Spec{Range: bundle.Range{Lo: 17000, Hi: 17099}, Width: 10} // 10 slots
	wide := claim.Sibling{
		Path:        "/src/r-wide/.worktree-ports.json",
		Worktree:    gitwt.Worktree{Path: "/src/r-wide"},
		Reservation: reserve.Reservation{Base: 17000, Width: 60, Ports: []reserve.Port{{Name: "a", Port: 17000}, {Name: "b", Port: 17090}}},
	}
	small := claim.Sibling{Path: "/src/r-small/.worktree-ports.json", Worktree: gitwt.Worktree{Path: "/src/r-small"}, Reservation: reserve.Reservation{Base: 17060, Width: 10}}
	a := &allocation{cfg: config.Config{Spec: spec}}
	for range 6 {
		a.countFile(wide)
	}
	a.countFile(small)
	want := "\n/src/r-wide/.worktree-ports.json alone reserves 6 of the 10 slots (bundle 17000-17059 and 1 ports outside it); if that worktree does not need them, run `git worktree-ports release` in /src/r-wide"
	if got := a.fileText(); got != want {
		t.Errorf("fileText =\n%q, want\n%q", got, want)
	}
	half := &allocation{cfg: config.Config{Spec: spec}}
	for range 5 {
		half.countFile(wide)
	}
	if got := half.fileText(); got != "" {
		t.Errorf("a file with half the slots: fileText = %q, want none", got)
	}
}
