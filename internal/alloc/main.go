package alloc

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/git-worktree-ports/git-worktree-ports/internal/claim"
	"github.com/git-worktree-ports/git-worktree-ports/internal/fspath"
	"github.com/git-worktree-ports/git-worktree-ports/internal/listener"
	"github.com/git-worktree-ports/git-worktree-ports/internal/repository"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// mainPorts allocates in the main worktree when every service names its main port
// (services.<name>.main) and no other repository's earlier reservation holds one
// (mainHeldElsewhere): its reservation is exactly those ports, wherever they lie, and
// nothing of its own repository moves it off them. Whatever else holds one (a worktree of
// this repository, a newer reservation of another, a process) is named in a warning, and
// the main worktree keeps it all the same: the project's usual ports are the point.
func (a *allocation) mainPorts(o Options, want, own reserve.Reservation, hasOwn bool, prev []byte) (*Result, error) {
	if o.Base != 0 {
		return nil, fmt.Errorf("--base %d: the main worktree keeps the ports its config names (services.<name>.main), never a slot of the range; --base is for linked worktrees", o.Base)
	}
	a.warnHeld(want)
	ports := mainPortsText(want)
	if hasOwn && !o.Force && sameContent(own, want) && a.sealed(own) {
		return &Result{
			Path: a.path, Root: a.root, Reservation: own, Data: prev, Outcome: Kept,
			Message: fmt.Sprintf("%s: main worktree, kept its ports %s", untrusted.New(a.name), ports),
		}, nil
	}
	msg := fmt.Sprintf("%s: main worktree, ports %s (services.<name>.main)", untrusted.New(a.name), ports)
	if hasOwn && !own.Main {
		msg = fmt.Sprintf("%s: main worktree, ports %s (services.<name>.main), instead of slot %d, ports %s", untrusted.New(a.name), ports, own.Slot, portRange(own.Base, own.Width))
	}
	return a.write(prev, want, MainPorts, msg, o.DryRun)
}

// mainReservation is what the main worktree's file holds (claim.ExpectedMain).
func (a *allocation) mainReservation() reserve.Reservation {
	cur, _ := a.repo.Current()
	r, err := claim.ExpectedMain(a.cfg, a.repo.RepoName(), cur.ShortBranch(), a.root, a.repo.Loc.GitDir)
	if err != nil {
		a.warn(err.Error())
	}
	r.Approval = a.approval
	r.Host = a.cfg.Host
	return r
}

// mainHeldElsewhere returns another repository's reservation that holds one of want's
// main ports and keeps it by the overlap rule (between repositories: the older file,
// then the path), and that port; nil when there is none. The main worktree's own file
// counts with its age only for a port it already holds as a main port; for any other
// (a new main port in the config, or a main worktree that was on a bundle) it asks now,
// later than any reservation already there.
func (a *allocation) mainHeldElsewhere(want, own reserve.Reservation, hasOwn bool) (*claim.Sibling, reserve.Port) {
	now, held := time.Now(), time.Time{}
	if hasOwn && own.Main {
		held = modTime(a.path)
	}
	for _, p := range want.Ports {
		ownMod := now
		if !held.IsZero() && own.Claimed(p.Port) {
			ownMod = held
		}
		for i, s := range a.sibs {
			if s.Repo == "" || !s.Reservation.Claimed(p.Port) {
				continue
			}
			if !claim.Keeps(true, false, ownMod, a.root, s, a.cfg.Spec, a.repo.RepoID()) {
				return &a.sibs[i], p
			}
		}
	}
	return nil, reserve.Port{}
}

// mainPortsText lists a main reservation's ports as "web 3000, api 8000".
func mainPortsText(r reserve.Reservation) string {
	parts := make([]string, len(r.Ports))
	for i, p := range r.Ports {
		parts[i] = untrusted.New(p.Name).String() + " " + strconv.Itoa(p.Port)
	}
	return strings.Join(parts, ", ")
}

// warnHeld names, for each of the main worktree's ports, whatever else holds it: the
// reservation of another worktree (which moves off it at its next allocate, unless it is
// another repository's main worktree) and any process listening on it outside this
// worktree. Its own servers are what the ports are for, and say nothing.
func (a *allocation) warnHeld(want reserve.Reservation) {
	var bound []int
	for _, p := range want.Ports {
		for _, s := range a.sibs {
			if !s.Reservation.Claimed(p.Port) {
				continue
			}
			then := "it moves off it at its next allocate"
			if s.KeepsMain() {
				// Another repository's newer main worktree (mainHeldElsewhere let this one
				// keep its ports).
				then = "it takes a bundle of its range instead at its next allocate, since this reservation is older"
			}
			a.warn(fmt.Sprintf("%s: port %d (%s) is also reserved by %s; the main worktree keeps it, and %s", untrusted.New(a.name), p.Port, untrusted.New(p.Name), s.Label, then))
		}
		if a.prober.Bound(p.Port) {
			bound = append(bound, p.Port)
		}
	}
	if len(bound) == 0 {
		return
	}
	found, err := listener.Lookup(a.ctx, bound)
	paths := make([]string, 0, len(a.repo.Worktrees))
	for _, w := range a.repo.Worktrees {
		paths = append(paths, w.Path)
	}
	for _, port := range bound {
		name := serviceOf(want, port)
		ls := found[port]
		if err != nil || len(ls) == 0 {
			// The OS would not say who (or the listener went away meanwhile).
			a.warn(fmt.Sprintf("%s: port %d (%s) is in use by a process the OS does not name; the main worktree keeps it", untrusted.New(a.name), port, untrusted.New(name)))
			continue
		}
		for _, l := range ls {
			holder := ""
			if !l.Hidden {
				holder = listener.Attribute(l.Cwd, paths)
			}
			if holder != "" && fspath.Same(holder, a.root) {
				continue // its own server
			}
			who := listener.Holder(l, paths, func(p string) string { return repository.Label(a.root, p) })
			a.warn(fmt.Sprintf("%s: port %d (%s) is in use by %s; the main worktree keeps it", untrusted.New(a.name), port, untrusted.New(name), who))
		}
	}
}

func serviceOf(r reserve.Reservation, port int) string {
	for _, p := range r.Ports {
		if p.Port == port {
			return p.Name
		}
	}
	return ""
}
