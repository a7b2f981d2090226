//go:build unix

package proxy

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// bigBody is what /big answers, for throughput.
const bigBody = 1 << 20

// BenchmarkProxy times a small GET and a 1 MiB GET against a dev server on loopback:
// directly, through this proxy, and, when GWP_BENCH_PORTLESS names a directory holding
// node (24+) and portless (node_modules/.bin of `npm install node@24 portless`), through
// portless's proxy in the same run (HTTP, its state in a temporary directory; nothing is
// trusted or written outside it). Latency reports p50-µs and p99-µs per request over a
// kept-alive connection; throughput reports MB/s.
//
//	go test -run '^$' -bench Proxy -benchtime 5000x ./internal/proxy/
func BenchmarkProxy(b *testing.B) {
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/big" {
			w.Header().Set("Content-Length", strconv.Itoa(bigBody))
			_, _ = w.Write(make([]byte, bigBody))
			return
		}
		_, _ = io.WriteString(w, "ok\n")
	}))
	defer backend.Close()
	port := backend.Listener.Addr().(*net.TCPAddr).Port

	// The proxy runs in a process of its own, as portless's does, so it does not share a
	// Go runtime with the client and the dev server.
	oursAddr, stopOurs := startChild(b, port)
	defer stopOurs()

	type target struct{ name, addr, host string }
	targets := []target{
		{"direct", backend.Listener.Addr().String(), "127.0.0.1"},
		{"git-worktree-ports", oursAddr, "web.bench.shop.localhost"},
	}
	if dir := os.Getenv("GWP_BENCH_PORTLESS"); dir != "" {
		addr, stop := startPortless(b, dir, port)
		defer stop()
		targets = append(targets, target{"portless", addr, "bench.localhost"})
	}
	for _, t := range targets {
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1, DisableCompression: true}}
		get := func(path string) int64 {
			req, _ := http.NewRequest("GET", "http://"+t.addr+path, nil)
			req.Host = t.host
			resp, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			n, _ := io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Fatalf("%s: %s", t.name, resp.Status)
			}
			return n
		}
		b.Run(t.name+"/latency", func(b *testing.B) {
			get("/") // the connection is made outside the timing
			times := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				start := time.Now()
				get("/")
				times = append(times, time.Since(start))
			}
			b.StopTimer()
			sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
			b.ReportMetric(float64(times[len(times)/2].Nanoseconds())/1e3, "p50-µs")
			b.ReportMetric(float64(times[len(times)*99/100].Nanoseconds())/1e3, "p99-µs")
		})
		b.Run(t.name+"/throughput", func(b *testing.B) {
			get("/big")
			b.SetBytes(bigBody)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				get("/big")
			}
		})
	}
}

// startPortless runs portless's proxy over HTTP on a port the kernel chose a moment ago,
// with its state and HOME in a temporary directory, and an alias bench.localhost for the
// backend's port. It returns the proxy's address and a function that stops it.
func startPortless(b *testing.B, dir string, backendPort int) (string, func()) {
	tmp := b.TempDir()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	pport := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	l.Close()
	env := append(os.Environ(), "HOME="+tmp, "PORTLESS_STATE_DIR="+filepath.Join(tmp, "state"), "PORTLESS_PORT="+pport,
		"PATH="+dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	cmd := exec.Command(filepath.Join(dir, "portless"), "proxy", "start", "--foreground", "--no-tls", "--port", pport)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	stop := func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGINT)
		_ = cmd.Wait()
	}
	alias := exec.Command(filepath.Join(dir, "portless"), "alias", "bench", strconv.Itoa(backendPort))
	alias.Env = env
	if out, err := alias.CombinedOutput(); err != nil {
		stop()
		b.Fatalf("portless alias: %v: %s", err, out)
	}
	addr := "127.0.0.1:" + pport
	for deadline := time.Now().Add(20 * time.Second); ; {
		req, _ := http.NewRequest("GET", "http://"+addr+"/", nil)
		req.Host = "bench.localhost"
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			stop()
			b.Fatalf("portless does not route bench.localhost: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return addr, stop
}

// TestBenchProxyChild is the proxy process of BenchmarkProxy: with GWP_BENCH_CHILD_PORT
// set it serves a Server routing web.bench.shop.localhost to that port, on a port the
// kernel chooses, which it prints, until it is killed. Otherwise it does nothing.
func TestBenchProxyChild(t *testing.T) {
	backend := os.Getenv("GWP_BENCH_CHILD_PORT")
	if backend == "" {
		t.Skip("the proxy process of BenchmarkProxy")
	}
	port, _ := strconv.Atoi(backend)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println(l.Addr().String())
	_ = http.Serve(l, &Server{Routes: func(context.Context) []Route {
		return []Route{{Host: "web.bench.shop.localhost", Port: port}}
	}})
}

// startChild starts TestBenchProxyChild in a process of its own and returns its address
// and a function that stops it.
func startChild(b *testing.B, backendPort int) (string, func()) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestBenchProxyChild$", "-test.bench=^$")
	cmd.Env = append(os.Environ(), "GWP_BENCH_CHILD_PORT="+strconv.Itoa(backendPort))
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	line := make([]byte, 64)
	n, err := out.Read(line)
	if err != nil {
		b.Fatal(err)
	}
	return strings.TrimSpace(string(line[:n])), func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }
}
