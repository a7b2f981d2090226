package alloc

import (
	"time"

	"github.com/git-worktree-ports/git-worktree-ports/internal/bundle"
	"github.com/git-worktree-ports/git-worktree-ports/internal/repository"
)

// keeps is the documented overlap rule (docs/DESIGN.md): when two reservations overlap,
// a main worktree keeping its main ports keeps them (ownMain; the sibling's is
// Sibling.KeepsMain); otherwise the one on its own preferred slot keeps it; otherwise the
// older file keeps it; on a tie the path that sorts first keeps it. Both sides evaluate
// the same rule, so exactly one moves, and the winner's file is never touched. (Two main
// worktrees of different repositories that name the same main port both keep it, since a
// main worktree never moves; the rule still names one, for doctor.)
func keeps(ownMain, ownPreferred bool, ownMod time.Time, ownPath string, s Sibling, spec bundle.Spec, repoID string) bool {
	if ownMain != s.KeepsMain() {
		return ownMain
	}
	// Another repository's preferred slot depends on its identity and config, which
	// this side cannot see; both sides then skip straight to the age rule, so they
	// still agree.
	if s.Repo == "" {
		sibSlot, _ := spec.SlotOf(s.Reservation.Base)
		sibPreferred := sibSlot == bundle.Preferred(repoID, s.Worktree.Name(), spec.Slots()) && s.Reservation.Width == spec.Width
		if ownPreferred != sibPreferred {
			return ownPreferred
		}
	}
	if !ownMod.Equal(s.ModTime) {
		return ownMod.Before(s.ModTime)
	}
	return ownPath < s.Worktree.Path
}

// Winner applies the overlap rule to two reservations of this repository and returns
// the one that keeps its bundle first.
func Winner(repo *repository.Repo, a, b Sibling) (keeper, loser Sibling) {
	spec := bundle.Spec{Range: bundle.Range{Lo: 1, Hi: 65535}}
	if c, err := repo.LoadConfig("", 0); err == nil {
		spec = c.Spec
	}
	slotA, _ := spec.SlotOf(a.Reservation.Base)
	aPreferred := a.Reservation.Width == spec.Width && slotA == bundle.Preferred(repo.RepoID(), a.Worktree.Name(), spec.Slots())
	if keeps(a.KeepsMain(), aPreferred, a.ModTime, a.Worktree.Path, b, spec, repo.RepoID()) {
		return a, b
	}
	return b, a
}
