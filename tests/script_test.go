//go:build unix

// Package tests drives the real git-worktree-ports binary and real git end to end. The
// scenarios are the testscript files in testdata/, named <command>_<scenario>.txtar; each
// starts with a comment saying what behaviour it checks.
package tests

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/tidwall/gjson"

	"github.com/git-worktree-ports/git-worktree-ports/internal/lock"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
)

// binDir holds the binary built once for the whole package.
var binDir string

// scriptVersion is the version the scripts' binary is built with, as make sets one from
// git describe; scripts see it as $VERSION.
const scriptVersion = "v0.0.0-scripts"

// coverDir, when set (GWP_COVERDIR, by `make cover`), receives the binary's coverage data.
var coverDir = os.Getenv("GWP_COVERDIR")

func TestMain(m *testing.M) {
	testscript.Main(buildFirst{m}, programs)
}

// buildFirst builds the binary before the tests run. testscript.Main runs it only in the
// test process itself, not when it re-executes the test binary as one of the programs.
type buildFirst struct{ m *testing.M }

func (b buildFirst) Run() int { return run(b.m) }

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "git-worktree-ports-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	// Built as make builds it (static, with a version), plus the man page generator, which
	// the installed binary leaves out (see cmd/git-worktree-ports/man.go) and
	// help_man.txtar uses.
	args := []string{"build", "-tags", "manpages", "-ldflags", "-X main.version=" + scriptVersion,
		"-o", filepath.Join(dir, "git-worktree-ports")}
	if coverDir != "" {
		// `make cover`: every run of the binary, from a script or from git's hook, writes
		// its counters to GOCOVERDIR, so end-to-end runs count toward coverage.
		args = append(args, "-cover", "-coverpkg=github.com/git-worktree-ports/git-worktree-ports/...")
	}
	build := exec.Command("go", append(args, "../cmd/git-worktree-ports")...)
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building git-worktree-ports:", err)
		return 1
	}
	// The proxy and the MCP server live in a binary of their own, next to it.
	serve := exec.Command("go", "build", "-o", filepath.Join(dir, "git-worktree-ports-serve"), "../cmd/git-worktree-ports-serve")
	serve.Env, serve.Stdout, serve.Stderr = build.Env, os.Stderr, os.Stderr
	if err := serve.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building git-worktree-ports-serve:", err)
		return 1
	}
	binDir = dir
	return m.Run()
}

// Setup isolates git and the tool from the machine: an empty HOME with a minimal global
// config, no system config, a fixed identity, and a private XDG state directory.
func Setup(env *testscript.Env) error {
	home := filepath.Join(env.WorkDir, ".home")
	if err := os.MkdirAll(home, 0o755); err != nil {
		return err
	}
	gitconfig := "[init]\n\tdefaultBranch = main\n[user]\n\tname = Test\n\temail = test@example.invalid\n[advice]\n\tdetachedHead = false\n"
	if err := os.WriteFile(filepath.Join(home, ".gitconfig"), []byte(gitconfig), 0o644); err != nil {
		return err
	}
	env.Setenv("PATH", binDir+string(os.PathListSeparator)+os.Getenv("PATH"))
	env.Setenv("HOME", home)
	env.Setenv("XDG_STATE_HOME", filepath.Join(env.WorkDir, ".state"))
	env.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	env.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	env.Setenv("GIT_AUTHOR_NAME", "Test")
	env.Setenv("GIT_AUTHOR_EMAIL", "test@example.invalid")
	env.Setenv("GIT_COMMITTER_NAME", "Test")
	env.Setenv("GIT_COMMITTER_EMAIL", "test@example.invalid")
	env.Setenv("BIN", filepath.Join(binDir, "git-worktree-ports"))
	env.Setenv("VERSION", scriptVersion)
	if v := os.Getenv("CI"); v != "" {
		env.Setenv("CI", v)
	}
	if coverDir != "" {
		env.Setenv("GOCOVERDIR", coverDir)
	}
	return nil
}

func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata",
		Setup:               Setup,
		RequireExplicitExec: true,
		Cmds:                commands,
		Condition:           condition,
	})
}

var commands = map[string]func(ts *testscript.TestScript, neg bool, args []string){
	"listen":   cmdListen,
	"json":     cmdJSON,
	"disjoint": cmdDisjoint,
	"add":      cmdAdd,
}

