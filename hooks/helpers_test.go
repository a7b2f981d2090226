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

// sandbox is an isolated world for real git: its own HOME, global config and PATH, and a
// fake git-worktree-ports that logs each call.
type sandbox struct {
	t    *testing.T
	root string
	home string
	env  []string
	bin  string // the fake binary, under a directory with a space and a quote in its name
	log  string
}

// pathTools are linked into the sandbox's PATH, which holds nothing else, so a
// git-worktree-ports installed on the machine can never stand in for the fake.
var pathTools = []string{"git", "sh", "bash", "zsh", "dirname", "basename", "cat"}

func newSandbox(t *testing.T) *sandbox {
	t.Helper()
	root, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s := &sandbox{t: t, root: root, home: filepath.Join(root, "home")}
	pathDir := filepath.Join(root, "path")
	for _, d := range []string{s.home, pathDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, tool := range pathTools {
		if p, err := exec.LookPath(tool); err == nil {
			if err := os.Symlink(p, filepath.Join(pathDir, tool)); err != nil {
				t.Fatal(err)
			}
		}
	}
	global := filepath.Join(s.home, ".gitconfig")
	put(t, global, "[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n", 0o644)
	s.env = []string{
		"HOME=" + s.home,
		"PATH=" + pathDir,
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_CONFIG_GLOBAL=" + global,
		"XDG_CONFIG_HOME=" + filepath.Join(s.home, ".config"),
		"GIT_AUTHOR_NAME=Test", "GIT_AUTHOR_EMAIL=test@example.com",
		"GIT_COMMITTER_NAME=Test", "GIT_COMMITTER_EMAIL=test@example.com",
		"GIT_TERMINAL_PROMPT=0", "LC_ALL=C",
	}
	s.bin = filepath.Join(root, "my tools", "it's here", "git-worktree-ports")
	s.log = filepath.Join(root, "calls.log")
	s.writeFake(0)
	return s
}

// writeFake (re)writes the fake binary so that it exits with code.
func (s *sandbox) writeFake(code int) {
	script := "#!/bin/sh\necho \"$PWD $* GIT_DIR=${GIT_DIR-unset}\" >>" + shquote.Quote(s.log) +
		"\nexit " + string(rune('0'+code)) + "\n"
	if err := os.MkdirAll(filepath.Dir(s.bin), 0o755); err != nil {
		s.t.Fatal(err)
	}
	put(s.t, s.bin, script, 0o755)
}

// run runs git in dir and returns stdout, stderr and the error.
func (s *sandbox) run(dir string, args ...string) (string, string, error) {
	cmd := exec.Command(filepath.Join(s.root, "path", "git"), args...)
	cmd.Dir = dir
	cmd.Env = s.env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	return out.String(), errb.String(), err
}

// git runs git in dir and fails the test when it fails.
func (s *sandbox) git(dir string, args ...string) string {
	s.t.Helper()
	out, errOut, err := s.run(dir, args...)
	if err != nil {
		s.t.Fatalf("git %s in %s: %v\n%s", strings.Join(args, " "), dir, err, errOut)
	}
	return strings.TrimRight(out, "\n")
}

// gitFunc is the Git that the binary would inject: real git outside any repository.
func (s *sandbox) gitFunc(args ...string) (string, error) {
	out, errOut, err := s.run(s.home, args...)
	if err != nil {
		return out, &gitError{err, errOut}
	}
	return out, nil
}

type gitError struct {
	err    error
	stderr string
}

func (e *gitError) Error() string { return e.err.Error() + ": " + e.stderr }

// repo creates a repository with one commit holding a file, and returns its top level.
func (s *sandbox) repo(name string) string {
	dir := filepath.Join(s.root, name)
	s.git(s.root, "init", "-q", dir)
	put(s.t, filepath.Join(dir, "README"), "hello\n", 0o644)
	s.git(dir, "add", "README")
	s.git(dir, "commit", "-q", "-m", "init")
	return dir
}

// options asks git, in dir, what the binary's install-hook would pass.
func (s *sandbox) options(dir string) Options {
	hp, _, _ := s.run(dir, "config", "--get", "core.hooksPath")
	return Options{
		HooksDir:  s.git(dir, "rev-parse", "--path-format=absolute", "--git-path", "hooks"),
		HooksPath: strings.TrimRight(hp, "\n"),
		Toplevel:  s.git(dir, "rev-parse", "--show-toplevel"),
		Binary:    s.bin,
	}
}

// calls returns the fake binary's log lines and empties the log.
func (s *sandbox) calls() []string {
	data, err := os.ReadFile(s.log)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		s.t.Fatal(err)
	}
	os.Remove(s.log)
	return strings.Split(strings.TrimRight(string(data), "\n"), "\n")
}

// worktreeAdd runs `git worktree add` and checks that it succeeded and that the fake
// binary was called once, in the new worktree, with GIT_DIR unset.
func (s *sandbox) worktreeAdd(from, name string) string {
	s.t.Helper()
	wt := filepath.Join(s.root, name)
	_, errOut, err := s.run(from, "worktree", "add", "-q", "-b", name, wt)
	if err != nil {
		s.t.Fatalf("git worktree add: %v\n%s", err, errOut)
	}
	s.wantCall(wt, "0000000000000000000000000000000000000000 "+s.git(wt, "rev-parse", "HEAD")+" 1")
	return wt
}

func (s *sandbox) wantCall(wt, args string) {
	s.t.Helper()
	want := wt + " hook post-checkout " + args + " GIT_DIR=unset"
	if got := s.calls(); len(got) != 1 || got[0] != want {
		s.t.Fatalf("binary calls = %q; want [%q]", got, want)
	}
}

func put(t *testing.T, name, data string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := testexec.WriteFile(name, []byte(data), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(name, mode); err != nil {
		t.Fatal(err)
	}
}

func readString(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func mode(t *testing.T, name string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(name)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

func wantAction(t *testing.T, r Result, err error, action string) {
	t.Helper()
	if err != nil {
		t.Fatalf("want %s, got error: %v", action, err)
	}
	if r.Action != action {
		t.Fatalf("action = %q (%s); want %q", r.Action, r.Message, action)
	}
}
