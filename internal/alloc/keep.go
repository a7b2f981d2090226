package alloc

import (
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/git-worktree-ports/git-worktree-ports/internal/claim"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// keep decides whether the existing reservation stays. It stays when it sits on a slot
// of the current spec and overlaps no sibling (or wins the overlap rule); it is rewritten
// at the same base when only the derived ports or env differ.
func (a *allocation) keep(own reserve.Reservation, prev []byte, preferred int, dryRun bool) (*Result, bool) {
	spec := a.cfg.Spec
	if own.Main {
		// Only the main worktree keeps main ports, and only while its config names them.
		a.warn(fmt.Sprintf("%s holds main ports (\"main\": true), which only the main worktree keeps, and only while its config names them (services.<name>.main); choosing a bundle", untrusted.New(a.path)))
		return nil, false
	}
	slot, aligned := spec.SlotOf(own.Base)
	if !aligned || own.Width != spec.Width {
		a.warn(fmt.Sprintf("%s: base %d width %d does not fit the current config (range %d-%d, width %d); choosing again", untrusted.New(a.path), own.Base, own.Width, spec.Range.Lo, spec.Range.Hi, spec.Width))
		return nil, false
	}
	if p, bad := spec.Avoided(own.Base); bad {
		a.warn(fmt.Sprintf("%s: port %d is on the avoid list; choosing again", untrusted.New(a.path), p))
		return nil, false
	}
	if p, ok := spec.MainPortIn(own.Base); ok {
		a.warn(fmt.Sprintf("%s: bundle %s holds port %d, which the main worktree keeps (services.%s.main); choosing again", untrusted.New(a.name), portRange(own.Base, own.Width), p.Port, untrusted.New(p.Service)))
		return nil, false
	}
	ownMod := modTime(a.path)
	for _, s := range a.sibs {
		if !own.Overlaps(s.Reservation) {
			continue
		}
		if claim.Keeps(false, slot == preferred, ownMod, a.root, s, spec, a.repo.RepoID()) {
			continue
		}
		a.warn(fmt.Sprintf("%s: bundle %s overlaps %s (%s), which keeps it; choosing again", untrusted.New(a.name), portRange(own.Base, own.Width), s.Label, claimText(s.Reservation)))
		return nil, false
	}
	want := a.reservation(slot, own.Base)
	if sameContent(own, want) && a.sealed(own) {
		return &Result{
			Path: a.path, Root: a.root, Reservation: own, Data: prev, Outcome: Kept,
			Message: fmt.Sprintf("%s: kept slot %d, ports %s", untrusted.New(a.name), slot, portRange(own.Base, own.Width)),
		}, true
	}
	why := "updated ports/env from the config"
	switch {
	case !a.sealed(own) && samePorts(own, want):
		why = "signed it as yours"
	case a.branchOnly(own, want):
		why = "refreshed for branch " + a.branchName()
	case !samePorts(own, want):
	case a.movedFrom != "":
		why = "updated for its new place (moved from " + untrusted.New(a.movedFrom).String() + ")"
	default:
		why = "updated its file"
	}
	a.keptSince = ownMod
	r, err := a.write(prev, want, Updated, fmt.Sprintf("%s: kept slot %d, ports %s; %s", untrusted.New(a.name), slot, portRange(own.Base, own.Width), why), dryRun)
	if err != nil {
		a.warn(err.Error())
		return nil, false
	}
	return r, true
}

// branchOnly reports whether own differs from want only in the vars derived from the
// branch: the branch changed since the file was written, not the config.
func (a *allocation) branchOnly(own, want reserve.Reservation) bool {
	return own.Base == want.Base && own.Slot == want.Slot && slices.Equal(own.Ports, want.Ports) &&
		claim.Compare(own, want, true).BranchOnly(a.cfg.BranchVars())
}

// branchName is the branch checked out here, for a message, or "(detached HEAD)".
func (a *allocation) branchName() string {
	cur, _ := a.repo.Current()
	if b := cur.ShortBranch(); b != "" {
		return untrusted.New(b).String()
	}
	return "(detached HEAD)"
}

func modTime(path string) time.Time {
	if fi, err := os.Stat(path); err == nil {
		return fi.ModTime()
	}
	return time.Time{}
}

// sameContent reports whether the file own needs no rewrite to hold want. A file that
// records no place (written by hand or by an older version) is not rewritten just to
// add one: a valid reservation is kept exactly.
func sameContent(own, want reserve.Reservation) bool {
	if own.Root != "" && own.Root != want.Root || own.GitDir != "" && own.GitDir != want.GitDir {
		return false
	}
	return own.Version == want.Version && own.Worktree == want.Worktree && own.Main == want.Main && own.Approval == want.Approval && own.Host == want.Host && samePorts(own, want)
}

// samePorts reports whether two reservations hold the same bundle, ports and env.
func samePorts(a, b reserve.Reservation) bool {
	return a.Base == b.Base && a.Width == b.Width && a.Slot == b.Slot &&
		slices.Equal(a.Ports, b.Ports) && slices.Equal(a.Env, b.Env)
}
