//go:build unix

package tests

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/git-worktree-ports/git-worktree-ports/internal/shquote"
	"github.com/rogpeppe/go-internal/testscript"
)

// ---- Terminal scenarios (list_terminal.txtar) ----

func init() {
	commands["term"] = cmdTerm
	extraConditions["have:tmux"] = haveProg("tmux")
}

// termDone marks the end of a program's output in the pane, with its exit status.
const termDone = "term-exit:"

// cmdTerm runs a program on a real terminal, a tmux pane COLS columns wide, and checks
// that no line it printed wrapped:
//
//	term COLS PROGRAM [ARG...]
//
// Its stdout is what the pane showed, colour codes kept (tmux's capture-pane -e), one
// line per line the program printed. The pane has the script's environment (its
// NO_COLOR, CLICOLOR and CLICOLOR_FORCE too) but no COLUMNS unless the script sets one,
// so the program has to ask the terminal how wide it is. The program must exit 0. With !,
// the command checks instead that some line did wrap.
func cmdTerm(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 2 {
		ts.Fatalf("usage: term COLS PROGRAM [ARG...]")
	}
	cols, err := strconv.Atoi(args[0])
	ts.Check(err)
	tmux, sock := tmuxServer(ts, "gwp-tmux-", []string{"NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "COLUMNS"})

	quoted := make([]string, len(args)-1)
	for i, a := range args[1:] {
		quoted[i] = shquote.Quote(a)
	}
	// After the program, the pane waits, so that tmux keeps what it showed.
	run := fmt.Sprintf("cd %s || exit 1\n%s\nprintf '\\n%s%%d\\n' $?\nexec sleep 600\n",
		shquote.Quote(ts.MkAbs(".")), strings.Join(quoted, " "), termDone)
	runFile := filepath.Join(filepath.Dir(sock), "run.sh")
	ts.Check(os.WriteFile(runFile, []byte(run), 0o644))
	tmux("new-session", "-d", "-x", args[0], "-y", "50", "-s", "term", "sh "+shquote.Quote(runFile))
	ts.Defer(func() { _ = exec.Command("tmux", "-S", sock, "kill-server").Run() })

	capture := func(flags ...string) []string {
		out := tmux(append([]string{"capture-pane", "-p", "-S", "-", "-t", "term"}, flags...)...)
		return strings.Split(out, "\n")
	}
	var joined []string
	status := -1
	for deadline := time.Now().Add(20 * time.Second); status < 0; time.Sleep(50 * time.Millisecond) {
		joined = capture("-J")
		for _, l := range joined {
			if s, ok := strings.CutPrefix(l, termDone); ok {
				status, _ = strconv.Atoi(strings.TrimSpace(s))
			}
		}
		if status < 0 && time.Now().After(deadline) {
			ts.Fatalf("term: %s did not finish in 20s; the pane shows:\n%s", args[1], strings.Join(joined, "\n"))
		}
	}
	joined = untilDone(joined)
	rows := untilDone(capture())
	coloured := untilDone(capture("-J", "-e"))
	if status != 0 {
		ts.Fatalf("term: %s exited %d:\n%s", args[1], status, strings.Join(joined, "\n"))
	}
	var wrapped []string
	for _, l := range joined {
		if utf8.RuneCountInString(l) > cols {
			wrapped = append(wrapped, l)
		}
	}
	if len(rows) != len(joined) && len(wrapped) == 0 {
		wrapped = append(wrapped, fmt.Sprintf("(%d rows on the screen for %d lines)", len(rows), len(joined)))
	}
	fmt.Fprintln(ts.Stdout(), strings.Join(coloured, "\n"))
	switch {
	case len(wrapped) > 0 && !neg:
		ts.Fatalf("term: %d line(s) wrapped at %d columns:\n%s", len(wrapped), cols, strings.Join(wrapped, "\n"))
	case len(wrapped) == 0 && neg:
		ts.Fatalf("term: no line wrapped at %d columns", cols)
	}
}

// csi matches a terminal control sequence, as capture-pane -e writes them.
var csi = regexp.MustCompile(`\x1b\[[0-9;]*[A-Za-z]`)

// tmuxServer returns a function that runs tmux against a server of the script's own, on a
// socket in a fresh directory (removed when the script ends), with the script's environment
// plus the variables keys names that the script set; and that socket's path.
func tmuxServer(ts *testscript.TestScript, prefix string, keys []string) (func(...string) string, string) {
	// A socket path must be short (about 100 bytes), so not under $WORK.
	dir, err := os.MkdirTemp("", prefix)
	ts.Check(err)
	ts.Defer(func() { os.RemoveAll(dir) })
	env := scriptEnv(ts)
	for _, k := range keys {
		if v := ts.Getenv(k); v != "" {
			env = append(env, k+"="+v)
		}
	}
	sock := filepath.Join(dir, "sock")
	return func(a ...string) string {
		cmd := exec.Command("tmux", append([]string{"-S", sock, "-f", "/dev/null"}, a...)...)
		cmd.Env = env
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			ts.Fatalf("tmux %s: %v: %s", strings.Join(a, " "), err, stderr.String())
		}
		return string(out)
	}, sock
}

// untilDone is the lines before the termDone marker, without the blank line before it.
func untilDone(lines []string) []string {
	for i, l := range lines {
		if strings.HasPrefix(csi.ReplaceAllString(l, ""), termDone) {
			lines = lines[:i]
			break
		}
	}
	for len(lines) > 0 && strings.TrimSpace(csi.ReplaceAllString(lines[len(lines)-1], "")) == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}
