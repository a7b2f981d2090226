package gitfiles

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/git-worktree-ports/git-worktree-ports/internal/gittest"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
)

// sandbox is gittest's isolated git, with the helpers the tests of gitwt and gitfiles share.
type sandbox struct {
	*gittest.Sandbox
	t    *testing.T
	root string
	env  []string
}

func newSandbox(t *testing.T) *sandbox {
	t.Helper()
	gs := gittest.New(t)
	return &sandbox{Sandbox: gs, t: t, root: gs.Root, env: gs.Env}
}

func (s *sandbox) path(elem ...string) string { return s.Path(elem...) }

func (s *sandbox) g(dir string) gitwt.Git { return gitwt.Git{Dir: dir, Env: s.env} }

// try runs git directly (not through gitwt.Git) and returns stdout and exit code.
func (s *sandbox) try(dir string, args ...string) (string, int) { return s.Try(dir, args...) }

// run runs git directly and fails the test unless it succeeds.
func (s *sandbox) run(dir string, args ...string) string { return s.Git(dir, args...) }

func (s *sandbox) write(path, content string) { s.Write(path, content) }

// repo creates a non-bare repository with one commit, of a file README, and returns its
// path.
func (s *sandbox) repo(name string) string {
	s.t.Helper()
	dir := s.path(name)
	s.run(s.root, "init", "-q", dir)
	s.write(filepath.Join(dir, "README"), "hello\n")
	s.run(dir, "add", "README")
	s.run(dir, "commit", "-q", "-m", "initial")
	return dir
}

// worktrees lists from dir as ListWorktrees does and sorts the linked worktrees by path,
// since git lists them in directory order, which depends on the file system.
func (s *sandbox) worktrees(dir string) []gitwt.Worktree {
	s.t.Helper()
	ws, err := ListWorktrees(context.Background(), s.g(dir))
	if err != nil {
		s.t.Fatalf("ListWorktrees(%s): %v", dir, err)
	}
	if len(ws) > 1 {
		slices.SortFunc(ws[1:], func(a, b gitwt.Worktree) int { return strings.Compare(a.Path, b.Path) })
	}
	return ws
}

func trimNL(s string) string { return strings.TrimSuffix(s, "\n") }
