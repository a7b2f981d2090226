//go:build unix

package gitwt

import (
	"context"
	"errors"
	"os"
	"syscall"
	"testing"
	"time"
)

// TestWorktreesStuckIsKilled stands in for a repository on a hung network mount: a FIFO
// at .git/worktrees/<id>/locked, which `git worktree list` opens and waits on for ever.
// When ctx ends, Worktrees returns an error that says so, and git is gone: nothing holds
// the FIFO open for reading any more.
func TestWorktreesStuckIsKilled(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	main := s.repo("stuck")
	s.run(main, "worktree", "add", "-q", "../stuck-2")
	fifo := s.path("stuck", ".git", "worktrees", "stuck-2", "locked")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	type result struct {
		wts []Worktree
		err error
	}
	done := make(chan result, 1)
	go func() {
		wts, err := s.g(main).Worktrees(ctx)
		done <- result{wts, err}
	}()
	var res result
	select {
	case res = <-done:
	case <-time.After(20 * time.Second): // a hang guard, not a measurement
		t.Fatal("Worktrees still running 20s after its context ended")
	}
	var ge *Error
	if !errors.As(res.err, &ge) || !errors.Is(res.err, context.DeadlineExceeded) {
		t.Fatalf("Worktrees = %v, %v; want a *gitwt.Error wrapping context.DeadlineExceeded", res.wts, res.err)
	}
	// With git dead, opening the FIFO for writing finds no reader (ENXIO) instead of
	// meeting the one git left behind.
	w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0)
	if err == nil {
		w.Close()
		t.Fatal("the FIFO still has a reader: git was not killed")
	}
	if !errors.Is(err, syscall.ENXIO) {
		t.Fatalf("open the FIFO for writing: %v, want ENXIO", err)
	}
}
