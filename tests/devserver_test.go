//go:build unix

package tests

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/git-worktree-ports/git-worktree-ports/internal/listener"
)

// The dev server scenarios (exec_devserver_*) run the real programs: vite from npm,
// Django, Flask and uvicorn from Debian's packages (.ci/run installs them).

func init() {
	commands["need"] = cmdNeed
	commands["stopport"] = cmdStopPort
	for _, name := range []string{"vite", "npm", "curl", "django-admin", "flask", "uvicorn"} {
		extraConditions["have:"+name] = func() (bool, error) { return have(name), nil }
	}
}

// have is the condition [have:PROGRAM]: true when PROGRAM is there, and always true
// under CI (CI=true), so that there the script goes on and `need` fails it. A script
// says `[!have:flask] skip 'flask is not installed (.ci/run installs it)'`.
func have(name string) bool {
	if os.Getenv("CI") == "true" {
		return true
	}
	if name == "vite" {
		_, err := installVite()
		return err == nil
	}
	_, err := exec.LookPath(name)
	return err == nil
}

// cmdNeed fails the script when a program it runs is missing, saying which:
//
//	need PROGRAM...
//
// "vite" is installed once per test run from npm (vite@7) into a shared temporary
// directory; $VITE names its binary and $VITE_NODE_MODULES its node_modules.
func cmdNeed(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: need PROGRAM...")
	}
	for _, name := range args {
		if name == "vite" {
			bin, err := installVite()
			if err != nil {
				ts.Fatalf("need: vite is missing (.ci/run installs npm): %v", err)
			}
			ts.Setenv("VITE", bin)
			ts.Setenv("VITE_NODE_MODULES", filepath.Dir(filepath.Dir(bin)))
			continue
		}
		if _, err := exec.LookPath(name); err != nil {
			ts.Fatalf("need: %s is missing (.ci/run installs it): %v", name, err)
		}
	}
}

var (
	viteOnce sync.Once
	viteBin  string
	viteErr  error
)

// installVite installs vite@7 with npm into a directory shared by the scripts of this
// run, once. Vite 8 does not install with every npm; 7 does.
func installVite() (string, error) {
	viteOnce.Do(func() {
		if _, viteErr = exec.LookPath("npm"); viteErr != nil {
			return
		}
		dir := filepath.Join(os.TempDir(), "git-worktree-ports-tests-vite7")
		viteBin = filepath.Join(dir, "node_modules", ".bin", "vite")
		if _, err := os.Stat(viteBin); err == nil {
			return
		}
		if viteErr = os.MkdirAll(dir, 0o755); viteErr != nil {
			return
		}
		cmd := exec.Command("npm", "install", "--prefer-offline", "--no-audit", "--no-fund", "--no-save", "vite@7")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			viteErr = &npmError{err: err, out: string(out)}
		}
	})
	return viteBin, viteErr
}

type npmError struct {
	err error
	out string
}

func (e *npmError) Error() string { return "npm install vite@7: " + e.err.Error() + "\n" + e.out }

// cmdStopPort stops the processes that listen on each PORT (SIGTERM), and waits until
// nothing accepts there (at most 10 s):
//
//	stopport PORT...
//
// A server that `npm run` started is a grandchild of the background command: npm
// forwards a signal to its shell, and `sh -c` does not pass it on, so killing the
// background command would leave the server running.
func cmdStopPort(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: stopport PORT...")
	}
	for _, a := range args {
		port, err := strconv.Atoi(a)
		ts.Check(err)
		ls, err := listener.Lookup(context.Background(), []int{port})
		ts.Check(err)
		for _, l := range ls[port] {
			if l.PID > 0 {
				_ = syscall.Kill(int(l.PID), syscall.SIGTERM)
			}
		}
		deadline := time.Now().Add(10 * time.Second)
		for {
			c, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", a), 200*time.Millisecond)
			if err != nil {
				break
			}
			c.Close()
			if time.Now().After(deadline) {
				ts.Fatalf("stopport: port %d still accepts after 10s", port)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}
