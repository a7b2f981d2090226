package alloc

import (
	"context"
	"testing"
	"time"

	"github.com/git-worktree-ports/git-worktree-ports/internal/bundle"
	"github.com/git-worktree-ports/git-worktree-ports/internal/config"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
)

func TestWithin(t *testing.T) {
	t.Parallel()
	if v, ok := within(context.Background(), func() int { return 7 }); !ok || v != 7 {
		t.Errorf("within(quick) = %v, %v; want 7, true", v, ok)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	block := make(chan struct{})
	defer close(block)
	if v, ok := within(ctx, func() int { <-block; return 7 }); ok || v != 0 {
		t.Errorf("within(blocked) = %v, %v; want 0, false", v, ok)
	}
}

// TestFileText checks that the "range exhausted" message names the one file that took
// most of the slots by itself, and names none when the slots are spread out.
func TestFileText(t *testing.T) {
	t.Parallel()
	spec := bundle.Spec{Range: bundle.Range{Lo: 17000, Hi: 17099}, Width: 10} // 10 slots
	wide := Sibling{
		Path:        "/src/r-wide/.worktree-ports.json",
		Worktree:    gitwt.Worktree{Path: "/src/r-wide"},
		Reservation: reserve.Reservation{Base: 17000, Width: 60, Ports: []reserve.Port{{Name: "a", Port: 17000}, {Name: "b", Port: 17090}}},
	}
	small := Sibling{Path: "/src/r-small/.worktree-ports.json", Worktree: gitwt.Worktree{Path: "/src/r-small"}, Reservation: reserve.Reservation{Base: 17060, Width: 10}}
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
