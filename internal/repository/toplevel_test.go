package repository

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/git-worktree-ports/git-worktree-ports/internal/gittest"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
)

// TestFindRootAgreesWithGit: FindRoot, which env, port and exec use, finds the worktree
// as git does (and as Discover does): from git's files where gitfiles.Files.Locate answers,
// from git where it falls back. Its own walk up to the nearest .git used to stop at an
// empty .git directory, and to ignore GIT_CEILING_DIRECTORIES and GIT_COMMON_DIR.
func TestFindRootAgreesWithGit(t *testing.T) {
	t.Parallel()
	s := gittest.New(t)
	m := s.Repo("main")
	s.Git(m, "worktree", "add", "-q", s.Path("linked"))
	for _, d := range []string{filepath.Join(m, "empty", ".git"), filepath.Join(m, "deep", "er")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	check := func(dir string, env ...string) {
		t.Helper()
		g := gitwt.Git{Dir: dir, Env: append(s.Env[:len(s.Env):len(s.Env)], env...)}
		got, err := FindRoot(ctx, g)
		loc, gerr := g.Locate(ctx)
		var nw *NotWorktreeError
		switch {
		case gerr != nil:
			if err == nil {
				t.Errorf("from %s %q: FindRoot = %q where git fails: %v", dir, env, got, gerr)
			}
		case loc.Toplevel == "":
			if !errors.As(err, &nw) {
				t.Errorf("from %s %q: FindRoot = %q, %v; git finds no worktree", dir, env, got, err)
			}
		case err != nil || got != loc.Toplevel:
			t.Errorf("from %s %q: FindRoot = %q, %v; git says %q", dir, env, got, err, loc.Toplevel)
		}
	}
	check(m)
	check(filepath.Join(m, "deep", "er"))
	check(filepath.Join(m, "empty"))
	check(s.Path("linked"))
	check(filepath.Join(m, ".git", "objects"))
	check(filepath.Join(m, "deep", "er"), "GIT_CEILING_DIRECTORIES="+m)
	check(m, "GIT_COMMON_DIR="+s.Path("nowhere"))
	check(m, "GIT_COMMON_DIR="+filepath.Join(m, ".git"))
	s.Git(m, "config", "--global", "core.worktree", s.Path("linked"))
	check(m)
	check(s.Path("linked"))
}
