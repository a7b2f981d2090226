//go:build unix

package main

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// isolatedEnv marks the child that isolate starts. It does not start with
// GIT_WORKTREE_PORTS_ since it is no setting: the child removes it at once, so nothing it
// runs inherits it.
const isolatedEnv = "WORKTREE_PORTS_ISOLATED_CHILD"

// statusFD is the descriptor on which the isolated child writes its exit code.
const statusFD = 3

// isolatedVerbs are the verbs that read other repositories' files (cross-repository
// awareness), where a read can block in the kernel for good.
var isolatedVerbs = map[string]bool{"hook": true, "allocate": true, "list": true, "doctor": true, "lease": true}

// isolate runs the verbs that read other repositories in a child process of the same
// binary, and returns the child's exit code as soon as the child says it is done, without
// waiting for the child to exit. A read on a network mount that stopped answering leaves a
// thread in the kernel (`D` state) that no signal ends, and a process cannot exit before
// all its threads have: the child may stay behind until the mount answers, this process
// and git, which waits for it, do not. The child's stdout and stderr are pipes of ours
// where ours are not terminals, so a child left behind holds none of git's pipes. ok is
// false in the child itself, and where the child cannot be started: then the caller runs
// the verb itself.
func isolate(args []string) (code int, ok bool) {
	if os.Getenv(isolatedEnv) != "" {
		os.Unsetenv(isolatedEnv)
		isolatedChild = true
		// The status descriptor is ours alone: git and the programs we start must not
		// inherit it.
		syscall.CloseOnExec(statusFD)
		return 0, false
	}
	if len(args) == 0 || !isolatedVerbs[args[0]] {
		return 0, false
	}
	exe, err := os.Executable()
	if err != nil {
		return 0, false
	}
	return runIsolated(exe, args)
}

// runIsolated starts exe with args as the isolated child and relays its output; see
// isolate.
func runIsolated(exe string, args []string) (int, bool) {
	statusR, statusW, err := os.Pipe()
	if err != nil {
		return 0, false
	}
	defer statusR.Close()
	cmd := exec.Command(exe, args...)
	cmd.Args[0] = os.Args[0]
	cmd.Env = append(os.Environ(), isolatedEnv+"=1")
	cmd.Stdin = os.Stdin
	cmd.ExtraFiles = []*os.File{statusW}
	dieWithParent(cmd)
	var relays []*relay
	cmd.Stdout, relays = relayed(os.Stdout, relays)
	cmd.Stderr, relays = relayed(os.Stderr, relays)
	err = cmd.Start()
	statusW.Close()
	for _, r := range relays {
		r.w.Close()
	}
	if err != nil {
		for _, r := range relays {
			r.r.Close()
		}
		return 0, false
	}
	stopSignals := forwardSignals(cmd.Process)
	defer stopSignals()
	code, said := readStatus(statusR)
	if !said {
		// The child ended without saying (a signal, a crash): then it has exited, and
		// wait says how.
		code = exitCodeOf(cmd.Wait())
	} else {
		// Reaped if it exits before we do; never waited on.
		go func() { _ = cmd.Wait() }()
	}
	for _, r := range relays {
		r.finish(said)
	}
	return code, true
}

// readStatus reads the exit code the child writes before it exits; said is false if it
// closed the descriptor without one.
func readStatus(r io.Reader) (code int, said bool) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil {
		return 0, false
	}
	code, err = strconv.Atoi(strings.TrimSpace(line))
	return code, err == nil
}

// exitCodeOf is the exit code for the child's wait error.
func exitCodeOf(err error) int {
	if err == nil {
		return exitOK
	}
	if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() >= 0 {
		return ee.ExitCode()
	}
	return exitError
}

// relay copies one of the child's outputs to ours.
type relay struct {
	r, w *os.File
	done chan struct{}
}

// relayed returns what the child writes to instead of out: out itself if it is a
// terminal (holding it open keeps nobody waiting), else a pipe copied to out, appended to
// relays.
func relayed(out *os.File, relays []*relay) (io.Writer, []*relay) {
	if fi, err := out.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
		return out, relays
	}
	r, w, err := os.Pipe()
	if err != nil {
		return out, relays
	}
	rl := &relay{r: r, w: w, done: make(chan struct{})}
	go func() {
		defer close(rl.done)
		_, _ = io.Copy(out, r)
	}()
	return w, append(relays, rl)
}

// finish waits for the copy to end: at end of file, which a child that exited gives at
// once. A child that said it is done but cannot exit keeps the pipe open; what it wrote
// is in the pipe already, so reading stops once the pipe stays empty for a moment.
func (rl *relay) finish(said bool) {
	if said {
		_ = rl.r.SetReadDeadline(time.Now().Add(drainWait))
	}
	<-rl.done
	rl.r.Close()
}

// drainWait is how long an empty pipe of a child that cannot exit is read on.
const drainWait = 200 * time.Millisecond

// forwardSignals passes the signals that end us to the child instead, so that it can
// clean up and say its code; the returned func stops that.
func forwardSignals(p *os.Process) func() {
	ch := make(chan os.Signal, 4)
	signal.Notify(ch, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	var once sync.Once
	stop := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-ch:
				_ = p.Signal(s)
				// A child stuck in the kernel cannot act on it: we end anyway, as
				// the signal would have ended us.
				if n, ok := s.(syscall.Signal); ok {
					time.AfterFunc(signalGrace, func() { os.Exit(128 + int(n)) })
				}
			case <-stop:
				return
			}
		}
	}()
	return func() {
		once.Do(func() {
			signal.Stop(ch)
			close(stop)
		})
	}
}

// isolatedChild is true in the child that isolate starts.
var isolatedChild bool

// signalGrace is how long, after a signal that ends us, the child has to say its code.
const signalGrace = time.Second

// reportStatus writes code on the status descriptor when this is the isolated child.
func reportStatus(code int) {
	if !isolatedChild {
		return
	}
	f := os.NewFile(statusFD, "status")
	if f == nil {
		return
	}
	_, _ = f.WriteString(strconv.Itoa(code) + "\n")
}
