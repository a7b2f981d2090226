package listener

import (
	"bufio"
	"context"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	gnet "github.com/shirou/gopsutil/v4/net"
)

// helperEnv makes the test binary act as a server in a child process: it
// listens on 127.0.0.1:0, prints the port, and exits when stdin closes, so a
// failed test never leaves it behind.
const helperEnv = "GWP_OWNER_TEST_LISTENER"

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) == "1" {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			os.Exit(3)
		}
		os.Stdout.WriteString(strconv.Itoa(ln.Addr().(*net.TCPAddr).Port) + "\n")
		io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// startChild runs the helper listener with dir as its working directory and
// returns its pid and port.
func startChild(t *testing.T, dir string) (pid, port int) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), helperEnv+"=1")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the helper's port: %v", err)
	}
	port, err = strconv.Atoi(strings.TrimSpace(line))
	if err != nil {
		t.Fatalf("helper printed %q", line)
	}
	return cmd.Process.Pid, port
}

// programName is what the OS reports as the name of the test binary: Linux
// keeps at most 15 bytes of it, and gopsutil restores the rest from the
// command line, so compare on the common prefix.
func programName(t *testing.T) string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Base(exe)
}

func samePrefix(got, want string) bool {
	if len(want) > 15 {
		return strings.HasPrefix(want, got) && len(got) >= 15
	}
	return got == want
}

func realPath(t *testing.T, p string) string {
	t.Helper()
	r, err := filepath.EvalSymlinks(p)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func only(t *testing.T, got map[int][]Listener, port int) Listener {
	t.Helper()
	ls := got[port]
	if len(ls) != 1 {
		t.Fatalf("port %d: got %d listeners %+v, want 1", port, len(ls), ls)
	}
	return ls[0]
}

func TestLookupOwnProcess(t *testing.T) {
	t.Parallel()
	ln4, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln4.Close()
	ports := []int{ln4.Addr().(*net.TCPAddr).Port}
	if ln6, err := net.Listen("tcp", "[::1]:0"); err == nil {
		defer ln6.Close()
		ports = append(ports, ln6.Addr().(*net.TCPAddr).Port)
	} else {
		t.Logf("no IPv6 loopback, testing IPv4 only: %v", err)
	}

	got, err := Lookup(context.Background(), ports)
	if err != nil {
		t.Fatal(err)
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for _, port := range ports {
		l := only(t, got, port)
		if l.Port != port || l.PID != int32(os.Getpid()) || l.Hidden {
			t.Errorf("port %d: got %+v, want our pid %d", port, l, os.Getpid())
		}
		if want := programName(t); !samePrefix(l.Program, want) {
			t.Errorf("port %d: program %q, want %q", port, l.Program, want)
		}
		if realPath(t, l.Cwd) != realPath(t, wd) {
			t.Errorf("port %d: cwd %q, want %q", port, l.Cwd, wd)
		}
	}
}

func TestLookupChildInWorktree(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	wt := filepath.Join(root, "feature-x")
	outside := filepath.Join(root, "elsewhere")
	for _, d := range []string{wt, outside} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	pid, port := startChild(t, wt)

	got, err := Lookup(context.Background(), []int{port})
	if err != nil {
		t.Fatal(err)
	}
	l := only(t, got, port)
	if l.PID != int32(pid) || l.Hidden {
		t.Fatalf("got %+v, want pid %d", l, pid)
	}
	if want := programName(t); !samePrefix(l.Program, want) {
		t.Errorf("program %q, want %q", l.Program, want)
	}
	if l.Cwd != realPath(t, wt) {
		t.Errorf("cwd %q, want %q", l.Cwd, realPath(t, wt))
	}
	if a := Attribute(l.Cwd, []string{outside, wt, root + "/feature"}); a != wt {
		t.Errorf("Attribute = %q, want %q", a, wt)
	}
	if a := Attribute(l.Cwd, []string{outside}); a != "" {
		t.Errorf("Attribute outside = %q, want \"\"", a)
	}
}

func TestLookupDeletedCwd(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the \" (deleted)\" cwd suffix is Linux's")
	}
	t.Parallel()
	wt := filepath.Join(t.TempDir(), "gone")
	if err := os.Mkdir(wt, 0o755); err != nil {
		t.Fatal(err)
	}
	want := realPath(t, wt)
	_, port := startChild(t, wt)
	if err := os.Remove(wt); err != nil {
		t.Fatal(err)
	}
	got, err := Lookup(context.Background(), []int{port})
	if err != nil {
		t.Fatal(err)
	}
	if l := only(t, got, port); l.Cwd != want || Attribute(l.Cwd, []string{wt}) != wt {
		t.Errorf("cwd %q, want %q attributed to %q", l.Cwd, want, wt)
	}
}

