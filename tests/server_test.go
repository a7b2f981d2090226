//go:build unix

package tests

import (
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/tidwall/gjson"
	"golang.org/x/net/websocket"
)

// programs are commands the test binary itself provides to scripts, run as real child
// processes (testscript re-executes the test binary), so they have their own pid and
// working directory, as a dev server would.
var programs = map[string]func(){
	"tcpserver": tcpServer,
	"tcpclient": tcpClient,
}

// tcpServer listens until killed:
//
//	tcpserver [-http [-status N]] [-pidfile FILE] ADDRESS
//
// With -http it answers every request with 200 (or -status) "ok"; without, it accepts connections and
// says nothing, like a database. It prints "listening PORT" once the socket is bound.
func tcpServer() {
	fs := flag.NewFlagSet("tcpserver", flag.ExitOnError)
	httpMode := fs.Bool("http", false, "answer HTTP requests with 200")
	ws := fs.Bool("ws", false, "with -http: answer WebSocket upgrades, echoing every message")
	echo := fs.Bool("echo", false, "with -http: answer with the request's Host, path and X-Forwarded-* headers")
	status := fs.Int("status", 200, "with -http: answer with this status (500: an unhealthy server)")
	pidfile := fs.String("pidfile", "", `write {"pid":N,"port":P} here once listening`)
	offset := fs.Int("offset", 0, "listen on ADDRESS's port plus this (scripts have no arithmetic)")
	ignoreTerm := fs.Bool("ignore-term", false, "ignore SIGTERM, as a stuck server does (only KILL ends it)")
	childIn := fs.String("child-in", "", "start a child (sleep) in this directory that shares the listening socket; the pidfile gets its pid as child")
	_ = fs.Parse(os.Args[1:])
	if fs.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: tcpserver [-http] [-pidfile FILE] ADDRESS")
		os.Exit(2)
	}
	addr := fs.Arg(0)
	if *offset != 0 {
		host, port, _ := net.SplitHostPort(addr)
		n, _ := strconv.Atoi(port)
		addr = net.JoinHostPort(host, strconv.Itoa(n+*offset))
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "tcpserver:", err)
		os.Exit(1)
	}
	port := l.Addr().(*net.TCPAddr).Port
	child := 0
	if *childIn != "" {
		child = shareSocket(l, *childIn)
	}
	if *pidfile != "" {
		// Written whole and renamed into place, so a waiting script never reads half of it.
		data := fmt.Sprintf(`{"pid":%d,"port":%d,"child":%d}`, os.Getpid(), port, child)
		err := os.WriteFile(*pidfile+".tmp", []byte(data), 0o644)
		if err == nil {
			err = os.Rename(*pidfile+".tmp", *pidfile)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "tcpserver:", err)
			os.Exit(1)
		}
	}
	// testscript interrupts background programs at the end of a script: that is the
	// normal way for this one to stop.
	sig := make(chan os.Signal, 1)
	if *ignoreTerm {
		signal.Ignore(syscall.SIGTERM)
		signal.Notify(sig, os.Interrupt)
	} else {
		signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	}
	go func() { <-sig; os.Exit(0) }()
	fmt.Printf("listening %d\n", port)
	if *httpMode {
		wsEcho := websocket.Handler(func(c *websocket.Conn) { _, _ = io.Copy(c, c) })
		_ = http.Serve(l, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if *ws && strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
				wsEcho.ServeHTTP(w, r)
				return
			}
			if *echo {
				fmt.Fprintf(w, "host=%s path=%s xff=%s xfh=%s xfp=%s\n", r.Host, r.URL.Path,
					r.Header.Get("X-Forwarded-For"), r.Header.Get("X-Forwarded-Host"), r.Header.Get("X-Forwarded-Proto"))
				return
			}
			w.WriteHeader(*status)
			fmt.Fprintln(w, "ok")
		}))
		return
	}
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		go func() { time.Sleep(10 * time.Second); c.Close() }()
	}
}

// shareSocket starts `sleep 30` in dir holding a copy of l's socket, as a server's
// worker would, and returns its pid.
func shareSocket(l net.Listener, dir string) int {
	f, err := l.(*net.TCPListener).File()
	if err == nil {
		cmd := exec.Command("sleep", "30")
		cmd.Dir, cmd.ExtraFiles = dir, []*os.File{f}
		if err = cmd.Start(); err == nil {
			return cmd.Process.Pid
		}
	}
	fmt.Fprintln(os.Stderr, "tcpserver:", err)
	os.Exit(1)
	return 0
}

// tcpClient holds a connection open until killed, as a browser tab does:
//
//	tcpclient -pidfile FILE ADDRESS
//
// It writes {"pid":N,"port":P} to FILE once connected (P the server's port, for waitport).
func tcpClient() {
	fs := flag.NewFlagSet("tcpclient", flag.ExitOnError)
	pidfile := fs.String("pidfile", "", `write {"pid":N} here once connected`)
	_ = fs.Parse(os.Args[1:])
	if fs.NArg() != 1 || *pidfile == "" {
		fmt.Fprintln(os.Stderr, "usage: tcpclient -pidfile FILE ADDRESS")
		os.Exit(2)
	}
	c, err := net.Dial("tcp", fs.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "tcpclient:", err)
		os.Exit(1)
	}
	defer c.Close()
	err = os.WriteFile(*pidfile+".tmp", []byte(fmt.Sprintf(`{"pid":%d,"port":%d}`, os.Getpid(), c.RemoteAddr().(*net.TCPAddr).Port)), 0o644)
	if err == nil {
		err = os.Rename(*pidfile+".tmp", *pidfile)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "tcpclient:", err)
		os.Exit(1)
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
}

