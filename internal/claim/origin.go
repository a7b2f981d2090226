package claim

import (
	"fmt"

	"github.com/git-worktree-ports/git-worktree-ports/internal/fspath"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// Origin says whose reservation a file found at a worktree's top level is.
type Origin int

const (
	// Own: written for this worktree, or by hand or an older version, which recorded no
	// place (then only the worktree name can tell, and callers check that).
	Own Origin = iota
	// MovedHere: written for this same worktree before `git worktree move` gave it a new
	// path. Its ports are still its own; the next allocate records the new place.
	MovedHere
	// Copied: written for another worktree, and copied here with a directory (cp -r),
	// a clone of a repository that committed it, or a checkout of a committed one. Its
	// ports are the original's.
	Copied
)

// OriginOf tells whose reservation r is, found at the top level root. It compares only
// paths: the root and git directory the file names are never opened, since a committed
// file could name anything (an automounted network path, say). here is asked, only
// when the roots differ, for this worktree's git directory and whether git's own records
// name root as that git directory's worktree (gitfiles.GitDirOf, or git's worktree list).
//
// The rule: the same root is its own file. A different root with the same git
// directory, where git's records name this root, is a worktree moved with `git
// worktree move`, which keeps its administrative directory. Anything else is a copy: a
// copied directory keeps the original's git directory but git does not know the new
// path; a clone, a copied main worktree and a new worktree that checked out a committed
// file each have a git directory of their own.
func OriginOf(r reserve.Reservation, root string, here func() (gitDir string, registered bool)) Origin {
	if r.Root == "" || fspath.Equal(r.Root, root) {
		return Own
	}
	gitDir, registered := here()
	if registered && r.GitDir != "" && fspath.Equal(r.GitDir, gitDir) {
		return MovedHere
	}
	return Copied
}

// CopiedWarning is the one line that says a reservation at path was written for the
// worktree at original: the ports it lists are that worktree's.
func CopiedWarning(path, original string) string {
	return fmt.Sprintf("warning: %s was written for the worktree at %s (copied, cloned or committed?): its ports are that worktree's; run `git worktree-ports allocate` here to get your own", untrusted.New(path), untrusted.New(original))
}
