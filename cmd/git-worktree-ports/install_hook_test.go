package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
)

// TestConfigHookKeys writes and removes the config-based hook in a real repository. Any
// git stores the keys; only 2.54+ runs them (tests/testdata/install-hook_config.txtar).
func TestConfigHookKeys(t *testing.T) {
	dir := t.TempDir()
	env := append(os.Environ(), "HOME="+dir, "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null")
	if out, err := exec.Command("git", "init", "-q", dir).CombinedOutput(); err != nil {
		t.Fatalf("git init: %v: %s", err, out)
	}
	g := gitwt.Git{Dir: dir, Env: env}
	ctx := context.Background()
	bin := filepath.Join(dir, "it's here", "git-worktree-ports")
	if err := setConfigHook(ctx, g, bin); err != nil {
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
	if cmd != configHookCommand(bin) {
		t.Errorf("command = %q, want %q", cmd, configHookCommand(bin))
	}
	// Run it the way git does, sh -c '<command> "$@"' with the hook's three arguments,
	// against a stand-in binary that records its arguments and then fails, and against a
	// binary that is not there: the hook must pass the arguments and exit 0 either way.
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		t.Fatal(err)
	}
	log := filepath.Join(dir, "args")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\nprintf '%s|' \"$@\" >"+log+"\nexit 3\n"), 0o755); err != nil {
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
		if err := removeConfigHook(ctx, g); err != nil {
			t.Fatalf("remove #%d: %v", i+1, err)
		}
	}
	if cfg, _ := g.Config(ctx, `^hook\.`); len(cfg) != 0 {
		t.Errorf("left behind: %v", cfg)
	}
}
