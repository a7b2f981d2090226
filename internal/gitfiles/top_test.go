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
	m := s.repo("main")
	s.run(m, "worktree", "add", "-q", s.path("linked"))
	s.run(s.root, "clone", "-q", "--bare", m, s.path("bare.git"))
	s.run(s.root, "init", "-q", "--separate-git-dir", s.path("sep.git"), s.path("sep"))
	// A bare repository kept (untracked) inside a worktree.
	s.run(m, "clone", "-q", "--bare", m, s.path("main", "vendor", "nested.git"))
	for _, dir := range []string{
		s.path("main", ".git"),
		s.path("main", ".git", "objects"),
		s.path("main", ".git", "refs", "heads"),
		s.path("main", ".git", "worktrees", "linked"),
		s.path("bare.git"),
		s.path("bare.git", "refs"),
		s.path("sep.git", "objects"),
		s.path("main", "vendor", "nested.git", "objects"),
	} {
		s.leaves(dir, "git directory")
		loc, err := s.g(dir).Locate(context.Background())
		if err != nil || loc.Toplevel != "" {
			t.Errorf("git in %s: top level %q, %v; the test expects none", dir, loc.Toplevel, err)
		}
	}
	// A worktree with a file named HEAD, or a directory named objects, is still one.
	s.write(s.path("main", "HEAD"), "")
	if err := os.MkdirAll(s.path("main", "sub", "objects"), 0o755); err != nil {
		t.Fatal(err)
	}
	s.answers(m, s.path("main", "sub", "objects"))
}
