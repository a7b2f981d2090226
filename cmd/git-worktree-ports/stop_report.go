package main

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/git-worktree-ports/git-worktree-ports/internal/fspath"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitfiles"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
	"github.com/git-worktree-ports/git-worktree-ports/internal/listener"
	"github.com/git-worktree-ports/git-worktree-ports/internal/repository"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
	"github.com/git-worktree-ports/git-worktree-ports/internal/stop"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// stopReport lists the plan (--dry-run) or runs it, and says on stderr what ended, what
// needed KILL, what was left alone and what survived.
func stopReport(ctx context.Context, opts *StopOptions, plan stop.Plan, name string, paths []string, label func(string) string) error {
	f := opts.F
	wt := untrusted.New(name)
	for _, l := range plan.Other {
		if opts.Removed && !listener.Gone(l.Cwd) {
			continue // the range's live servers are not what --removed is about
		}
		fmt.Fprintf(f.ErrOut, "%s: left alone: port %d is held by %s\n", wt, l.Port, listener.Holder(l, paths, label))
	}
	if len(plan.Procs) == 0 {
		what := "no server of this worktree listens on its ports"
		if opts.Removed {
			what = "no server of a removed worktree listens in the range"
		}
		fmt.Fprintf(f.ErrOut, "%s: %s\n", wt, what)
		return nil
	}
	if opts.DryRun {
		for _, p := range plan.Procs {
			port, service := "-", "-"
			if p.Port != 0 {
				port = strconv.Itoa(p.Port)
			}
			if p.Service != "" {
				service = p.Service
			}
			fmt.Fprintf(f.Out, "%d %s %s %s %s\n", p.PID, untrusted.New(p.Program), port, untrusted.New(service), untrusted.New(p.Cwd))
		}
		return nil
	}
	r := stop.Run(ctx, plan, stop.Options{Grace: opts.Timeout, Prober: f.Prober})
	for _, p := range r.Termed {
		fmt.Fprintf(f.ErrOut, "%s: stopped %s\n", wt, procText(p))
	}
	for _, p := range r.Killed {
		fmt.Fprintf(f.ErrOut, "%s: killed %s, still running %s after TERM\n", wt, procText(p), opts.Timeout)
	}
	for _, p := range r.Survived {
		fmt.Fprintf(f.ErrOut, "%s: still running after KILL: %s\n", wt, procText(p))
	}
	stillHeld(ctx, f, wt.String(), r.Bound, paths, label)
	if len(r.Survived) > 0 || len(r.Bound) > 0 {
		return &silentError{code: exitSurvived}
	}
	return nil
}

// procText names a stopped process: "tcpserver (pid 42) on port 14601 (web)", or for a
// child "sleep (pid 43), a child of pid 42".
func procText(p stop.Proc) string {
	s := fmt.Sprintf("%s (pid %d)", untrusted.New(p.Program), p.PID)
	switch {
	case p.Port != 0 && p.Service != "":
		s += fmt.Sprintf(" on port %d (%s)", p.Port, untrusted.New(p.Service))
	case p.Port != 0:
		s += fmt.Sprintf(" on port %d from %s", p.Port, untrusted.New(p.Cwd))
	default:
		s += fmt.Sprintf(", a child of pid %d", p.Parent)
	}
	return s
}

// stillHeld names who holds each port that stayed in use. A socket shared by several
// processes shows only one of them in the connection table, so another holder comes to
// light only once the first has gone: this second look names it.
func stillHeld(ctx context.Context, f *Factory, wt string, ports []int, paths []string, label func(string) string) {
	found, err := listener.Lookup(ctx, ports)
	for _, p := range ports {
		if err != nil || len(found[p]) == 0 {
			fmt.Fprintf(f.ErrOut, "%s: port %d is still in use\n", wt, p)
			continue
		}
		for _, l := range found[p] {
			fmt.Fprintf(f.ErrOut, "%s: port %d is still in use by %s\n", wt, p, listener.Holder(l, paths, label))
		}
	}
}

// heldBy names who listens on port for a message, as " by tcpserver (pid 42) from
// worktree ../b" with worktrees named relative to base; "" when the OS will not say.
func heldBy(ctx context.Context, port int, wts []gitwt.Worktree, base string) string {
	found, err := listener.Lookup(ctx, []int{port})
	if err != nil || len(found[port]) == 0 {
		return ""
	}
	paths := make([]string, 0, len(wts))
	for _, w := range wts {
		paths = append(paths, w.Path)
	}
	return " by " + listener.Holder(found[port][0], paths, func(p string) string { return repository.Label(base, p) })
}

// ownPortsOf reads the ports of root's reservation; none when there is no readable one.
func ownPortsOf(root string) []reserve.Port {
	res, _, err := reserve.Read(filepath.Join(root, reserve.FileName))
	if err != nil {
		return nil
	}
	return res.Ports
}

// stillListening warns about each server started in root that still listens on one of
// old's ports that root's reservation no longer holds (release, allocate --base or
// --force moved away from it): stop, which looks at the reservation, cannot see it there
// any more, so the message gives its pid.
func stillListening(ctx context.Context, f *Factory, root string, old []reserve.Port) {
	left := map[int]string{}
	var ports []int
	for _, p := range old {
		left[p.Port] = p.Name
	}
	for _, p := range ownPortsOf(root) {
		delete(left, p.Port)
	}
	for p := range left {
		if f.Prober.Bound(p) {
			ports = append(ports, p)
		}
	}
	if len(ports) == 0 {
		return
	}
	slices.Sort(ports)
	found, err := listener.Lookup(ctx, ports)
	if err != nil {
		return
	}
	wts, err := gitfiles.ListWorktrees(ctx, f.git())
	if err != nil {
		return
	}
	paths := make([]string, 0, len(wts))
	for _, w := range wts {
		paths = append(paths, w.Path)
	}
	name := untrusted.New(filepath.Base(root))
	for _, p := range ports {
		for _, l := range found[p] {
			if l.Hidden || !fspath.Same(listener.Attribute(l.Cwd, paths), root) {
				continue
			}
			fmt.Fprintf(f.ErrOut, "%s: its server %s (pid %d) still listens on port %d (%s), which this worktree no longer holds: restart it, or `kill %d`\n",
				name, untrusted.New(l.Program), l.PID, p, untrusted.New(left[p]), l.PID)
		}
	}
}
