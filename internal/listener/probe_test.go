//go:build unix

package listener

import (
	"context"
	"net"
	"syscall"
	"testing"
)

// listen opens a listener whose port the kernel picks, so tests never
// depend on a fixed port being free.
func listen(t *testing.T, network, addr string, v6only bool) int {
	t.Helper()
	lc := net.ListenConfig{}
	if v6only {
		lc.Control = func(_, _ string, c syscall.RawConn) error {
			var serr error
			err := c.Control(func(fd uintptr) {
				serr = syscall.SetsockoptInt(int(fd), syscall.IPPROTO_IPV6, syscall.IPV6_V6ONLY, 1)
			})
			if err != nil {
				return err
			}
			return serr
		}
	}
	l, err := lc.Listen(context.Background(), network, addr)
	if err != nil {
		if network != "tcp4" {
			t.Skipf("no IPv6 here: %v", err)
		}
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l.Addr().(*net.TCPAddr).Port
}

func TestSystemProberBound(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, network, addr string
		v6only              bool
	}{
		{"IPv4 loopback", "tcp4", "127.0.0.1:0", false},
		{"IPv6 loopback", "tcp6", "[::1]:0", false},
		{"dual-stack wildcard", "tcp", ":0", false},
		{"IPv4 wildcard", "tcp4", "0.0.0.0:0", false},
		{"IPv6-only wildcard", "tcp6", "[::]:0", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			port := listen(t, tt.network, tt.addr, tt.v6only)
			if !(SystemProber{}).Bound(port) {
				t.Errorf("Bound(%d) = false with a listener on %s", port, tt.addr)
			}
		})
	}
}

func TestSystemProberFree(t *testing.T) {
	t.Parallel()
	// A port the kernel just handed out and took back may be handed to another process
	// at once (the suite runs in parallel), so only a port that reads as bound in every
	// one of a few tries is a failure.
	freeOnce := func() (int, bool) {
		l, err := net.Listen("tcp4", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		l.Close()
		return port, !(SystemProber{}).Bound(port)
	}
	if port, ok := retry(freeOnce); !ok {
		t.Errorf("Bound(%d) = true for a port that was just closed", port)
	}
	for _, p := range []int{0, -1, 65536} {
		if !(SystemProber{}).Bound(p) {
			t.Errorf("Bound(%d) = false, want true for a non-port", p)
		}
	}
}

// retry runs try up to three times and reports the last port and whether any try held.
func retry(try func() (int, bool)) (port int, ok bool) {
	for range 3 {
		if port, ok = try(); ok {
			return port, true
		}
	}
	return port, false
}

// TestSystemProberAfterConnection checks that a port whose listener is gone
// but whose connections linger in TIME_WAIT counts as free, as it does for
// a server that sets SO_REUSEADDR.
func TestSystemProberAfterConnection(t *testing.T) {
	t.Parallel()
	once := func() (int, bool) {
		l, err := net.Listen("tcp4", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		c, err := net.Dial("tcp4", l.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		s, err := l.Accept()
		if err != nil {
			t.Fatal(err)
		}
		// The server side closes first, so its socket enters TIME_WAIT.
		s.Close()
		c.Close()
		l.Close()
		return port, !(SystemProber{}).Bound(port)
	}
	// As in TestSystemProberFree, another process may take the freed port at once.
	if port, ok := retry(once); !ok {
		t.Errorf("Bound(%d) = true with only TIME_WAIT left", port)
	}
}

func TestProberFunc(t *testing.T) {
	t.Parallel()
	var p Prober = ProberFunc(func(port int) bool { return port == 7 })
	if !p.Bound(7) || p.Bound(8) {
		t.Error("ProberFunc does not call its function")
	}
}

// TestSystemProberSpecificAddress checks a listener on a non-loopback
// address, as a dev server bound to the LAN IP would be.
func TestSystemProberSpecificAddress(t *testing.T) {
	t.Parallel()
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Skip(err)
	}
	tested := 0
	for _, a := range addrs {
		ipn, ok := a.(*net.IPNet)
		if !ok || ipn.IP.IsLoopback() || ipn.IP.IsLinkLocalUnicast() {
			continue
		}
		network := "tcp4"
		if ipn.IP.To4() == nil {
			network = "tcp6"
		}
		l, err := net.Listen(network, net.JoinHostPort(ipn.IP.String(), "0"))
		if err != nil {
			continue
		}
		port := l.Addr().(*net.TCPAddr).Port
		if !(SystemProber{}).Bound(port) {
			t.Errorf("Bound(%d) = false with a listener on %s", port, l.Addr())
		}
		l.Close()
		tested++
	}
	if tested == 0 {
		t.Skip("no non-loopback address to listen on")
	}
}
