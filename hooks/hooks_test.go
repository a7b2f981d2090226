package hooks

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/git-worktree-ports/git-worktree-ports/internal/shquote"
	"github.com/git-worktree-ports/git-worktree-ports/internal/testexec"
)

func TestMarkersAndLayout(t *testing.T) {
	t.Parallel()
	const bin = "/opt/gwp/git-worktree-ports"
	if v, ok := ParseStartMarker(StartMarker()); !ok || v != Version {
		t.Fatalf("ParseStartMarker(%q) = %d, %v; want %d", StartMarker(), v, ok, Version)
	}
	b := Block(bin)
	if !strings.HasPrefix(b, StartMarker()+"\n") || !strings.HasSuffix(b, EndMarker+"\n") {
		t.Fatalf("block does not run from marker to marker:\n%s", b)
	}
	if strings.Count(b, shquote.Quote(bin)) != 1 || strings.Contains(b, binaryPlaceholder) {
		t.Fatalf("block does not record the binary once:\n%s", b)
	}
	f := File(bin)
	if f != Header+b+Footer {
		t.Fatal("File is not Header + Block + Footer")
	}
	if !strings.HasPrefix(Header, "#!/bin/sh\n") || strings.Count(Header, "\n") != 2 {
		t.Fatalf("Header = %q; want a shebang and one comment line", Header)
	}
	if Footer != "exit 0\n" {
		t.Fatalf("Footer = %q", Footer)
	}
	for _, bad := range []string{"# >>> git-worktree-ports post-checkout (v) >>>", "# >>> git-worktree-ports post-checkout (v01) >>>", "# >>> git-worktree-ports post-checkout (v1) >>> ", "# >>> git-worktree-ports post-checkout (v-1) >>>"} {
		if _, ok := ParseStartMarker(bad); ok {
			t.Errorf("ParseStartMarker(%q) accepted it", bad)
		}
	}
	// The block must never end the script that holds it.
	for _, line := range strings.Split(b, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "exit") {
			t.Errorf("block calls exit: %q", line)
		}
	}
}

// fake writes a stand-in for the binary that logs its cwd, arguments and GIT_DIR, and
// exits with $FAKE_EXIT.
func fake(t *testing.T, path, log string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	script := "#!/bin/sh\necho \"$PWD $* GIT_DIR=${GIT_DIR-unset}\" >>" + shquote.Quote(log) + "\nexit ${FAKE_EXIT:-0}\n"
	if err := testexec.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
}

type shellRun struct {
	stdout, stderr, log string
	err                 error
}

