package gitfiles

import (
	"context"
	"os"
	"testing"
)

// TestLocateInsideGitDir checks that Locate, the one finder of every verb, gives up
// wherever git finds a git directory before any worktree: walking up from
// main/.git/objects reaches main, which has a .git, but git stops at main/.git and says
// there is no top level. A wrong answer there made env print the main worktree's ports
// and release delete its reservation.
func TestLocateInsideGitDir(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	m := s.Repo("main")
	s.Git(m, "worktree", "add", "-q", s.Path("linked"))
	s.Git(s.Root, "clone", "-q", "--bare", m, s.Path("bare.git"))
	s.Git(s.Root, "init", "-q", "--separate-git-dir", s.Path("sep.git"), s.Path("sep"))
	// A bare repository kept (untracked) inside a worktree.
	s.Git(m, "clone", "-q", "--bare", m, s.Path("main", "vendor", "nested.git"))
	for _, dir := range []string{
		s.Path("main", ".git"),
		s.Path("main", ".git", "objects"),
		s.Path("main", ".git", "refs", "heads"),
		s.Path("main", ".git", "worktrees", "linked"),
		s.Path("bare.git"),
		s.Path("bare.git", "refs"),
		s.Path("sep.git", "objects"),
		s.Path("main", "vendor", "nested.git", "objects"),
	} {
		s.leaves(dir, "git directory")
		loc, err := s.g(dir).Locate(context.Background())
		if err != nil || loc.Toplevel != "" {
			t.Errorf("git in %s: top level %q, %v; the test expects none", dir, loc.Toplevel, err)
		}
	}
	// A worktree with a file named HEAD, or a directory named objects, is still one.
	s.Write(s.Path("main", "HEAD"), "")
	if err := os.MkdirAll(s.Path("main", "sub", "objects"), 0o755); err != nil {
		t.Fatal(err)
	}
	s.answers(m, s.Path("main", "sub", "objects"))
}
