//go:build unix

package tests

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// ---- Interactive completion scenarios (completion_tmux_*.txtar) ----

func init() {
	commands["tabshell"] = cmdTabShell
	commands["tab"] = cmdTab
	commands["srcdir"] = cmdSrcDir
	extraConditions["have:bash-completion"] = haveFile(bashCompletion)
}

// bashCompletion is the bash-completion package's loader, as Debian installs it.
const bashCompletion = "/usr/share/bash-completion/bash_completion"

// shellPrompt is the prompt the scenarios' rc files set ("gwp$ ", whose space the screen
// capture drops): tab waits for it before typing.
const shellPrompt = "gwp$"

// shellEnv are the variables, beyond scriptEnv's, that reach the shell: where it reads
// its rc and finds the installed completions ($WORK, for the rc files of the scripts).
var shellEnv = []string{"WORK", "ZDOTDIR", "XDG_DATA_DIRS", "XDG_DATA_HOME"}

// shells holds each running script's shell command line, set by cmdTabShell.
var shells sync.Map // *testscript.TestScript -> []string

// cmdTabShell sets the interactive shell the next tab commands start:
//
//	tabshell PROGRAM [ARG...]
//
// The program must be an interactive shell whose rc sets the prompt to "gwp$ ".
func cmdTabShell(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: tabshell PROGRAM [ARG...]")
	}
	if _, loaded := shells.Swap(ts, args); !loaded {
		ts.Defer(func() { shells.Delete(ts) })
	}
}

// tabKey is how tab's KEYS write a press of the TAB key.
const tabKey = "<TAB>"

// cmdTab types on a real terminal and reads the screen:
//
//	tab KEYS WANT
//
// It starts the shell set by the last tabshell command in a fresh tmux pane (120x40) in the
// script's directory, waits for its prompt, types KEYS (each <TAB> a press of the TAB
// key, the rest typed as it is), and waits until the screen matches the regular
// expression WANT, multi-line (^ and $ match at each line), at most 20 seconds. Its
// stdout is then the screen, without trailing blank lines, so that stdout commands can
// check the rest: a completion list appears at once, so what is missing once WANT
// matches stays missing.
func cmdTab(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: tab KEYS WANT")
	}
	v, ok := shells.Load(ts)
	if !ok {
		ts.Fatalf("tab: no tabshell command before it")
	}
	shell := v.([]string)
	want, err := regexp.Compile("(?m)" + args[1])
	ts.Check(err)

	tmux, sock := tmuxServer(ts, "gwp-tab-", shellEnv)
	newSession := append([]string{"new-session", "-d", "-s", "tab", "-x", "120", "-y", "40", "-c", ts.MkAbs("."), "--"}, shell...)
	tmux(newSession...)
	defer func() { _ = exec.Command("tmux", "-S", sock, "kill-server").Run() }()
	screen := func() string {
		return strings.TrimRight(tmux("capture-pane", "-p"), "\n ")
	}
	waitFor := func(what string, ok func(string) bool) string {
		deadline := time.Now().Add(20 * time.Second)
		for {
			s := screen()
			if ok(s) {
				return s
			}
			if time.Now().After(deadline) {
				ts.Fatalf("tab: no %s on the screen after 20s; it shows:\n%s", what, s)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitFor(fmt.Sprintf("prompt %q", shellPrompt), func(s string) bool {
		for _, l := range strings.Split(s, "\n") {
			if strings.HasPrefix(l, shellPrompt) {
				return true
			}
		}
		return false
	})

	for i, part := range strings.Split(args[0], tabKey) {
		if i > 0 {
			tmux("send-keys", "-t", "tab", "Tab")
		}
		if part != "" {
			tmux("send-keys", "-t", "tab", "-l", part)
		}
	}
	s := waitFor(fmt.Sprintf("match for %q", args[1]), want.MatchString)
	fmt.Fprintln(ts.Stdout(), s)
}

// cmdSrcDir sets VAR to the source tree's top directory, where the Makefile is, so a
// script can run a make target that installs nothing:
//
//	srcdir VAR
func cmdSrcDir(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: srcdir VAR")
	}
	// go test runs the package's tests in its directory, tests/.
	wd, err := os.Getwd()
	ts.Check(err)
	ts.Setenv(args[0], filepath.Dir(wd))
}
