//go:build linux

package tests

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// dotenvFullRange is TestAllocateDotenvDiskFull's range; the test binds no port.
const dotenvFullRange = "32300-32339"

// TestAllocateDotenvDiskFull gives the config's dotenv file a directory on a full file
// system (a tiny tmpfs, filled): allocate writes the reservation, says the file was not
// written and why, and exits 1, since the file now lags the reservation; the hook, on a
// branch checkout in that worktree, counts the warning and git's checkout still succeeds.
// It mounts, so it needs root (CAP_SYS_ADMIN), and is skipped without.
func TestAllocateDotenvDiskFull(t *testing.T) {
	f := newRepoFixture(t, dotenvFullRange)
	config := `{"services": {"app": {"offset": 0, "env": "APP_PORT"}}, "dotenv": ["full/.env"]}`
	if err := os.WriteFile(filepath.Join(f.main, ".worktree-ports.config.json"), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(f.main, ".gitignore"), []byte(".env\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f.git(f.main, "add", ".worktree-ports.config.json", ".gitignore")
	f.git(f.main, "commit", "-q", "-m", "config")
	f.git(f.main, "config", "worktree-ports.trustedPath", f.root) // approves the dotenv list
	full := filepath.Join(f.main, "full")
	if err := os.Mkdir(full, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", full, "tmpfs", 0, "size=16k"); err != nil {
		t.Skipf("cannot mount a tmpfs (needs root): %v", err)
	}
	t.Cleanup(func() { _ = syscall.Unmount(full, syscall.MNT_DETACH) })
	fill(t, filepath.Join(full, "filler"))

	cmd, stderr := f.tool(f.main, nil, "allocate")
	err := cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("allocate with a full disk under its dotenv file: %v, want exit 1; stderr:\n%s", err, stderr)
	}
	for _, want := range []string{"dotenv file full/.env: not written: ", "no space left on device", "full/.env not written (said above): it lags the reservation"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("allocate's stderr lacks %q:\n%s", want, stderr)
		}
	}
	if _, err := os.Stat(reservationPath(f.main)); err != nil {
		t.Errorf("allocate left no reservation: %v", err)
	}

	// The hook: a branch checkout refreshes the dotenv block, fails to write it the
	// same way, and git's checkout still succeeds.
	f.runTool(f.main, "install-hook")
	checkout := exec.Command("git", "checkout", "-q", "-b", "other")
	checkout.Dir, checkout.Env = f.main, f.env
	out, err := checkout.CombinedOutput()
	if err != nil {
		t.Fatalf("git checkout with the hook and a full disk: %v:\n%s", err, out)
	}
	// The hook counts its warnings and points at allocate, which shows them.
	if !strings.Contains(string(out), "1 warning(s): run `git worktree-ports allocate`") {
		t.Errorf("the hook did not point at the dotenv file's warning:\n%s", out)
	}
}

// fill writes path until its file system is full.
func fill(t *testing.T, path string) {
	t.Helper()
	fh, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	chunk := make([]byte, 4096)
	for {
		if _, err := fh.Write(chunk); err != nil {
			if errors.Is(err, syscall.ENOSPC) {
				return
			}
			t.Fatal(err)
		}
	}
}
