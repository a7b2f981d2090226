package gitfiles

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/git-worktree-ports/git-worktree-ports/internal/gittest"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
)

// sandbox is gittest's isolated git, with what this package's tests ask of it.
type sandbox struct {
	*gittest.Sandbox
	t *testing.T
}

func newSandbox(t *testing.T) *sandbox { return &sandbox{gittest.New(t), t} }

func (s *sandbox) g(dir string) gitwt.Git { return gitwt.Git{Dir: dir, Env: s.Env} }

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
