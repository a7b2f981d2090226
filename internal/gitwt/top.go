package gitwt

import (
	"os"
	"path/filepath"
)

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