// cmdWaitPort waits until something accepts connections on 127.0.0.1:PORT (at most 10 s):
//
//	waitport PORT|PIDFILE
//
// Given a tcpserver pidfile instead of a number, it first waits for the file and takes
// the port from it.
func cmdWaitPort(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: waitport PORT|PIDFILE")
	}
	deadline := time.Now().Add(10 * time.Second)
	port, err := strconv.Atoi(args[0])
	for err != nil {
		data, rerr := os.ReadFile(ts.MkAbs(args[0]))
		if rerr == nil {
			port, err = int(gjson.GetBytes(data, "port").Int()), nil
			break
		}
		if time.Now().After(deadline) {
			ts.Fatalf("waitport: no %s after 10s", args[0])
		}
		time.Sleep(20 * time.Millisecond)
	}
	for time.Now().Before(deadline) {
		if c, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), 200*time.Millisecond); err == nil {
			c.Close()
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	ts.Fatalf("waitport: nothing listens on port %d after 10s", port)
}

func init() {
	commands["waitport"] = cmdWaitPort
	commands["wsecho"] = cmdWSEcho
}

// cmdWSEcho opens a WebSocket to ADDRESS (host:port) naming HOST, sends MESSAGE and
// prints what comes back, with Go's WebSocket client (golang.org/x/net/websocket):
//
//	wsecho ADDRESS HOST MESSAGE
func cmdWSEcho(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 3 {
		ts.Fatalf("usage: wsecho ADDRESS HOST MESSAGE")
	}
	err := func() error {
		cfg, err := websocket.NewConfig("ws://"+args[1]+"/ws", "http://"+args[1]+"/")
		if err != nil {
			return err
		}
		conn, err := net.DialTimeout("tcp", args[0], 5*time.Second)
		if err != nil {
			return err
		}
		_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
		c, err := websocket.NewClient(cfg, conn)
		if err != nil {
			conn.Close()
			return err
		}
		defer c.Close()
		if err := websocket.Message.Send(c, args[2]); err != nil {
			return err
		}
		var got string
		if err := websocket.Message.Receive(c, &got); err != nil {
			return err
		}
		fmt.Fprintln(ts.Stdout(), got)
		return nil
	}()
	if neg {
		if err == nil {
			ts.Fatalf("wsecho: want a failure")
		}
		fmt.Fprintln(ts.Stdout(), err)
		return
	}
	ts.Check(err)
}

func init() {
	// [git-config-hooks]: the installed git runs config-based hooks (hook.<name>.*, 2.54+).
	extraConditions["git-config-hooks"] = func() (bool, error) {
		out, err := exec.Command("git", "version").Output()
		if err != nil {
			return false, err
		}
		var major, minor int
		fmt.Sscanf(strings.TrimPrefix(strings.TrimSpace(string(out)), "git version "), "%d.%d", &major, &minor)
		return major > 2 || major == 2 && minor >= 54, nil
	}
}

// cmdListAgrees checks a saved `list --json` against git and the files, independently of
// the tool's own parsers:
//
//	listagrees FILE
//
// The set of worktree paths must equal what `git worktree list --porcelain -z` reports
// (split here by hand), and every port of every worktree must equal its reservation file's
// "ports" (read here with gjson).
func cmdListAgrees(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: listagrees FILE")
	}
	data, err := os.ReadFile(ts.MkAbs(args[0]))
	ts.Check(err)
	cmd := exec.Command("git", "worktree", "list", "--porcelain", "-z")
	cmd.Dir, cmd.Env = ts.MkAbs("."), scriptEnv(ts)
	out, err := cmd.Output()
	ts.Check(err)
	want := map[string]bool{}
	for _, attr := range strings.Split(string(out), "\x00") {
		if p, ok := strings.CutPrefix(attr, "worktree "); ok {
			want[p] = true
		}
	}
	rows := gjson.GetBytes(data, "worktrees").Array()
	if len(rows) != len(want) {
		ts.Fatalf("list --json has %d worktrees, git %d", len(rows), len(want))
	}
	ports := 0
	for _, r := range rows {
		path := r.Get("path").String()
		if !want[path] {
			ts.Fatalf("list --json has %q, git does not", path)
		}
		file, err := os.ReadFile(filepath.Join(path, ".worktree-ports.json"))
		fileCount := int(gjson.GetBytes(file, "ports.#").Int())
		fileMap := gjson.GetBytes(file, "ports").Map()
		if err != nil || !gjson.ValidBytes(file) {
			fileMap = nil
		}
		got := r.Get("ports").Array()
		if len(got) != len(fileMap) {
			ts.Fatalf("%s: list --json shows %d ports, its file %d", path, len(got), fileCount)
		}
		for _, p := range got {
			if fileMap[p.Get("service").String()].Int() != p.Get("port").Int() {
				ts.Fatalf("%s: list --json says %s=%d, the file says %d", path, p.Get("service"), p.Get("port").Int(), fileMap[p.Get("service").String()].Int())
			}
			ports++
		}
	}
	fmt.Fprintf(ts.Stdout(), "%d worktrees and %d ports agree\n", len(rows), ports)
}

func init() {
	commands["listagrees"] = cmdListAgrees
}
