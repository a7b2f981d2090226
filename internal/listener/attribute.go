package listener

import (
	"path/filepath"
	"strings"

	"github.com/git-worktree-ports/git-worktree-ports/internal/fspath"
)

// Attribute maps a listener's working directory to the worktree that contains
// it: the longest worktree path that is cwd or a parent of it. It returns that
// worktree path exactly as given, or "" when cwd is empty or lies outside every
// worktree.
//
// Paths are compared first after fspath.Real (the OS reports a
// process's cwd resolved, while git may list a worktree through a symlink such
// as macOS's /tmp -> /private/tmp), then, when that finds nothing, as cleaned
// but unresolved paths, which still works for directories that no longer
// exist. Components are compared whole: /a/bc is not inside /a/b. Attribute
// reads the file system to resolve symlinks but changes nothing.
func Attribute(cwd string, worktrees []string) string {
	if cwd == "" {
		return ""
	}
	c := filepath.Clean(cwd)
	if i := longest(fspath.Real(c), worktrees, fspath.Real); i >= 0 {
		return worktrees[i]
	}
	if i := longest(c, worktrees, filepath.Clean); i >= 0 {
		return worktrees[i]
	}
	return ""
}

// longest returns the index of the worktree whose path, mapped by norm,
// contains path and is the longest, or -1.
func longest(path string, worktrees []string, norm func(string) string) int {
	best, bestLen := -1, -1
	for i, wt := range worktrees {
		if wt == "" {
			continue
		}
		w := norm(wt)
		if within(path, w) && len(w) > bestLen {
			best, bestLen = i, len(w)
		}
	}
	return best
}

// within reports whether path is dir or lies below it. Both are clean.
func within(path, dir string) bool {
	if path == dir {
		return true
	}
	if !strings.HasSuffix(dir, string(filepath.Separator)) {
		dir += string(filepath.Separator)
	}
	return strings.HasPrefix(path, dir)
}
