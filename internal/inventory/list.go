// Package inventory computes what `list` and `doctor` report, as values: one row per
// worktree with its reservation, its listeners and its flags, and doctor's findings.
//
// Everything that touches the outside world (git, the reservation files, the
// connection table, the hook) is gathered once, in gather.go; what is made of it is
// decided by pure functions: Build and the flags for list, one check per finding for
// doctor (Diagnose). list's table is laid out here too (Table, table.go), as cells
// escaped and styled; cmd parses flags, picks the layout for its terminal and prints.
package inventory

import (
	"errors"
	"io/fs"
	"path/filepath"
	"time"

	"github.com/git-worktree-ports/git-worktree-ports/internal/fspath"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
	"github.com/git-worktree-ports/git-worktree-ports/internal/listener"
	"github.com/git-worktree-ports/git-worktree-ports/internal/names"
	"github.com/git-worktree-ports/git-worktree-ports/internal/registry"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
)

// Port is one reserved port in `list --json`.
type Port struct {
	Service string `json:"service"`
	Port    int    `json:"port"`
	// URL is the service's name on its port (package names); "" when the repository's
	// label is not known.
	URL       string `json:"url,omitempty"`
	Listening bool   `json:"listening"`
	// PID and Program name the listener where the OS tells; 0 and "" otherwise.
	PID     int32  `json:"pid,omitempty"`
	Program string `json:"program,omitempty"`
	// Owner is the name of the worktree the listener runs in, "outside", or
	// "unknown process" when the OS hides it; "" when nothing listens.
	Owner     string `json:"owner,omitempty"`
	OwnerPath string `json:"owner_path,omitempty"`
	// Health is healthy, unhealthy, not-http or closed with --health, for services
	// with a health path; "" otherwise.
	Health string `json:"health,omitempty"`
}

// Lease is one lease in `list --json`.
type Lease struct {
	Name    string `json:"name"`
	Port    int    `json:"port"`
	Expires string `json:"expires,omitempty"` // RFC 3339, UTC; omitted without a TTL
}

// Row is one worktree, one row of `list --json`.
type Row struct {
	Repo           string `json:"repo"`
	Name           string `json:"name"`
	Path           string `json:"path"`
	Branch         string `json:"branch"`
	Head           string `json:"head"`
	Current        bool   `json:"current"`
	Bare           bool   `json:"bare"`
	Detached       bool   `json:"detached"`
	Locked         bool   `json:"locked"`
	LockReason     string `json:"lock_reason,omitempty"`
	Prunable       bool   `json:"prunable"`
	PrunableReason string `json:"prunable_reason,omitempty"`
	Reserved       bool   `json:"reserved"`
	Main           bool   `json:"main,omitempty"`
	Slot           int    `json:"slot"`
	Base           int    `json:"base"`
	Width          int    `json:"width"`
	Ports          []Port `json:"ports"`
	// Leases are the worktree's leases (reserve.Lease) that have not expired; omitted
	// when it holds none.
	Leases []Lease `json:"leases,omitempty"`
	// Held are the ports of the bundle that no service or lease uses but something
	// listens on (Service ""), with who where the OS tells; omitted when there are none.
	Held  []Port   `json:"held,omitempty"`
	Flags []string `json:"flags"`
	Error string   `json:"error,omitempty"`

	// readErr is the error behind Error, for doctor.
	readErr error
	// host is the reservation's host template (reserve.Reservation.Host), for the URLs.
	host string
}

// The flags of a row, in the order they are given.
const (
	FlagCurrent     = "current"
	FlagMissing     = "missing"
	FlagInvalid     = "invalid"
	FlagConflicting = "conflicting"
	FlagPrunable    = "prunable"
	FlagLocked      = "locked"
	FlagBare        = "bare"
)

// Has reports whether the row carries flag.
func (r Row) Has(flag string) bool {
	for _, f := range r.Flags {
		if f == flag {
			return true
		}
	}
	return false
}

// List is the whole of `list --json`.
type List struct {
	Version   int   `json:"version"`
	Worktrees []Row `json:"worktrees"`
}

// Source is one repository's worktrees.
type Source struct {
	Name      string // the repository's short name
	Label     string // the repository's label in host names (names.RepoLabels); "" for none
	entry     registry.Entry
	Worktrees []gitwt.Worktree
}

