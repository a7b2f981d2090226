package repository

import (
	"path/filepath"
	"testing"

	"github.com/git-worktree-ports/git-worktree-ports/internal/gittest"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
)

// TestDiscoverTrackedFromTheIndex: whether the reservation is tracked is read from the
// index, with no `git ls-files`, and asked of git where the index cannot be read
// (a split index), with the same answer either way.
func TestDiscoverTrackedFromTheIndex(t *testing.T) {
	t.Parallel()
	s := gittest.New(t)
	m := s.Repo("r")
	s.Write(filepath.Join(m, reserve.FileName), "{}")
	s.Git(m, "add", reserve.FileName)
	if r, notes := twoWays(t, s, m); !r.Tracked || len(notes) != 0 {
		t.Errorf("plain index: Tracked %v, asked git %q", r.Tracked, notes)
	}
	s.Git(m, "update-index", "--split-index")
	asksGit(t, s, m, "whether the reservation is tracked")
	if r, _ := twoWays(t, s, m); !r.Tracked {
		t.Errorf("split index: Tracked %v", r.Tracked)
	}
	// Outside the index: not tracked, read or asked.
	s.Git(m, "rm", "-q", "--cached", reserve.FileName)
	if r, _ := twoWays(t, s, m); r.Tracked {
		t.Errorf("split index, untracked: Tracked %v", r.Tracked)
	}
	s.Git(m, "update-index", "--no-split-index")
	if r, notes := twoWays(t, s, m); r.Tracked || len(notes) != 0 {
		t.Errorf("untracked: Tracked %v, asked git %q", r.Tracked, notes)
	}
}
