package gitwt

import (
	"os"
	"path/filepath"
)

// GuessToplevel finds the worktree top above dir without running git: the nearest
// directory with a .git entry, as git's discovery finds it, with symlinks resolved as in
// `git rev-parse --show-toplevel`. It gives up (ok false) when
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
			if r, err := filepath.EvalSymlinks(d); err == nil {
				d = r
			}
			return d, true
		}
		if filepath.Dir(d) == d {
			return "", false
		}
	}
}
