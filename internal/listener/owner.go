// Who listens on a TCP port: the process id, its name and its working directory,
// through gopsutil in one scan of the connection table (see the package doc).

package listener

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"

	gnet "github.com/shirou/gopsutil/v4/net"
	"github.com/shirou/gopsutil/v4/process"
)

// Listener is a process listening on a TCP port.
type Listener struct {
	Port    int
	PID     int32  // 0 when the OS hides it
	Program string // process name; "" when hidden
	Cwd     string // working directory; "" when hidden
	Hidden  bool   // the OS would not tell (another user's process): report "unknown process"
}

// Lookup returns the listeners on the given ports (TCP LISTEN state, IPv4 and
// IPv6), found in one connection-table scan for all ports. A port with no
// listener has no key in the map. A port's listeners are sorted by PID, hidden
// ones last, and a process that listens on several addresses of one port (for
// example 127.0.0.1 and ::1) appears once. All hidden listeners of a port
// collapse into one entry, since nothing tells them apart.
//
// A listener is Hidden when the OS will not name its process: on Linux,
// another user's process (its /proc/PID/fd is unreadable, so the socket maps
// to no pid), or any process whose name or working directory cannot be read.
// A Hidden listener carries nothing but its port. A process that exits
// between the scan and the name lookup is left out: its socket is gone too.
//
// On macOS gopsutil asks lsof, which lists only the caller's own processes
// unless run as root, so another user's listener does not appear at all;
// callers that must know pair Lookup with a bind probe.
func Lookup(ctx context.Context, ports []int) (map[int][]Listener, error) {
	want := make(map[int]bool, len(ports))
	for _, p := range ports {
		want[p] = true
	}
	if len(want) == 0 {
		return map[int][]Listener{}, nil
	}

	// Without uids: gopsutil would otherwise read /proc/PID/status once per
	// connection in the table (listening or not), which we never use.
	conns, err := gnet.ConnectionsWithoutUidsWithContext(ctx, "tcp")
	if err != nil {
		return nil, fmt.Errorf("listing TCP listeners: %w", err)
	}

	return collect(conns, want, func(pid int32) *procInfo { return describe(ctx, pid) }), nil
}

// collect turns the connection table into listeners on the wanted ports,
// asking describe about each process once.
func collect(conns []gnet.ConnectionStat, want map[int]bool, describe func(int32) *procInfo) map[int][]Listener {
	out := make(map[int][]Listener)
	type key struct {
		port int
		pid  int32
	}
	seen := make(map[key]bool)
	procs := make(map[int32]*procInfo)
	for _, c := range conns {
		port := int(c.Laddr.Port)
		if c.Status != "LISTEN" || !want[port] {
			continue
		}
		if seen[key{port, c.Pid}] {
			continue
		}
		seen[key{port, c.Pid}] = true

		l := Listener{Port: port, Hidden: true}
		if c.Pid != 0 {
			info, ok := procs[c.Pid]
			if !ok {
				info = describe(c.Pid)
				procs[c.Pid] = info
			}
			if info.gone {
				continue
			}
			if !info.hidden {
				l = Listener{Port: port, PID: c.Pid, Program: info.name, Cwd: info.cwd}
			}
		}
		if l.Hidden && hasHidden(out[port]) {
			continue
		}
		out[port] = append(out[port], l)
	}
	for _, ls := range out {
		slices.SortFunc(ls, func(a, b Listener) int {
			if a.Hidden != b.Hidden {
				if a.Hidden {
					return 1
				}
				return -1
			}
			return cmp.Compare(a.PID, b.PID)
		})
	}
	return out
}

func hasHidden(ls []Listener) bool {
	return slices.ContainsFunc(ls, func(l Listener) bool { return l.Hidden })
}

type procInfo struct {
	name, cwd string
	hidden    bool // the OS would not tell
	gone      bool // exited since the scan
}

func describe(ctx context.Context, pid int32) *procInfo {
	p, err := process.NewProcessWithContext(ctx, pid)
	if err != nil {
		return classify(err)
	}
	name, err := p.NameWithContext(ctx)
	if err != nil {
		return classify(err)
	}
	cwd, err := p.CwdWithContext(ctx)
	if err != nil {
		return classify(err)
	}
	return &procInfo{name: name, cwd: Undeleted(cwd)}
}

// classify sorts a failed process lookup into "gone" (leave the listener out)
// and "hidden" (report an unknown process). Anything unexpected counts as
// hidden: the port is still bound, we just cannot say by whom.
func classify(err error) *procInfo {
	if errors.Is(err, process.ErrorProcessNotRunning) || errors.Is(err, fs.ErrNotExist) {
		return &procInfo{gone: true}
	}
	return &procInfo{hidden: true}
}

// Undeleted strips the " (deleted)" that Linux appends to the cwd link of a
// process whose directory was removed, so that a server left running in a
// deleted (prunable) worktree is still attributed to it. A directory really
// named that way, which still exists, keeps its name.
func Undeleted(cwd string) string {
	const suffix = " (deleted)"
	if !strings.HasSuffix(cwd, suffix) {
		return cwd
	}
	if _, err := os.Lstat(cwd); err == nil {
		return cwd
	}
	return strings.TrimSuffix(cwd, suffix)
}
