package reserve

import (
	"errors"
	"syscall"
)

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
// closes the sockets at once without listening. On Linux a listener on any
// address (loopback, a LAN address, a wildcard, IPv4 or IPv6) makes one of
// them fail with EADDRINUSE.
//
// The probe sets SO_REUSEADDR as servers do, so connections lingering in
// TIME_WAIT do not count as bound. IPv6 being unavailable (EAFNOSUPPORT,
// EADDRNOTAVAIL) does not count either. Any other failure, such as EACCES
// for a privileged port, counts as bound: when in doubt the port is not
// handed out.
type SystemProber struct{}

// Bound reports whether port is in use on any local address.
func (SystemProber) Bound(port int) bool {
	if port < 1 || port > maxPort {
		return true
	}
	in4, err := tryBind(syscall.AF_INET, &syscall.SockaddrInet4{Port: port})
	if in4 || err != nil {
		return true
	}
	in6, err := tryBind(syscall.AF_INET6, &syscall.SockaddrInet6{Port: port})
	if errors.Is(err, syscall.EAFNOSUPPORT) || errors.Is(err, syscall.EADDRNOTAVAIL) {
		return false
	}
	return in6 || err != nil
}

// tryBind binds a fresh TCP socket of family to sa. It returns true when
// the address is in use, and an error when the probe itself failed.
func tryBind(family int, sa syscall.Sockaddr) (bool, error) {
	fd, err := newSocket(family)
	if err != nil {
		return false, err
	}
	defer syscall.Close(fd)
	if err := syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_REUSEADDR, 1); err != nil {
		return false, err
	}
	if family == syscall.AF_INET6 {
		// IPv4 was probed on its own; V6ONLY keeps this probe's result
		// about IPv6 listeners alone, whatever net.ipv6.bindv6only says.
		if err := syscall.SetsockoptInt(fd, syscall.IPPROTO_IPV6, syscall.IPV6_V6ONLY, 1); err != nil {
			return false, err
		}
	}
	err = syscall.Bind(fd, sa)
	if errors.Is(err, syscall.EADDRINUSE) {
		return true, nil
	}
	return false, err
}
