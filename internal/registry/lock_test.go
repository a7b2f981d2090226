package registry

import (
	"bufio"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/git-worktree-ports/git-worktree-ports/internal/lock"
)

func TestLockUserExcludes(t *testing.T) {
	t.Parallel()
	x := Index{Dir: filepath.Join(t.TempDir(), "state", DirName)}
	ctx := context.Background()
	release, err := x.LockUser(ctx, time.Second, nil)
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(x.Dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("index directory: %v, %v; want mode 0700", fi, err)
	}

	start := time.Now()
	_, err = x.LockUser(ctx, 50*time.Millisecond, nil)
	checkUserTimeout(t, err, x)
	if d := time.Since(start); d < 50*time.Millisecond || d > 2*time.Second {
		t.Errorf("timed out after %v, want about 50ms", d)
	}
	_, err = x.LockUser(ctx, 0, nil)
	checkUserTimeout(t, err, x)

	cctx, cancel := context.WithTimeout(ctx, 30*time.Millisecond)
	defer cancel()
	if _, err := x.LockUser(cctx, time.Minute, nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want the context's error", err)
	}

	// A release lets a waiter in.
	got := make(chan error, 1)
	go func() {
		r, err := x.LockUser(ctx, 5*time.Second, nil)
		if err == nil {
			r()
		}
		got <- err
	}()
	time.Sleep(30 * time.Millisecond)
	release()
	if err := <-got; err != nil {
		t.Fatalf("waiter after release: %v", err)
	}
	release()
}

func checkUserTimeout(t *testing.T, err error, x Index) {
	t.Helper()
	var te *lock.TimeoutError
	if !errors.As(err, &te) {
		t.Fatalf("err = %v (%T), want *lock.TimeoutError", err, err)
	}
	path := filepath.Join(x.Dir, LockFileName)
	if te.Path != path {
		t.Errorf("Path = %s, want %s", te.Path, path)
	}
	for _, want := range []string{path, "per-user lock", "GIT_WORKTREE_PORTS_CROSS_REPO=0"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q lacks %q", err, want)
		}
	}
}

// TestLockUserFreedWhenHolderKilled runs a second process that takes the
// lock and is then SIGKILLed: the kernel must free the lock at once.
func TestLockUserFreedWhenHolderKilled(t *testing.T) {
	t.Parallel()
	x := Index{Dir: filepath.Join(t.TempDir(), DirName)}
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	cmd := exec.Command(exe, x.Dir)
	cmd.Env = append(os.Environ(), helperEnv+"=lock")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	t.Cleanup(func() {
		if !killed {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	line, err := bufio.NewReader(out).ReadString('\n')
	if line != "locked\n" {
		t.Fatalf("helper said %q (%v)", line, err)
	}
	_, err = x.LockUser(context.Background(), 50*time.Millisecond, nil)
	checkUserTimeout(t, err, x)

	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	killed = true
	release, err := x.LockUser(context.Background(), 0, nil)
	if err != nil {
		t.Fatalf("lock still held after its holder died: %v", err)
	}
	release()
}