// Build makes one row per worktree of sources, reading each reservation, and flags them.
// current is the top level the command runs in ("" for none). prober says which reserved
// ports are listening; nil asks nobody and leaves them all not listening.
func Build(sources []Source, current string, prober listener.Prober) List {
	out := List{Version: 1, Worktrees: []Row{}}
	for _, src := range sources {
		for _, w := range src.Worktrees {
			r := row(src.Name, w, current, prober)
			if src.Label != "" && len(src.Worktrees) > 0 {
				wt := names.WorktreeAt(src.Worktrees[0].Path, w.Path)
				for i, p := range r.Ports {
					r.Ports[i].URL = names.URL(names.HostIn(r.host, p.Service, wt, src.Label), p.Port)
				}
			}
			out.Worktrees = append(out.Worktrees, r)
		}
	}
	// Flags are derived last, because "conflicting" compares rows with each other.
	for i := range out.Worktrees {
		r := &out.Worktrees[i]
		add := func(cond bool, flag string) {
			if cond {
				r.Flags = append(r.Flags, flag)
			}
		}
		add(r.Current, FlagCurrent)
		add(!r.Reserved && !r.Bare && !r.Prunable && r.Error == "", FlagMissing)
		add(r.Error != "", FlagInvalid)
		add(r.Reserved && conflicts(out.Worktrees, i), FlagConflicting)
		add(r.Prunable, FlagPrunable)
		add(r.Locked, FlagLocked)
		add(r.Bare, FlagBare)
	}
	return out
}

func row(repo string, w gitwt.Worktree, current string, prober listener.Prober) Row {
	r := Row{
		Repo: repo, Name: w.Name(), Path: w.Path, Branch: w.ShortBranch(), Head: w.Head,
		Current: current != "" && fspath.Equal(w.Path, current),
		Bare:    w.Bare, Detached: w.Detached, Locked: w.Locked, LockReason: w.LockReason,
		Prunable: w.Prunable, PrunableReason: w.PrunableReason, Ports: []Port{}, Flags: []string{},
	}
	if w.Bare || w.Prunable {
		return r
	}
	// As allocate reads it (claim.ReadSiblings): a symlink is invalid, never followed.
	res, _, err := reserve.ReadNoFollow(filepath.Join(w.Path, reserve.FileName))
	switch {
	case err == nil:
		r.Reserved, r.Main, r.Slot, r.Base, r.Width, r.host = true, res.Main, res.Slot, res.Base, res.Width, res.Host
		for _, p := range res.Ports {
			r.Ports = append(r.Ports, Port{Service: p.Name, Port: p.Port, Listening: prober != nil && prober.Bound(p.Port)})
		}
		for _, l := range res.Leases {
			e := ""
			if !l.Expires.IsZero() {
				e = l.Expires.UTC().Format(time.RFC3339)
			}
			r.Leases = append(r.Leases, Lease{Name: l.Name, Port: l.Port, Expires: e})
		}
		r.Held = heldPorts(res, prober)
	case errors.Is(err, fs.ErrNotExist):
	default:
		r.Error, r.readErr = err.Error(), err
	}
	return r
}

// heldPorts lists the ports of r's bundle that no service or lease of r uses, and that
// something listens on: doctor's held advice, shown by list too.
func heldPorts(r reserve.Reservation, prober listener.Prober) []Port {
	if prober == nil {
		return nil
	}
	var out []Port
	for p := r.Base; p < r.Base+r.Width; p++ {
		if !r.Claimed(p) || usesPort(r, p) {
			continue
		}
		if prober.Bound(p) {
			out = append(out, Port{Port: p, Listening: true})
		}
	}
	return out
}

func conflicts(rows []Row, i int) bool {
	a := rowReservation(rows[i])
	for j, r := range rows {
		if j != i && r.Reserved && a.Overlaps(rowReservation(r)) {
			return true
		}
	}
	return false
}

func rowReservation(r Row) reserve.Reservation {
	res := reserve.Reservation{Main: r.Main, Base: r.Base, Width: r.Width}
	for _, p := range r.Ports {
		res.Ports = append(res.Ports, reserve.Port{Name: p.Service, Port: p.Port})
	}
	for _, l := range r.Leases {
		res.Leases = append(res.Leases, reserve.Lease{Name: l.Name, Port: l.Port})
	}
	return res
}