// cmdListen holds a TCP listener until the script ends:
//
//	listen NETWORK ADDRESS PORT [VAR]
//
// NETWORK is tcp4, tcp6 or tcp (dual-stack wildcard). PORT 0 asks the kernel for a free
// port; VAR, if given, receives the port. A fixed PORT that something else already holds
// is accepted as bound: no test assumes a fixed port is free.
func cmdListen(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 3 || len(args) > 4 {
		ts.Fatalf("usage: listen NETWORK ADDRESS PORT [VAR]")
	}
	l, err := net.Listen(args[0], net.JoinHostPort(args[1], args[2]))
	if err != nil {
		if args[2] != "0" && errors.Is(err, syscall.EADDRINUSE) {
			// Something else already listens there: the port is bound either way, which
			// is all a script needs from this command.
			ts.Logf("listen: port %s already in use by another process; using that listener", args[2])
			return
		}
		ts.Fatalf("listen: %v", err)
	}
	ts.Defer(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	if len(args) == 4 {
		ts.Setenv(args[3], strconv.Itoa(l.Addr().(*net.TCPAddr).Port))
	}
}

// cmdJSON reads a value from a JSON file with a gjson path:
//
//	json FILE PATH [VAR]
//
// With VAR it sets the variable; without, it prints the value to stdout for matching.
func cmdJSON(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 || len(args) > 3 {
		ts.Fatalf("usage: json FILE PATH [VAR]")
	}
	data, err := os.ReadFile(ts.MkAbs(args[0]))
	ts.Check(err)
	v := gjson.GetBytes(data, args[1])
	if !v.Exists() {
		ts.Fatalf("json: %s has no %s", args[0], args[1])
	}
	if len(args) == 3 {
		ts.Setenv(args[2], v.String())
		return
	}
	fmt.Fprintln(ts.Stdout(), v.String())
}

// cmdDisjoint checks that the reservations in the given worktree directories exist and
// claim no port in common:
//
//	disjoint DIR...   (shell globs allowed, e.g. wt-*)
func cmdDisjoint(ts *testscript.TestScript, neg bool, args []string) {
	var dirs []string
	for _, a := range args {
		m, err := filepath.Glob(ts.MkAbs(a))
		ts.Check(err)
		dirs = append(dirs, m...)
	}
	if len(dirs) == 0 {
		ts.Fatalf("disjoint: no directories match %q", args)
	}
	overlaps, err := checkDisjoint(dirs)
	if err != nil {
		ts.Fatalf("disjoint: %v", err)
	}
	if (len(overlaps) > 0) != neg {
		ts.Fatalf("disjoint: %d reservations, overlapping pairs: %q", len(dirs), overlaps)
	}
	fmt.Fprintf(ts.Stdout(), "%d disjoint reservations\n", len(dirs))
}

// checkDisjoint reads each directory's reservation and lists the overlapping pairs.
func checkDisjoint(dirs []string) ([]string, error) {
	rs := make([]reserve.Reservation, len(dirs))
	for i, d := range dirs {
		r, _, err := reserve.Read(filepath.Join(d, reserve.FileName))
		if err != nil {
			return nil, err
		}
		rs[i] = r
	}
	var overlaps []string
	for i := range rs {
		for j := i + 1; j < len(rs); j++ {
			if rs[i].Overlaps(rs[j]) {
				overlaps = append(overlaps, filepath.Base(dirs[i])+"~"+filepath.Base(dirs[j]))
			}
		}
	}
	return overlaps, nil
}

// cmdAdd creates N linked worktrees quickly, in the current repository:
//
//	add PREFIX N    creates ../PREFIX-1 ... ../PREFIX-N with `git worktree add --detach`
func cmdAdd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: add PREFIX N")
	}
	n, err := strconv.Atoi(args[1])
	ts.Check(err)
	for i := 1; i <= n; i++ {
		cmd := exec.Command("git", "worktree", "add", "-q", "--detach", fmt.Sprintf("../%s-%d", args[0], i))
		// testscript's cd does not update $PWD; MkAbs(".") is the script's current directory.
		cmd.Dir = ts.MkAbs(".")
		cmd.Env = scriptEnv(ts)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			ts.Fatalf("git worktree add: %v: %s", err, stderr.String())
		}
	}
}

func scriptEnv(ts *testscript.TestScript) []string {
	var env []string
	for _, k := range []string{"PATH", "HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME", "GIT_CONFIG_NOSYSTEM",
		"GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "TMPDIR", "GOCOVERDIR"} {
		env = append(env, k+"="+ts.Getenv(k))
	}
	return env
}

// condition adds [ipv6] (the machine can listen on ::1) to testscript's conditions.
func condition(cond string) (bool, error) {
	switch cond {
	case "ipv6":
		l, err := net.Listen("tcp6", "[::1]:0")
		if err != nil {
			return false, nil
		}
		l.Close()
		return true, nil
	}
	if f, ok := extraConditions[cond]; ok {
		return f()
	}
	return false, fmt.Errorf("unknown condition %q", cond)
}

// ---- Additions for the allocate, config and exit-code scenarios ----
//
// The commands and conditions below register themselves in init, so the tables above
// stay as they are.

func init() {
	commands["exits"] = cmdExits
	commands["holdlock"] = cmdHoldLock
}

// extraConditions are conditions beyond [ipv6], looked up by condition.
var extraConditions = map[string]func() (bool, error){
	// [root]: the tests run as uid 0, which reads files whatever their mode says.
	"root": func() (bool, error) { return os.Geteuid() == 0, nil },
}

