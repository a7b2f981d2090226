package reserve

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

func TestLockExcludesWithinProcess(t *testing.T) {
	t.Parallel()
	p := filepath.Join(t.TempDir(), LockFileName)
	ctx := context.Background()
	l1, err := AcquireLock(ctx, p, time.Second, nil)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("lock file mode %v, want 0600", fi.Mode().Perm())
	}

	start := time.Now()
	_, err = AcquireLock(ctx, p, 50*time.Millisecond, nil)
	checkTimeout(t, err, p)
	if d := time.Since(start); d < 50*time.Millisecond || d > 2*time.Second {
		t.Errorf("timed out after %v, want about 50ms", d)
	}
	_, err = AcquireLock(ctx, p, 0, nil)
	checkTimeout(t, err, p)

	// A release lets a waiter in.
	got := make(chan error, 1)
	go func() {
		l, err := AcquireLock(ctx, p, 5*time.Second, nil)
		if err == nil {
			err = l.Release()
		}
		got <- err
	}()
	time.Sleep(30 * time.Millisecond)
	if err := l1.Release(); err != nil {
		t.Fatal(err)
	}
	if err := <-got; err != nil {
		t.Fatalf("waiter after release: %v", err)
	}
	if err := l1.Release(); err != nil {
		t.Errorf("second Release: %v", err)
	}
}

func checkTimeout(t *testing.T, err error, path string) {
	t.Helper()
	var te *lock.TimeoutError
	if !errors.As(err, &te) {
		t.Fatalf("err = %v (%T), want *lock.TimeoutError", err, err)
	}
	for _, want := range []string{path, "the repository lock", "worktree-ports.lockTimeout", "GIT_WORKTREE_PORTS_LOCK_TIMEOUT"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q lacks %q", err, want)
		}
	}
}

func TestLockContextCanceled(t *testing.T) {
	t.Parallel()
	p := filepath.Join(t.TempDir(), LockFileName)
	l, err := AcquireLock(context.Background(), p, time.Second, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	_, err = AcquireLock(ctx, p, time.Minute, nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want the context's error", err)
	}
}

func TestLockMissingDirectory(t *testing.T) {
	t.Parallel()
	p := filepath.Join(t.TempDir(), "no", LockFileName)
	_, err := AcquireLock(context.Background(), p, 50*time.Millisecond, nil)
	var te *lock.TimeoutError
	if err == nil || errors.As(err, &te) {
		t.Errorf("err = %v, want an open error", err)
	}
}

// TestLockFreedWhenHolderKilled runs a second process that takes the lock
// and is then SIGKILLed: the kernel must free the lock at once.
func TestLockFreedWhenHolderKilled(t *testing.T) {
	t.Parallel()
	p := filepath.Join(t.TempDir(), LockFileName)
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	cmd := exec.Command(exe, p)
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

	_, err = AcquireLock(context.Background(), p, 50*time.Millisecond, nil)
	checkTimeout(t, err, p)

	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	killed = true
	l, err := AcquireLock(context.Background(), p, 0, nil)
	if err != nil {
		t.Fatalf("lock still held after its holder died: %v", err)
	}
	l.Release()
}
