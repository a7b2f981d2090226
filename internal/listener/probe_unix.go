//go:build unix

package listener

import (
	"errors"
	"syscall"
)

// bound probes with SO_REUSEADDR, as servers bind, so connections lingering in TIME_WAIT
// do not count as bound. On Linux and the BSDs a wildcard bind then still fails with
// EADDRINUSE while anything listens on the port at any address.
func bound(port int) bool {
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