func TestLookupUnboundAndEmpty(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()

	got, err := Lookup(context.Background(), []int{port})
	if err != nil {
		t.Fatal(err)
	}
	if ls, ok := got[port]; ok {
		t.Errorf("closed port %d: got %+v, want no key", port, ls)
	}
	got, err = Lookup(context.Background(), nil)
	if err != nil || len(got) != 0 {
		t.Errorf("Lookup(nil) = %v, %v; want empty", got, err)
	}
}

// TestCollect covers what real processes cannot show in a test: hidden and
// vanished processes, and connections that must be ignored or merged.
func TestCollect(t *testing.T) {
	t.Parallel()
	conn := func(port uint32, pid int32, status string) gnet.ConnectionStat {
		return gnet.ConnectionStat{Laddr: gnet.Addr{IP: "127.0.0.1", Port: port}, Pid: pid, Status: status}
	}
	procs := map[int32]*procInfo{
		10: {name: "api", cwd: "/w/a"},
		20: {name: "web", cwd: "/w/b"},
		30: {hidden: true},
		40: {gone: true},
	}
	calls := map[int32]int{}
	describe := func(pid int32) *procInfo {
		calls[pid]++
		return procs[pid]
	}
	conns := []gnet.ConnectionStat{
		conn(1000, 20, "LISTEN"),
		conn(1000, 10, "LISTEN"),
		conn(1000, 10, "LISTEN"), // the same process on ::1 as well
		conn(1000, 0, "LISTEN"),  // another user's socket: no pid
		conn(1000, 0, "LISTEN"),
		conn(1001, 10, "LISTEN"),
		conn(1001, 30, "LISTEN"), // pid known, details refused
		conn(1002, 40, "LISTEN"), // exited since the scan
		conn(1003, 10, "ESTABLISHED"),
		conn(1004, 10, "LISTEN"), // not asked for
	}
	got := collect(conns, map[int]bool{1000: true, 1001: true, 1002: true, 1003: true}, describe)

	want := map[int][]Listener{
		1000: {
			{Port: 1000, PID: 10, Program: "api", Cwd: "/w/a"},
			{Port: 1000, PID: 20, Program: "web", Cwd: "/w/b"},
			{Port: 1000, Hidden: true},
		},
		1001: {
			{Port: 1001, PID: 10, Program: "api", Cwd: "/w/a"},
			{Port: 1001, Hidden: true},
		},
	}
	if len(got) != len(want) {
		t.Fatalf("got ports %v, want %v", got, want)
	}
	for port, w := range want {
		g := got[port]
		if len(g) != len(w) {
			t.Fatalf("port %d: got %+v, want %+v", port, g, w)
		}
		for i := range w {
			if g[i] != w[i] {
				t.Errorf("port %d [%d]: got %+v, want %+v", port, i, g[i], w[i])
			}
		}
	}
	for pid, n := range calls {
		if n != 1 {
			t.Errorf("pid %d described %d times, want once", pid, n)
		}
	}
}

func TestUndeleted(t *testing.T) {
	t.Parallel()
	real := filepath.Join(t.TempDir(), "named (deleted)")
	if err := os.Mkdir(real, 0o755); err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{
		"/w/a":                   "/w/a",
		"/no/such/dir (deleted)": "/no/such/dir",
		real:                     real,
		"/w/a (deleted)/x":       "/w/a (deleted)/x",
	} {
		if got := Undeleted(in); got != want {
			t.Errorf("Undeleted(%q) = %q, want %q", in, got, want)
		}
	}
}

// BenchmarkLookup measures one Lookup of a bundle of 10 ports, one of them
// ours: the whole cost is the connection-table scan (on Linux a readlink of
// every fd of every visible process) plus one process lookup. The procs metric
// says how many processes the machine had, since the cost grows with them.
func BenchmarkLookup(b *testing.B) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	base := ln.Addr().(*net.TCPAddr).Port
	ports := make([]int, 10)
	for i := range ports {
		ports[i] = base + i
	}
	ctx := context.Background()
	pids, err := gnet.PidsWithContext(ctx)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		got, err := Lookup(ctx, ports)
		if err != nil {
			b.Fatal(err)
		}
		if len(got[base]) == 0 {
			b.Fatal("our own listener was not found")
		}
	}
	b.ReportMetric(float64(len(pids)), "procs")
}
