package claim

import (
	"time"

	"github.com/git-worktree-ports/git-worktree-ports/internal/bundle"
)

// Keeps is the documented overlap rule (docs/DESIGN.md), seen from a reservation of this
// repository against s: when two reservations overlap, a main worktree keeping its main
// ports keeps them against its own repository's worktrees (ownMain; the sibling's is
// Sibling.KeepsMain); otherwise the one on its own preferred slot keeps it; otherwise the
// older file keeps it; on a tie the path that sorts first keeps it. Both sides evaluate
// the same rule, so exactly one moves, and the winner's file is never touched.
//
// Between two repositories only age and path count: neither side knows the other's
// identity and config, so not its preferred slot either, and main ports win nothing
// there, so one repository's config can never move another repository's existing
// reservation (the earlier one wins; the main worktree that finds its main ports taken
// falls back to a bundle, see mainPorts).
func Keeps(ownMain, ownPreferred bool, ownMod time.Time, ownPath string, s Sibling, spec bundle.Spec, repoID string) bool {
	if s.Repo != "" {
		return olderKeeps(ownMod, ownPath, s.ModTime, s.Worktree.Path)
	}
	if ownMain != s.KeepsMain() {
		return ownMain
	}
	sibSlot, _ := spec.SlotOf(s.Reservation.Base)
	sibPreferred := sibSlot == bundle.Preferred(repoID, s.Worktree.Name(), spec.Slots()) && s.Reservation.Width == spec.Width
	if ownPreferred != sibPreferred {
		return ownPreferred
	}
	return olderKeeps(ownMod, ownPath, s.ModTime, s.Worktree.Path)
}

// olderKeeps is the rule's last two steps: the older file keeps its bundle; on a tie the
// path that sorts first.
func olderKeeps(aMod time.Time, aPath string, bMod time.Time, bPath string) bool {
	if !aMod.Equal(bMod) {
		return aMod.Before(bMod)
	}
	return aPath < bPath
}

// Winner applies the overlap rule to two reservations, of this repository or others
// (Sibling.Repo), and returns the one that keeps its bundle first. spec is this
// repository's config's bundle (a zero Width when it has none that loads: then no slot is
// preferred) and repoID its identity (repository.Repo.RepoID), which together say each
// worktree's preferred slot. judged is false for two worktrees of one other
// repository: the rule there needs that repository's identity and config, so only doctor
// run there can tell.
func Winner(spec bundle.Spec, repoID string, a, b Sibling) (keeper, loser Sibling, judged bool) {
	switch {
	case a.Repo != "" && a.Repo == b.Repo:
		return a, b, false
	case a.Repo != "" || b.Repo != "":
		if olderKeeps(a.ModTime, a.Worktree.Path, b.ModTime, b.Worktree.Path) {
			return a, b, true
		}
		return b, a, true
	}
	slotA, _ := spec.SlotOf(a.Reservation.Base)
	aPreferred := a.Reservation.Width == spec.Width && slotA == bundle.Preferred(repoID, a.Worktree.Name(), spec.Slots())
	if Keeps(a.KeepsMain(), aPreferred, a.ModTime, a.Worktree.Path, b, spec, repoID) {
		return a, b, true
	}
	return b, a, true
}
