package repository

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/git-worktree-ports/git-worktree-ports/internal/fspath"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitfiles"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// NotWorktreeError says that a command which needs a worktree ran where there is none:
// in a bare repository, or inside a repository's git directory (its .git, say).
type NotWorktreeError struct {
	Dir    string // where the command ran
	GitDir string // the git directory git found there
	Bare   bool
}

func (e *NotWorktreeError) Error() string {
	if e.Bare {
		return "not inside a worktree: a bare repository has no ports of its own; run this in one of its worktrees"
	}
	if fspath.Equal(e.Dir, e.GitDir) {
		return fmt.Sprintf("not inside a worktree: %s is a git directory; cd to a worktree", untrusted.New(e.Dir))
	}
	return fmt.Sprintf("not inside a worktree: %s is inside the git directory %s; cd to a worktree", untrusted.New(e.Dir), untrusted.New(e.GitDir))
}

// Toplevel returns loc's worktree top level, or a *NotWorktreeError when git found none
// from dir ("" is the working directory).
func Toplevel(loc gitwt.Location, dir string) (string, error) {
	if loc.Toplevel != "" {
		return loc.Toplevel, nil
	}
	if dir == "" {
		dir, _ = os.Getwd()
	}
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	return "", &NotWorktreeError{Dir: dir, GitDir: loc.GitDir, Bare: loc.Bare}
}

// FindRoot returns the top level of the worktree that g.Dir is in, found as Discover
// finds it: from git's files (gitfiles.Files.Locate), which costs no git process, and
// asked of git wherever those cannot be read with certainty (GIT_DIR, GIT_COMMON_DIR,
// GIT_CEILING_DIRECTORIES git reads its own way, ...). In a bare repository or inside a
// git directory it returns a *NotWorktreeError.
func FindRoot(ctx context.Context, g gitwt.Git) (string, error) {
	loc, err := gitfiles.Files{Env: g.Env}.Locate(g.Dir)
	if err != nil {
		if loc, err = g.Locate(ctx); err != nil {
			return "", err
		}
	}
	return Toplevel(loc, g.Dir)
}

// FindWorktree returns the worktree among wts, leaving out a bare repository, that is at
// path (fspath.Same: through symlinks or not).
func FindWorktree(wts []gitwt.Worktree, path string) (gitwt.Worktree, bool) {
	for _, w := range wts {
		if !w.Bare && fspath.Same(w.Path, path) {
			return w, true
		}
	}
	return gitwt.Worktree{}, false
}
