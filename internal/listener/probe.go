package listener

import "github.com/git-worktree-ports/git-worktree-ports/internal/bundle"

// Prober reports whether something listens on a TCP port on any local
// address.
type Prober interface {
	Bound(port int) bool
}

// ProberFunc adapts a function to Prober, for tests.
type ProberFunc func(port int) bool

// Bound calls f.
func (f ProberFunc) Bound(port int) bool { return f(port) }

// SystemProber probes the real network stack. Bound tries to bind the
// wildcard addresses 0.0.0.0:port (IPv4) and [::]:port (IPv6 only), and
// closes the sockets at once without listening. A listener on any address
// (loopback, a LAN address, a wildcard, IPv4 or IPv6) makes one of them fail.
// How the bind is asked differs by system (probe_unix.go, probe_windows.go).
//
// IPv6 being unavailable does not count as bound. Any other failure, such as
// a privileged port, counts as bound: when in doubt the port is not handed out.
type SystemProber struct{}

// Bound reports whether port is in use on any local address.
func (SystemProber) Bound(port int) bool {
	if port < 1 || port > bundle.MaxPort {
		return true
	}
	return bound(port)
}
