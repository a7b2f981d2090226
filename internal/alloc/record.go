package alloc

import (
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitfiles"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
)

// recordMain is the step of allocate that notes, run in the main worktree of a separate
// git dir, where that worktree is (gitfiles.RecordMain), so that the linked worktrees,
// where git lists only the git directory, find the main worktree's reservation. It is
// allocate's alone: every other command only reads (docs/DESIGN.md, "The main
// worktree's real working tree"). A failure is ignored: the note only helps the others,
// and it is written again at the next allocate here.
func recordMain(loc gitwt.Location) {
	if !gitfiles.InMain(loc) {
		return
	}
	_ = gitfiles.RecordMain(loc.Toplevel, loc.CommonDir)
}
