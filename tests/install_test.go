//go:build unix

package tests

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// manTH is the .TH line of a man page: title, section, date, source (the footer's left
// side, where the version goes) and manual.
var manTH = regexp.MustCompile(`(?m)^\.TH "([^"]*)" "([^"]*)" "([^"]*)" "([^"]*)" "([^"]*)"$`)

// TestMakeInstall runs `make install` into a scratch PREFIX, as a user would, and checks
// what the Makefile itself decides: the binary and the man pages carry the version git
// describe gives (never "dev", which is what a man page generated without it said), and
// the output has the line a zsh user must add for completion and ends with the one bash
// and fish users must set, with the real PREFIX in them.
func TestMakeInstall(t *testing.T) {
	if testing.Short() {
		t.Skip("it runs make install and the installed programs: not with -short")
	}
	for _, prog := range []string{"make", "go", "git"} {
		if _, err := exec.LookPath(prog); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is not installed", prog)
			}
			t.Skipf("needs %s", prog)
		}
	}
	top, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	describe, err := exec.Command("git", "-C", top, "describe", "--tags", "--always", "--dirty").Output()
	if err != nil {
		t.Skipf("not a git checkout, so make has no version to give (git describe: %v)", err)
	}
	want := strings.TrimSpace(string(describe))

	tmp := t.TempDir()
	prefix := filepath.Join(tmp, "prefix")
	// BIN keeps the build out of the source tree's bin/.
	cmd := exec.Command("make", "-C", top, "--no-print-directory", "install",
		"PREFIX="+prefix, "BIN="+filepath.Join(tmp, "build", "git-worktree-ports"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("make install: %v\n%s", err, out)
	}

	// zsh looks for completion functions on fpath only; this is the line to add. bash
	// and fish look outside ~/.local/share only in XDG_DATA_DIRS, whose line ends the
	// output (completion_tmux_bash.txtar and _fish.txtar check that the shells follow it).
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	zsh := slices.Index(lines, "zsh: for completion, add this line to ~/.zshrc, before compinit:")
	if zsh < 0 || zsh+1 >= len(lines) || lines[zsh+1] != "  fpath=("+prefix+"/share/zsh/site-functions $fpath)" {
		t.Errorf("make install does not print the zsh fpath line for PREFIX %s:\n%s", prefix, out)
	}
	if xdg := `  export XDG_DATA_DIRS="` + prefix + `/share:${XDG_DATA_DIRS:-/usr/local/share:/usr/share}"`; lines[len(lines)-1] != xdg {
		t.Errorf("make install does not end with the XDG_DATA_DIRS line for PREFIX %s:\n%s", prefix, out)
	}
	if _, err := os.Stat(filepath.Join(prefix, "share", "fish", "vendor_conf.d", "git-worktree-ports.fish")); err != nil {
		t.Errorf("fish's git form is not installed: %v", err)
	}
	if _, err := os.Stat(filepath.Join(prefix, "share", "zsh", "site-functions", "_git-worktree-ports")); err != nil {
		t.Errorf("the zsh completion is not where the fpath line points: %v", err)
	}

	got, err := exec.Command(filepath.Join(prefix, "bin", "git-worktree-ports"), "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(string(got)) != "git-worktree-ports version "+want {
		t.Errorf("installed --version says %q, want version %s", got, want)
	}
	for _, page := range []string{"git-worktree-ports.1", "git-worktree-ports-env.1"} {
		roff, err := os.ReadFile(filepath.Join(prefix, "share", "man", "man1", page))
		if err != nil {
			t.Fatal(err)
		}
		m := manTH.FindSubmatch(roff)
		if m == nil {
			t.Fatalf("%s has no .TH line", page)
		}
		if source := string(m[4]); source != "git-worktree-ports "+want {
			t.Errorf("%s: the footer says %q, want %q", page, source, "git-worktree-ports "+want)
		}
	}
}
