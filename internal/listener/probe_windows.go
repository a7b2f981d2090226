//go:build windows

package listener

import (
	"errors"

	"golang.org/x/sys/windows"
)

// soExclusiveAddrUse is SO_EXCLUSIVEADDRUSE, defined by Winsock as ~SO_REUSEADDR.
const soExclusiveAddrUse = ^0x4

// bound probes with SO_EXCLUSIVEADDRUSE. Windows lets a plain wildcard bind share a port
// that another socket holds on a specific address (127.0.0.1:port, say), so a probe
// without it would miss a server listening on loopback only. With it the bind fails with
// WSAEADDRINUSE while any socket is bound to the port, and with WSAEACCES when that
// socket itself asked for exclusive use. SO_REUSEADDR is never set: on Windows it would
// let the probe steal a port that is in use.
func bound(port int) bool {
	in4, err := tryBind(windows.AF_INET, &windows.SockaddrInet4{Port: port})
	if in4 || err != nil {
		return true
	}
	in6, err := tryBind(windows.AF_INET6, &windows.SockaddrInet6{Port: port})
	if errors.Is(err, windows.WSAEAFNOSUPPORT) || errors.Is(err, windows.WSAEADDRNOTAVAIL) {
		return false
	}
	return in6 || err != nil
}

// tryBind binds a fresh TCP socket of family to sa. It returns true when the address is
// in use, and an error when the probe itself failed.
func tryBind(family int, sa windows.Sockaddr) (bool, error) {
	h, err := windows.WSASocket(int32(family), windows.SOCK_STREAM, windows.IPPROTO_TCP, nil, 0, windows.WSA_FLAG_NO_HANDLE_INHERIT)
	if err != nil {
		return false, err
	}
	defer windows.Closesocket(h)
	if err := windows.SetsockoptInt(h, windows.SOL_SOCKET, soExclusiveAddrUse, 1); err != nil {
		return false, err
	}
	if family == windows.AF_INET6 {
		if err := windows.SetsockoptInt(h, windows.IPPROTO_IPV6, windows.IPV6_V6ONLY, 1); err != nil {
			return false, err
		}
	}
	err = windows.Bind(h, sa)
	if errors.Is(err, windows.WSAEADDRINUSE) || errors.Is(err, windows.WSAEACCES) {
		return true, nil
	}
	return false, err
}
