package listener

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// healthTimeout is what list --health passes.
const healthTimeout = 200 * time.Millisecond

func portOf(t *testing.T, addr net.Addr) int {
	t.Helper()
	return addr.(*net.TCPAddr).Port
}

func server(t *testing.T, h http.HandlerFunc) int {
	t.Helper()
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return portOf(t, s.Listener.Addr())
}

// rawServer accepts connections and hands each to serve, which owns it.
func rawServer(t *testing.T, network, addr string, serve func(net.Conn)) int {
	t.Helper()
	ln, err := net.Listen(network, addr)
	if err != nil {
		t.Skipf("cannot listen on %s %s: %v", network, addr, err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go serve(c)
		}
	}()
	return portOf(t, ln.Addr())
}

// readRequest reads up to the end of an HTTP request's header, so that what the
// server sends next is taken as the response.
func readRequest(c net.Conn) {
	var got []byte
	buf := make([]byte, 1024)
	for !strings.Contains(string(got), "\r\n\r\n") {
		n, err := c.Read(buf)
		if err != nil {
			return
		}
		got = append(got, buf[:n]...)
	}
}

// closedPort returns a port that was free a moment ago.
func closedPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := portOf(t, ln.Addr())
	ln.Close()
	return port
}

func TestCheckHealth(t *testing.T) {
	t.Parallel()
	var elsewhere atomic.Int32
	other := server(t, func(w http.ResponseWriter, r *http.Request) { elsewhere.Add(1) })
	var gotPath atomic.Value

	tests := []struct {
		name   string
		port   int
		path   string
		status Health
		code   int
		err    string // substring of Err; "*" for any
	}{
		{"200", server(t, func(w http.ResponseWriter, r *http.Request) {}), "/healthz", Healthy, 200, ""},
		{"204", server(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) }), "/", Healthy, 204, ""},
		{"404", server(t, http.NotFound), "/healthz", Unhealthy, 404, ""},
		{"500", server(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) }), "/healthz", Unhealthy, 500, ""},
		{"302 elsewhere is not followed", server(t, func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "http://127.0.0.1:"+strconv.Itoa(other)+"/", http.StatusFound)
		}), "/", Healthy, 302, ""},
		{"path without a slash", server(t, func(w http.ResponseWriter, r *http.Request) {
			gotPath.Store(r.URL.RequestURI())
		}), "ready?deep=1", Healthy, 200, ""},
		{"endless body", server(t, func(w http.ResponseWriter, r *http.Request) {
			buf := make([]byte, 32<<10)
			for r.Context().Err() == nil {
				if _, err := w.Write(buf); err != nil {
					return
				}
			}
		}), "/", Healthy, 200, ""},
		{"silence", rawServer(t, "tcp", "127.0.0.1:0", func(c net.Conn) {
			defer c.Close()
			time.Sleep(2 * time.Second)
		}), "/", NotHTTP, 0, "no HTTP response within 200ms"},
		{"garbage", rawServer(t, "tcp", "127.0.0.1:0", func(c net.Conn) {
			defer c.Close()
			readRequest(c)
			c.Write([]byte("garbage\n"))
			time.Sleep(time.Second)
		}), "/", NotHTTP, 0, "malformed"},
		{"hang-up", rawServer(t, "tcp", "127.0.0.1:0", func(c net.Conn) { c.Close() }), "/", NotHTTP, 0, "without an HTTP response"},
		// A banner before the request (SSH, SMTP) can surface as one of
		// several transport errors, depending on timing.
		{"banner", rawServer(t, "tcp", "127.0.0.1:0", func(c net.Conn) {
			defer c.Close()
			c.Write([]byte("SSH-2.0-OpenSSH_9.6\r\n"))
			time.Sleep(time.Second)
		}), "/", NotHTTP, 0, "*"},
		{"endless header", rawServer(t, "tcp", "127.0.0.1:0", func(c net.Conn) {
			defer c.Close()
			readRequest(c)
			c.Write([]byte("HTTP/1.1 200 OK\r\n"))
			line := []byte("X-Filler: " + strings.Repeat("x", 1000) + "\r\n")
			for {
				if _, err := c.Write(line); err != nil {
					return
				}
			}
		}), "/", NotHTTP, 0, "header"},
		{"closed", closedPort(t), "/", Closed, 0, "refused"},
		{"invalid port", 70000, "/", Closed, 0, "invalid port"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			got := CheckHealth(context.Background(), tt.port, tt.path, healthTimeout)
			if elapsed := time.Since(start); elapsed > healthTimeout+300*time.Millisecond {
				t.Errorf("took %v with a %v timeout", elapsed, healthTimeout)
			}
			errOK := (tt.err == "") == (got.Err == "") && (tt.err == "*" || strings.Contains(got.Err, tt.err))
			if got.Port != tt.port || got.Path != tt.path || got.Status != tt.status || got.Code != tt.code || !errOK {
				t.Errorf("CheckHealth = %+v, want status %s code %d err ~%q", got, tt.status, tt.code, tt.err)
			}
		})
	}
	t.Cleanup(func() {
		if n := elsewhere.Load(); n != 0 {
			t.Errorf("the redirect target was hit %d times", n)
		}
		if p, _ := gotPath.Load().(string); p != "/ready?deep=1" {
			t.Errorf("server saw %q, want /ready?deep=1", p)
		}
	})
}

