package hooks

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
	"github.com/git-worktree-ports/git-worktree-ports/internal/testexec"
)

// newerGit is a git that says it is 2.54, so that the keys can be written with any git:
// any git stores them; only 2.54+ runs them (tests/testdata/install-hook_config.txtar).
type newerGit struct{ gitwt.Git }

func (newerGit) Version(context.Context) (int, int, error) { return 2, 54, nil }

// oldGit says it is 2.53.
type oldGit struct{ gitwt.Git }

func (oldGit) Version(context.Context) (int, int, error) { return 2, 53, nil }

// TestConfigHookKeys writes and removes the config-based hook in a real repository.
func TestConfigHookKeys(t *testing.T) {
	dir := t.TempDir()
	env := append(os.Environ(), "HOME="+dir, "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null")
	if out, err := exec.Command("git", "init", "-q", dir).CombinedOutput(); err != nil {
		t.Fatalf("git init: %v: %s", err, out)
	}
	g := gitwt.Git{Dir: dir, Env: env}
	ctx := context.Background()
	bin := filepath.Join(dir, "it's here", "git-worktree-ports")
	var old *TooOldError
	if _, err := InstallConfig(ctx, oldGit{g}, bin); !errors.As(err, &old) {
		t.Fatalf("with git 2.53: %v, want a *TooOldError", err)
	}
	if cfg, _ := g.Config(ctx, `^hook\.`); len(cfg) != 0 {
		t.Fatalf("git 2.53 refused, but the keys were set: %v", cfg)
	}
	if _, err := InstallConfig(ctx, newerGit{g}, bin); err != nil {
		t.Fatal(err)
	}
	cfg, err := g.Config(ctx, `^hook\.worktree-ports\.`)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, e := range cfg {
		got[e.Key] = e.Value
	}
	if got["hook.worktree-ports.event"] != "post-checkout" {
		t.Errorf("event = %q", got["hook.worktree-ports.event"])
	}
	cmd := got["hook.worktree-ports.command"]
	if cmd != ConfigCommand(bin) {
		t.Errorf("command = %q, want %q", cmd, ConfigCommand(bin))
	}
	// Run it the way git does, sh -c '<command> "$@"' with the hook's three arguments,
	// against a stand-in binary that records its arguments and then fails, and against a
	// binary that is not there: the hook must pass the arguments and exit 0 either way.
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		t.Fatal(err)
	}
	log := filepath.Join(dir, "args")
	if err := testexec.WriteFile(bin, []byte("#!/bin/sh\nprintf '%s|' \"$@\" >"+log+"\nexit 3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	run := func() error {
		return exec.Command("sh", "-c", cmd+` "$@"`, cmd, "0000", "abcd", "1").Run()
	}
	if err := run(); err != nil {
		t.Errorf("hook with a failing binary: %v, want exit 0", err)
	}
	if b, _ := os.ReadFile(log); string(b) != "hook|post-checkout|0000|abcd|1|" {
		t.Errorf("binary got %q", b)
	}
	os.Remove(bin)
	if err := run(); err != nil {
		t.Errorf("hook with the binary gone: %v, want exit 0", err)
	}
	for i := 0; i < 2; i++ { // the second removal finds nothing and is fine
		if _, err := UninstallConfig(ctx, g); err != nil {
			t.Fatalf("remove #%d: %v", i+1, err)
		}
	}
	if cfg, _ := g.Config(ctx, `^hook\.`); len(cfg) != 0 {
		t.Errorf("left behind: %v", cfg)
	}
}
