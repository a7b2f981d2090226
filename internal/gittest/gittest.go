// Package gittest gives tests a real git, isolated from the user's: a home of its own, no
// system or global config but its own, a fixed identity, and no GIT_* variable inherited
// from the process (a hook's GIT_DIR would point git at another repository). Only tests
// import it.
package gittest

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Sandbox is a temporary directory with an isolated environment for git.
type Sandbox struct {
	t testing.TB
	// Root is the temporary directory, symlinks resolved as git prints paths.
	Root string
	// Home is HOME in Env, inside Root; XDG_STATE_HOME is Home/.local/state.
	Home string
	// Env is the environment for git and for the tool: the process's, without GIT_*,
	// HOME and XDG_*, plus the sandbox's.
	Env []string
}

// New makes a sandbox, or skips the test when git is not installed.
func New(t testing.TB) *Sandbox {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	root, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	home := filepath.Join(root, ".home")
	global := filepath.Join(home, ".gitconfig")
	if err := os.MkdirAll(home, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(global, []byte("[init]\n\tdefaultBranch = main\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GIT_") && !strings.HasPrefix(kv, "HOME=") && !strings.HasPrefix(kv, "XDG_") {
			env = append(env, kv)
		}
	}
	env = append(env,
		"HOME="+home,
		"XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
		"XDG_STATE_HOME="+filepath.Join(home, ".local", "state"),
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_CONFIG_GLOBAL="+global,
		"GIT_CEILING_DIRECTORIES="+root,
		"GIT_AUTHOR_NAME=Test", "GIT_AUTHOR_EMAIL=test@example.invalid",
		"GIT_COMMITTER_NAME=Test", "GIT_COMMITTER_EMAIL=test@example.invalid",
	)
	return &Sandbox{t: t, Root: root, Home: home, Env: env}
}

// Path joins elem under Root.
func (s *Sandbox) Path(elem ...string) string {
	return filepath.Join(append([]string{s.Root}, elem...)...)
}

// Getenv reads Env.
func (s *Sandbox) Getenv(key string) string {
	for i := len(s.Env) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(s.Env[i], key+"="); ok {
			return v
		}
	}
	return ""
}

// Git runs git in dir and returns its output; the test fails unless git succeeds.
func (s *Sandbox) Git(dir string, args ...string) string {
	s.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir, cmd.Env = dir, s.Env
	out, err := cmd.CombinedOutput()
	if err != nil {
		s.t.Fatalf("git %q in %s: %v\n%s", args, dir, err, out)
	}
	return string(out)
}

// Repo makes a repository with one commit at Root/name and returns its path.
func (s *Sandbox) Repo(name string) string {
	s.t.Helper()
	dir := s.Path(name)
	s.Git(s.Root, "init", "-q", dir)
	s.Git(dir, "commit", "-q", "--allow-empty", "-m", "init")
	return dir
}

// Write writes content to path, making its directory.
func (s *Sandbox) Write(path, content string) {
	s.t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		s.t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		s.t.Fatal(err)
	}
}

// Try runs git in dir and returns its standard output and exit status, for a test that
// expects git to fail; the test fails only when git cannot be run at all.
func (s *Sandbox) Try(dir string, args ...string) (string, int) {
	s.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = s.Env
	out, err := cmd.Output()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return string(out), ee.ExitCode()
	}
	if err != nil {
		s.t.Fatalf("git %q: %v", args, err)
	}
	return string(out), 0
}

// SeparateGitDir makes a repository with one commit whose working tree is Root/name and
// whose git directory is Root/name.git (git init --separate-git-dir), where git lists the
// git directory as the main worktree, plus a linked worktree Root/name-b. It returns the
// three paths.
func (s *Sandbox) SeparateGitDir(name string) (top, gitDir, linked string) {
	s.t.Helper()
	top, gitDir, linked = s.Path(name), s.Path(name+".git"), s.Path(name+"-b")
	s.Git(s.Root, "init", "-q", "--separate-git-dir", gitDir, top)
	s.Git(top, "commit", "-q", "--allow-empty", "-m", "init")
	s.Git(top, "worktree", "add", "-q", linked)
	return top, gitDir, linked
}
