package dotenvfile

import (
	"path/filepath"

	"github.com/git-worktree-ports/git-worktree-ports/internal/gitfiles"
)

// indexTracked reads from the index which of rels (relative to the worktree's top level
// root) git tracks, with no git process (gitfiles.Files.Tracked). ok is false where the
// index cannot be read as git reads it (a split or sparse index, GIT_INDEX_FILE, root not
// the top level, ...): the caller asks git.
func indexTracked(root string, env []string, rels []string) (tracked map[string]bool, ok bool) {
	loc, err := gitfiles.Files{Env: env}.Locate(root)
	if err != nil || !sameDir(loc.Toplevel, root) {
		return nil, false
	}
	tracked, err = gitfiles.Files{Loc: loc, Env: env}.Tracked(rels)
	return tracked, err == nil
}

// sameDir reports whether top, as Locate resolved it, is the directory dir names.
func sameDir(top, dir string) bool {
	if top == dir {
		return true
	}
	resolved, err := filepath.EvalSymlinks(dir)
	return err == nil && resolved == top
}
