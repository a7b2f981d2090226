//go:build !unix && !windows

package listener

import (
	"net"
	"strconv"
)

// bound falls back to the standard library where the system has no socket options to
// speak of: a port is bound when either wildcard refuses a listener.
func bound(port int) bool {
	for _, addr := range []string{"0.0.0.0", "::"} {
		l, err := net.Listen("tcp", net.JoinHostPort(addr, strconv.Itoa(port)))
		if err != nil {
			if addr == "::" {
				return false // no IPv6 here; IPv4 was free
			}
			return true
		}
		l.Close()
	}
	return false
}
