package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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
	// git runs the command with sh and appends the hook's arguments: the quoted path must
	// come back as one word.
	out, err := exec.Command("sh", "-c", "printf '%s\\n' "+strings.TrimSuffix(cmd, " hook post-checkout")).Output()
	if err != nil || strings.TrimSpace(string(out)) != bin || !strings.HasSuffix(cmd, " hook post-checkout") {
		t.Errorf("command %q: sh reads the binary as %q (%v), want %q", cmd, out, err, bin)
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
