package gitwt

import (
	"os"
	"path/filepath"

	"github.com/git-worktree-ports/git-worktree-ports/internal/fspath"
)

// GuessToplevel finds the worktree top above dir without running git: the nearest
// directory with a .git entry, as git's discovery finds it, with symlinks resolved as in
// `git rev-parse --show-toplevel`. It gives up (ok false) when it meets a git directory
// first (dir is inside .git or a bare repository: there is no top level), and when
// GIT_DIR or GIT_WORK_TREE is set, since they override discovery; getenv reads the
// environment git would see. Callers use it where a process start would cost more than
// the answer is worth, and fall back to Locate.
func GuessToplevel(dir string, getenv func(string) string) (top string, ok bool) {
	if getenv("GIT_DIR") != "" || getenv("GIT_WORK_TREE") != "" {
		return "", false
	}
	if dir == "" {
		wd, err := os.Getwd()
		if err != nil {
			return "", false
		}
		dir = wd
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", false
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
			// git reports the top level with symlinks resolved; so must we, or the same
			// worktree reached through a symlink would look like another one.
			return fspath.Real(d), true
		}
		if isGitDir(d) {
			// Inside a git directory (a repository's .git, a bare repository, a separate
			// git dir), where git's discovery stops with no worktree at all.
			return "", false
		}
		if filepath.Dir(d) == d {
			return "", false
		}
	}
}

// isGitDir reports whether dir looks like a git directory, as git's discovery checks
// after finding no .git in it: a HEAD file, and an objects directory or a commondir file
// (a linked worktree's). It may say yes to a directory git would reject; the caller then
// asks git, which is only slower.
func isGitDir(dir string) bool {
	if fi, err := os.Lstat(filepath.Join(dir, "HEAD")); err != nil || fi.IsDir() {
		return false
	}
	if _, err := os.Lstat(filepath.Join(dir, "commondir")); err == nil {
		return true
	}
	fi, err := os.Stat(filepath.Join(dir, "objects"))
	return err == nil && fi.IsDir()
}

// locationVars are the variables with which git is told where a repository is, overriding
// discovery from the working directory.
var locationVars = []string{"GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR", "GIT_INDEX_FILE", "GIT_PREFIX", "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES"}

// WithoutLocation returns env (nil: the process's environment) without the variables that
// tell git where a repository is. git exports GIT_DIR to hooks; run in another repository,
// or inherited by a hook's children, it would point every git command at the wrong place.
func WithoutLocation(env []string) []string {
	if env == nil {
		env = os.Environ()
	}
	out := make([]string, 0, len(env))
next:
	for _, kv := range env {
		for _, name := range locationVars {
			if len(kv) > len(name) && kv[len(name)] == '=' && kv[:len(name)] == name {
				continue next
			}
		}
		out = append(out, kv)
	}
	return out
}
