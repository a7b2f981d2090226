package repository

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/git-worktree-ports/git-worktree-ports/internal/gitfiles"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gittest"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
)

func discover(t *testing.T, s *gittest.Sandbox, dir string) *Repo {
	t.Helper()
	r, err := Discover(context.Background(), gitwt.Git{Dir: dir, Env: s.Env}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestDiscover(t *testing.T) {
	t.Parallel()
	s := gittest.New(t)
	top := s.Repo("shop")
	linked := s.Path("shop-b")
	s.Git(top, "worktree", "add", "-q", "--detach", linked)
	s.Git(top, "config", "worktree-ports.range", "30000-30999")
	s.Git(top, "remote", "add", "origin", "git@github.com:Acme/Shop.git")
	s.Write(filepath.Join(top, reserve.FileName), "{}")
	s.Git(top, "add", reserve.FileName)

	r := discover(t, s, filepath.Join(top))
	if r.Loc.Toplevel != top || r.Loc.CommonDir != filepath.Join(top, ".git") || r.Loc.Bare {
		t.Errorf("Loc = %+v", r.Loc)
	}
	if len(r.Worktrees) != 2 || r.Worktrees[0].Path != top || r.Worktrees[1].Path != linked {
		t.Errorf("Worktrees = %+v", r.Worktrees)
	}
	if v, ok := r.GitConfig("Worktree-Ports.Range"); !ok || v != "30000-30999" {
		t.Errorf("GitConfig = %q, %v", v, ok)
	}
	if !r.Tracked {
		t.Error("Tracked = false for a reservation in the index")
	}
	if r.RepoID() != "github.com/Acme/Shop" || r.RepoName() != "Shop" {
		t.Errorf("RepoID %q, RepoName %q", r.RepoID(), r.RepoName())
	}
	if w, ok := r.Current(); !ok || w.Path != top {
		t.Errorf("Current = %+v, %v", w, ok)
	}

	// From the linked worktree: its own location, the same list, and nothing tracked
	// there (it has no file).
	r = discover(t, s, linked)
	if r.Loc.Toplevel != linked || r.Tracked {
		t.Errorf("from the linked worktree: Loc %+v, Tracked %v", r.Loc, r.Tracked)
	}
	if w, ok := r.Current(); !ok || w.Path != linked {
		t.Errorf("Current = %+v, %v", w, ok)
	}
}

// TestDiscoverPlacesMain: git lists a separate git dir's main worktree at its git
// directory. Run in the main worktree, Discover puts it at its real top level, and writes
// nothing: a linked worktree finds it there only once allocate has noted it.
func TestDiscoverPlacesMain(t *testing.T) {
	t.Parallel()
	s := gittest.New(t)
	top, gitDir, linked := s.SeparateGitDir("sep")

	if r := discover(t, s, linked); r.Worktrees[0].Path != gitDir {
		t.Fatalf("before any run in the main worktree: main at %q, want git's %q", r.Worktrees[0].Path, gitDir)
	}
	r := discover(t, s, top)
	if r.Worktrees[0].Path != top || r.Worktrees[0].Listed() != gitDir {
		t.Errorf("from the main worktree: %+v, want Path %q, listed %q", r.Worktrees[0], top, gitDir)
	}
	if w, ok := r.Current(); !ok || w.Path != top {
		t.Errorf("Current = %+v, %v", w, ok)
	}
	if _, err := os.Lstat(filepath.Join(gitDir, gitfiles.MainRecordName)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Discover wrote into the git directory: %v", err)
	}
	if r := discover(t, s, linked); r.Worktrees[0].Path != gitDir {
		t.Errorf("from the linked worktree, without a note: main at %q, want git's %q", r.Worktrees[0].Path, gitDir)
	}
	// As allocate does in the main worktree.
	if err := gitfiles.RecordMain(top, gitDir); err != nil {
		t.Fatal(err)
	}
	r = discover(t, s, linked)
	if r.Worktrees[0].Path != top {
		t.Errorf("from the linked worktree afterwards: main at %q, want %q", r.Worktrees[0].Path, top)
	}
	// The identity is git's line either way, so both agree on the preferred slots.
	if id := r.RepoID(); id != "sep" {
		t.Errorf("RepoID = %q, want sep", id)
	}
	if err := r.Relist(context.Background(), gitwt.Git{Dir: top, Env: s.Env}); err != nil || r.Worktrees[0].Path != top {
		t.Errorf("Relist: %v, main at %q", err, r.Worktrees[0].Path)
	}
}
