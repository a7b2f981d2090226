package inventory

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"time"

	"github.com/git-worktree-ports/git-worktree-ports/internal/bundle"
	"github.com/git-worktree-ports/git-worktree-ports/internal/listener"
)

// HealthTimeout is how long list waits for each health probe.
const HealthTimeout = 200 * time.Millisecond

// AddOwners fills in who listens on each listening port: one connection-table scan for
// all of them, and none at all when nothing listens. When the OS will not say, warn gets
// one line and the ports keep no owner.
func AddOwners(ctx context.Context, out *List, warn func(string)) {
	var ports []int
	var wtPaths []string
	for _, r := range out.Worktrees {
		wtPaths = append(wtPaths, r.Path)
		for _, p := range slices.Concat(r.Ports, r.Held) {
			if p.Listening {
				ports = append(ports, p.Port)
			}
		}
	}
	if len(ports) == 0 {
		return
	}
	listeners, err := listener.Lookup(ctx, ports)
	if err != nil {
		if warn != nil {
			warn(fmt.Sprintf("cannot tell which processes hold the ports: %v", err))
		}
		return
	}
	for i := range out.Worktrees {
		r := &out.Worktrees[i]
		for j := range r.Ports {
			setOwner(&r.Ports[j], listeners, wtPaths)
		}
		for j := range r.Held {
			setOwner(&r.Held[j], listeners, wtPaths)
		}
	}
}

// setOwner fills in who listens on p, from the connection table's listeners.
func setOwner(p *Port, listeners map[int][]listener.Listener, wtPaths []string) {
	ls := listeners[p.Port]
	if !p.Listening {
		return
	}
	if len(ls) == 0 || ls[0].Hidden {
		// Listening (the bind probe says so) but the OS will not say by whom.
		p.Owner = "unknown process"
		return
	}
	l := ls[0]
	p.PID, p.Program = l.PID, l.Program
	if holder := listener.Attribute(l.Cwd, wtPaths); holder != "" {
		p.OwnerPath = holder
		p.Owner = filepath.Base(holder)
	} else {
		p.Owner = "outside"
	}
}

// AddHealth probes the health path of each listening service that declares one, all at
// once, HealthTimeout each.
func AddHealth(ctx context.Context, out *List, services []bundle.Service) {
	paths := map[string]string{}
	for _, s := range services {
		if s.Health != "" {
			paths[s.Name] = s.Health
		}
	}
	type ref struct{ i, j int }
	var targets []listener.HealthTarget
	var refs []ref
	for i, r := range out.Worktrees {
		for j, p := range r.Ports {
			if path, ok := paths[p.Service]; ok && p.Listening {
				targets = append(targets, listener.HealthTarget{Port: p.Port, Path: path})
				refs = append(refs, ref{i, j})
			}
		}
	}
	for k, res := range listener.CheckHealthAll(ctx, targets, HealthTimeout) {
		out.Worktrees[refs[k].i].Ports[refs[k].j].Health = string(res.Status)
	}
}