// runBlock runs the block inside a caller script with the given preamble, in a fresh
// directory, and reports what the caller printed and what the binary logged.
func runBlock(t *testing.T, shell, preamble, binPath string, env []string, setup func(dir string), args ...string) shellRun {
	t.Helper()
	root := t.TempDir()
	dir := filepath.Join(root, "wt")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if setup != nil {
		setup(dir)
	}
	script := preamble + "\ngwp_bin=caller; GIT_DIR=/caller/git; export GIT_DIR\n" + Block(binPath) +
		"echo \"after status=$? gwp_bin=$gwp_bin GIT_DIR=$GIT_DIR\"\n"
	sf := filepath.Join(root, "hook")
	if err := os.WriteFile(sf, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(shell, append([]string{sf}, args...)...)
	cmd.Dir = dir
	cmd.Env = env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	logData, _ := os.ReadFile(filepath.Join(filepath.Dir(binPath), "log"))
	return shellRun{out.String(), errb.String(), string(logData), err}
}

func availableShells(t *testing.T) map[string]string {
	found := map[string]string{}
	for _, name := range []string{"sh", "dash", "bash", "zsh", "ksh", "mksh"} {
		if p, err := exec.LookPath(name); err == nil {
			found[name] = p
		}
	}
	if len(found) < 2 {
		t.Fatalf("too few shells to test with: %v", found)
	}
	return found
}

func TestBlockUnderShells(t *testing.T) {
	t.Parallel()
	strict := map[string]string{
		"bash": "set -euo pipefail; set -E; trap 'echo ERR >&2; exit 9' ERR",
		"zsh":  "setopt err_exit err_return no_unset pipe_fail",
	}
	for name, shell := range availableShells(t) {
		for _, mode := range []string{"plain", "strict"} {
			for _, exit := range []string{"0", "1"} {
				t.Run(name+"/"+mode+"/exit"+exit, func(t *testing.T) {
					t.Parallel()
					pre := ""
					if mode == "strict" {
						pre = "set -eu"
						if s, ok := strict[name]; ok {
							pre = s
						}
					}
					binDir := filepath.Join(t.TempDir(), "with space and it's")
					bin := filepath.Join(binDir, "git-worktree-ports")
					fake(t, bin, filepath.Join(binDir, "log"))
					env := []string{"PATH=" + t.TempDir(), "FAKE_EXIT=" + exit, "GIT_WORK_TREE=/caller/wt", "GIT_INDEX_FILE=/caller/index"}
					r := runBlock(t, shell, pre, bin, env, nil, "0000", "abcd", "1")
					if r.err != nil || r.stderr != "" {
						t.Fatalf("caller failed: %v\nstderr: %s", r.err, r.stderr)
					}
					if want := "after status=0 gwp_bin=caller GIT_DIR=/caller/git\n"; r.stdout != want {
						t.Errorf("caller printed %q; want %q", r.stdout, want)
					}
					if !strings.HasSuffix(r.log, "/wt hook post-checkout 0000 abcd 1 GIT_DIR=unset\n") || strings.Count(r.log, "\n") != 1 {
						t.Errorf("binary log = %q", r.log)
					}
				})
			}
		}
	}
}

func TestBlockSkipsAndFallsBack(t *testing.T) {
	t.Parallel()
	sh := "/bin/sh"
	t.Run("reservation exists", func(t *testing.T) {
		// A branch checkout goes to the binary even then: it refreshes what derives
		// from the branch, keeping the bundle.
		t.Parallel()
		bin := filepath.Join(t.TempDir(), "git-worktree-ports")
		fake(t, bin, filepath.Join(filepath.Dir(bin), "log"))
		r := runBlock(t, sh, "set -eu", bin, nil, func(dir string) {
			os.WriteFile(filepath.Join(dir, ".worktree-ports.json"), []byte("{}"), 0o644)
		}, "a", "b", "1")
		if r.err != nil || !strings.HasSuffix(r.log, " hook post-checkout a b 1 GIT_DIR=unset\n") || r.stderr != "" {
			t.Fatalf("err=%v log=%q stderr=%q; want the binary called once", r.err, r.log, r.stderr)
		}
	})
	t.Run("file checkout", func(t *testing.T) {
		t.Parallel()
		bin := filepath.Join(t.TempDir(), "git-worktree-ports")
		fake(t, bin, filepath.Join(filepath.Dir(bin), "log"))
		r := runBlock(t, sh, "set -eu", bin, nil, nil, "a", "b", "0")
		if r.err != nil || r.log != "" {
			t.Fatalf("err=%v log=%q; want the binary not called", r.err, r.log)
		}
	})
	t.Run("PATH fallback", func(t *testing.T) {
		t.Parallel()
		pathDir := t.TempDir()
		fake(t, filepath.Join(pathDir, "git-worktree-ports"), filepath.Join(pathDir, "log"))
		missing := filepath.Join(pathDir, "gone", "git-worktree-ports")
		r := runBlock(t, sh, "set -eu", missing, []string{"PATH=" + pathDir}, nil, "a", "b", "1")
		logData, _ := os.ReadFile(filepath.Join(pathDir, "log"))
		if r.err != nil || !strings.Contains(string(logData), " hook post-checkout a b 1 GIT_DIR=unset") {
			t.Fatalf("err=%v log=%q; want the binary on PATH called", r.err, logData)
		}
	})
	t.Run("not found", func(t *testing.T) {
		t.Parallel()
		missing := filepath.Join(t.TempDir(), "gone", "git-worktree-ports")
		r := runBlock(t, sh, "set -eu", missing, []string{"PATH=" + t.TempDir()}, nil, "a", "b", "1")
		if r.err != nil || r.stderr != NotFoundMessage+"\n" {
			t.Fatalf("err=%v stderr=%q; want exactly one not-found line", r.err, r.stderr)
		}
		if !strings.HasPrefix(r.stdout, "after status=0 ") {
			t.Fatalf("caller did not carry on: %q", r.stdout)
		}
	})
	t.Run("no arguments under set -u", func(t *testing.T) {
		t.Parallel()
		bin := filepath.Join(t.TempDir(), "git-worktree-ports")
		fake(t, bin, filepath.Join(filepath.Dir(bin), "log"))
		r := runBlock(t, sh, "set -eu", bin, nil, nil)
		if r.err != nil || r.stderr != "" || !strings.Contains(r.log, "hook post-checkout    GIT_DIR=unset") {
			t.Fatalf("err=%v stderr=%q log=%q", r.err, r.stderr, r.log)
		}
	})
}
