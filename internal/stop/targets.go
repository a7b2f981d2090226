package stop

import (
	"path/filepath"
	"strings"

	"github.com/git-worktree-ports/git-worktree-ports/internal/bundle"
	"github.com/git-worktree-ports/git-worktree-ports/internal/fspath"
	"github.com/git-worktree-ports/git-worktree-ports/internal/listener"
)

// InWorktree is Find's test for `stop` in a worktree: a working directory that lies in the
// worktree at root, of the repository's worktrees at paths (a nested worktree's directory
// is the nested one's, not root's).
func InWorktree(root string, paths []string) func(string) bool {
	return func(cwd string) bool {
		h := listener.Attribute(cwd, paths)
		return h != "" && fspath.Same(h, root)
	}
}

// Removed is what `stop --removed` looks at: every port of the repository's range rg, and
// the test for a working directory that a removed worktree of this repository left: it
// no longer exists, it is in no worktree that exists (paths), and it is (or lies below) a
// deleted entry of a directory that holds one of the repository's worktrees, where `git
// worktree add` put the removed one. A deleted directory below one that still exists
// (/src/tmp/x, with /src/tmp still there) is not a removed worktree's. Nothing on disk
// says which repository a deleted worktree belonged to: a sibling repository that shares
// both the range and the parent directory would match too, which is why --dry-run exists.
func Removed(rg bundle.Range, paths []string) ([]Port, func(string) bool) {
	ports := make([]Port, 0, rg.Hi-rg.Lo+1)
	for p := rg.Lo; p <= rg.Hi; p++ {
		ports = append(ports, Port{Port: p})
	}
	inside := func(cwd string) bool {
		if !listener.Gone(cwd) {
			return false
		}
		if h := listener.Attribute(cwd, paths); h != "" {
			return false
		}
		for _, w := range paths {
			if top, ok := entryBelow(filepath.Dir(w), cwd); ok && listener.Gone(top) {
				return true
			}
		}
		return false
	}
	return ports, inside
}

// entryBelow returns the entry of dir that path is or lies in (dir/a for dir/a/b/c), and
// false when path is not below dir.
func entryBelow(dir, path string) (string, bool) {
	rel, err := filepath.Rel(dir, filepath.Clean(path))
	if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	first, _, _ := strings.Cut(rel, string(filepath.Separator))
	return filepath.Join(dir, first), true
}