// cmdExits runs a program like exec and checks its exact exit status:
//
//	exits CODE PROGRAM [ARG...]
//
// Its stdout and stderr are kept for the stdout and stderr commands that follow.
func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits CODE PROGRAM [ARG...]")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("exits: %v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("exits: %s exited %d, want %d", args[1], got, want)
	}
}

// cmdHoldLock takes the exclusive flock on FILE and holds it until the script ends, as
// a stuck allocate in another process would, or for DURATION, as a slow one would:
//
//	holdlock FILE [DURATION]
func cmdHoldLock(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: holdlock FILE [DURATION]")
	}
	// Taken as the tool takes it, so the file names this process as its holder.
	l, err := lock.Acquire(context.Background(), ts.MkAbs(args[0]), lock.Options{})
	if err != nil {
		ts.Fatalf("holdlock: %v", err)
	}
	if len(args) == 2 {
		d, err := time.ParseDuration(args[1])
		ts.Check(err)
		// Releasing twice is harmless, so the deferred release below may still run.
		time.AfterFunc(d, func() { _ = l.Release() })
	}
	ts.Defer(func() { _ = l.Release() })
}

// ---- Hook scenarios (hook_*.txtar, install-hook_*.txtar) ----
//
// They also use holdlock, registered above.

func init() {
	commands["progdir"] = cmdProgDir
}

// cmdProgDir sets VAR to the directory that holds PROG on the script's PATH, so a script
// can narrow PATH down to, say, git's own directory:
//
//	progdir VAR PROG
func cmdProgDir(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: progdir VAR PROG")
	}
	for _, dir := range filepath.SplitList(ts.Getenv("PATH")) {
		if dir == "" {
			continue
		}
		if fi, err := os.Stat(filepath.Join(dir, args[1])); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			ts.Setenv(args[0], dir)
			return
		}
	}
	ts.Fatalf("progdir: %s is not on PATH", args[1])
}

// ---- env, exec, init, help and completion scenarios (env_*, exec_*, init_*, help_*,
// completion_*.txtar) ----
//
// They also use exits, registered above.

func init() {
	commands["killedby"] = cmdKilledBy
	commands["validjson"] = cmdValidJSON
	for _, prog := range []string{"bash", "zsh", "dash", "fish", "direnv", "man"} {
		extraConditions["have:"+prog] = haveProg(prog)
	}
	extraConditions["have:git-completion"] = haveFile(gitBashCompletion)
}

// gitBashCompletion is git's own bash completion, as Debian's git package installs it.
const gitBashCompletion = "/usr/share/bash-completion/completions/git"

// haveProg is the condition [have:PROG]: PROG is on PATH. The shell scenarios skip
// without it, except under CI, where a missing program fails the run instead: .ci/run
// installs them all, and a silently skipped injection test proves nothing.
func haveProg(prog string) func() (bool, error) {
	return func() (bool, error) {
		if _, err := exec.LookPath(prog); err != nil {
			if os.Getenv("CI") != "" {
				return false, fmt.Errorf("%s is not installed, and CI must run every shell test", prog)
			}
			return false, nil
		}
		return true, nil
	}
}

// haveFile is like haveProg for a file that must exist.
func haveFile(path string) func() (bool, error) {
	return func() (bool, error) {
		if _, err := os.Stat(path); err != nil {
			if os.Getenv("CI") != "" {
				return false, fmt.Errorf("%s is missing, and CI must run every shell test", path)
			}
			return false, nil
		}
		return true, nil
	}
}

// signals are the names killedby accepts.
var signals = map[string]syscall.Signal{
	"SIGHUP": syscall.SIGHUP, "SIGINT": syscall.SIGINT, "SIGKILL": syscall.SIGKILL,
	"SIGTERM": syscall.SIGTERM, "SIGUSR1": syscall.SIGUSR1,
}

// cmdKilledBy runs a program like exec and checks that a signal ended it:
//
//	killedby SIGNAL PROGRAM [ARG...]
//
// SIGNAL is SIGHUP, SIGINT, SIGKILL, SIGTERM or SIGUSR1. Its stdout and stderr are kept
// for the stdout and stderr commands that follow.
func cmdKilledBy(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: killedby SIGNAL PROGRAM [ARG...]")
	}
	want, ok := signals[args[0]]
	if !ok {
		ts.Fatalf("killedby: unknown signal %q", args[0])
	}
	err := ts.Exec(args[1], args[2:]...)
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		ts.Fatalf("killedby: %s: want killed by %s, got error %v", args[1], args[0], err)
	}
	ws, ok := ee.Sys().(syscall.WaitStatus)
	if !ok || !ws.Signaled() || ws.Signal() != want {
		ts.Fatalf("killedby: %s: %v, want killed by %s", args[1], err, args[0])
	}
}

// cmdValidJSON checks that FILE holds exactly one valid JSON value:
//
//	validjson FILE
func cmdValidJSON(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: validjson FILE")
	}
	data, err := os.ReadFile(ts.MkAbs(args[0]))
	ts.Check(err)
	if gjson.ValidBytes(data) == neg {
		ts.Fatalf("validjson: %s: valid is %v", args[0], !neg)
	}
}