func TestCheckHealthFallsBackToIPv6(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp6", "[::1]:0")
	if err != nil {
		t.Skipf("no IPv6 loopback: %v", err)
	}
	s := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTeapot)
	}))
	s.Listener = ln
	s.Start()
	defer s.Close()
	port := portOf(t, ln.Addr())
	// The kernel chose the port for ::1 only; 127.0.0.1 on it may belong to anyone. Hold
	// it bound but not listening: connections to it are refused, which is the case under
	// test, and no other process can take it meanwhile.
	if !holdRefusing(t, port) {
		t.Skipf("127.0.0.1:%d is in use by another process", port)
	}

	got := CheckHealth(context.Background(), port, "/", healthTimeout)
	if got.Status != Unhealthy || got.Code != http.StatusTeapot {
		t.Errorf("CheckHealth = %+v, want the ::1 server's 418", got)
	}
}

func TestParseStatusLine(t *testing.T) {
	tests := []struct {
		line string
		code int // 0: refused as not HTTP
	}{
		{"HTTP/1.1 200 OK\r\n", 200},
		{"HTTP/1.0 302 Found\r\n", 302},
		{"HTTP/1.1 503\r\n", 503},
		{"HTTP/2 204\r\n", 204},
		{"HTTP/1.1 2000 OK\r\n", 0},
		{"HTTP/1.1 abc OK\r\n", 0},
		{"HTTP/1.1 099 Low\r\n", 0},
		{"SSH-2.0-OpenSSH_9.2\r\n", 0},
		{"garbage\n", 0},
		{"", 0},
	}
	for _, tt := range tests {
		code, err := parseStatusLine(tt.line)
		if code != tt.code || (tt.code == 0) != (err != nil) {
			t.Errorf("parseStatusLine(%q) = %d, %v; want %d", tt.line, code, err, tt.code)
		}
	}
}

func TestCheckHealthAll(t *testing.T) {
	t.Parallel()
	const n = 20
	const delay = 150 * time.Millisecond
	var targets []HealthTarget
	for i := range n {
		code := 200 + i // 200..219: tells the results apart
		port := server(t, func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(delay)
			w.WriteHeader(code)
		})
		targets = append(targets, HealthTarget{Port: port, Path: "/h" + strconv.Itoa(i)})
	}
	closed := closedPort(t)
	targets = append(targets, HealthTarget{Port: closed, Path: "/"})

	start := time.Now()
	got := CheckHealthAll(context.Background(), targets, time.Second)
	elapsed := time.Since(start)
	if elapsed >= 2*time.Second {
		t.Errorf("CheckHealthAll of %d targets sleeping %v took %v: not parallel", n, delay, elapsed)
	}
	t.Logf("%d probes of %v each took %v", n, delay, elapsed)

	if len(got) != len(targets) {
		t.Fatalf("got %d results for %d targets", len(got), len(targets))
	}
	for i, r := range got[:n] {
		if r.Port != targets[i].Port || r.Path != targets[i].Path || r.Code != 200+i || r.Status != Healthy {
			t.Errorf("result %d = %+v, want port %d code %d healthy", i, r, targets[i].Port, 200+i)
		}
	}
	if r := got[n]; r.Port != closed || r.Status != Closed {
		t.Errorf("last result = %+v, want port %d closed", r, closed)
	}
	if CheckHealthAll(context.Background(), nil, healthTimeout) == nil {
		t.Error("CheckHealthAll(nil) = nil, want an empty slice")
	}
}

// holdRefusing binds 127.0.0.1:port without listening, until the test ends, so that
// connecting there is refused. It reports false when the port is taken.
func holdRefusing(t *testing.T, port int) bool {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Port: port, Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		syscall.Close(fd)
		return false
	}
	t.Cleanup(func() { syscall.Close(fd) })
	return true
}
