package repository

import (
	"github.com/git-worktree-ports/git-worktree-ports/internal/fspath"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitfiles"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
)

// placeMain takes what git said about this process's own location into the list wts of
// its repository. git lists the main worktree of a separate git dir at its git directory
// (docs/DESIGN.md, "The main worktree's real working tree"), but run in the main worktree
// itself, loc.Toplevel is its real working tree, whatever the list says. placeMain puts
// it there; elsewhere it changes nothing. It writes nothing: discovery is a read, and
// allocate alone notes the main worktree for the others (gitfiles.RecordMain).
func placeMain(wts []gitwt.Worktree, loc gitwt.Location) {
	if len(wts) == 0 || wts[0].Bare || !gitfiles.InMain(loc) {
		return
	}
	if !fspath.Same(wts[0].Path, loc.Toplevel) {
		wts[0].SetPath(loc.Toplevel)
	}
}
