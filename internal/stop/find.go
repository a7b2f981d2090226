// Package stop finds and stops the servers a worktree started: the processes that
// listen on its ports and run inside it (by their working directory, as
// listener.Attribute says), with those of their descendants that run there too. Nothing
// else is ever signalled: a process that listens on one of the ports from elsewhere (a
// browser's helper, another worktree's server), or that is only connected to one, is
// left alone and named in the report.
package stop

import (
	"context"
	"slices"

	"github.com/shirou/gopsutil/v4/process"

	"github.com/git-worktree-ports/git-worktree-ports/internal/listener"
)

// Port is one port to look at, with the service it belongs to ("" when none says).
type Port struct {
	Port    int
	Service string
}

// Proc is a process to stop: a listener on one of the ports (Port set), or a descendant
// of one (Parent set) that runs inside the worktree too.
type Proc struct {
	PID     int32
	Program string
	Cwd     string
	Port    int    // the port it listens on; 0 for a descendant
	Service string // the service of Port
	Parent  int32  // for a descendant, the listener whose tree it is in
	created int64  // its start time, so that a reused pid is never signalled
}

// Plan is what Find found: the processes to stop, and the listeners on the ports that
// are left alone because they were not started inside.
type Plan struct {
	Procs []Proc
	Other []listener.Listener
}

// Find looks up who listens on ports and keeps those whose working directory inside
// accepts, with their descendants that inside accepts too. A hidden listener (another
// user's, or one the OS will not name) always goes to Other.
func Find(ctx context.Context, ports []Port, inside func(cwd string) bool) (Plan, error) {
	nums := make([]int, len(ports))
	service := map[int]string{}
	for i, p := range ports {
		nums[i] = p.Port
		service[p.Port] = p.Service
	}
	found, err := listener.Lookup(ctx, nums)
	if err != nil {
		return Plan{}, err
	}
	var plan Plan
	seen := map[int32]bool{}
	for _, p := range ports {
		for _, l := range found[p.Port] {
			if l.Hidden || l.PID == 0 || !inside(l.Cwd) {
				plan.Other = append(plan.Other, l)
				continue
			}
			if seen[l.PID] {
				continue
			}
			seen[l.PID] = true
			plan.Procs = append(plan.Procs, Proc{PID: l.PID, Program: l.Program, Cwd: l.Cwd, Port: p.Port, Service: service[p.Port], created: createTime(ctx, l.PID)})
		}
	}
	plan.Procs = append(plan.Procs, descendants(ctx, plan.Procs, seen, inside)...)
	return plan, nil
}

// descendants walks the process table once and returns the descendants of roots that
// inside accepts, each once. A descendant outside is not followed further: what it
// started is not the worktree's.
func descendants(ctx context.Context, roots []Proc, seen map[int32]bool, inside func(string) bool) []Proc {
	all, err := process.ProcessesWithContext(ctx)
	if err != nil {
		return nil
	}
	children := map[int32][]*process.Process{}
	for _, p := range all {
		if ppid, err := p.PpidWithContext(ctx); err == nil {
			children[ppid] = append(children[ppid], p)
		}
	}
	var out []Proc
	type item struct{ pid, root int32 }
	queue := make([]item, 0, len(roots))
	for _, r := range roots {
		queue = append(queue, item{r.PID, r.PID})
	}
	for len(queue) > 0 {
		it := queue[0]
		queue = queue[1:]
		for _, c := range children[it.pid] {
			if seen[c.Pid] {
				continue
			}
			cwd, err := c.CwdWithContext(ctx)
			if err != nil || !inside(listener.Undeleted(cwd)) {
				continue
			}
			seen[c.Pid] = true
			name, _ := c.NameWithContext(ctx)
			out = append(out, Proc{PID: c.Pid, Program: name, Cwd: listener.Undeleted(cwd), Parent: it.root, created: createTime(ctx, c.Pid)})
			queue = append(queue, item{c.Pid, it.root})
		}
	}
	slices.SortFunc(out, func(a, b Proc) int { return int(a.PID - b.PID) })
	return out
}

// createTime is when pid started, in milliseconds since the epoch; 0 when unknown.
func createTime(ctx context.Context, pid int32) int64 {
	p, err := process.NewProcessWithContext(ctx, pid)
	if err != nil {
		return 0
	}
	t, err := p.CreateTimeWithContext(ctx)
	if err != nil {
		return 0
	}
	return t
}
