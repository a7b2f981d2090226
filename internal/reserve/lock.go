package reserve

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gofrs/flock"
)

// LockFileName is the name of the repository lock file in the common git
// directory.
const LockFileName = "worktree-ports.lock"

// lockPoll is how often AcquireLock retries a held lock. It is short
// because an allocation holds the lock for milliseconds.
const lockPoll = 10 * time.Millisecond

// Lock is a held kernel lock (flock) on a file. The kernel drops it when
// the holder exits or dies, so a crash never leaves a stale lock. The file
// descriptor is close-on-exec, so child processes such as git hooks do not
// inherit the lock.
type Lock struct {
	f *flock.Flock
}

// LockTimeoutError reports that another process held the lock for longer
// than the timeout.
type LockTimeoutError struct {
	Path    string
	Timeout time.Duration
}

// Error explains who holds the lock and how to wait longer.
func (e *LockTimeoutError) Error() string {
	waited := "the lock on " + e.Path + " is busy"
	if e.Timeout > 0 {
		waited = fmt.Sprintf("timed out after %s waiting for the lock on %s", e.Timeout, e.Path)
	}
	return waited + ": another git worktree-ports process holds it; " +
		"to wait longer, run `git config worktree-ports.lockTimeout 30s` " +
		"or set GIT_WORKTREE_PORTS_LOCK_TIMEOUT=30s"
}

// AcquireLock takes the exclusive lock on path, creating the file (mode
// 0644 less the umask) if needed. It retries every few milliseconds until
// it gets the lock, ctx is done, or timeout passes; a timeout of zero or
// less means a single attempt. On timeout it returns a *LockTimeoutError;
// when ctx ends first, ctx's error.
//
// The lock belongs to the open file, not the process: two Locks on the same
// path exclude each other even within one process.
func AcquireLock(ctx context.Context, path string, timeout time.Duration) (*Lock, error) {
	f := flock.New(path, flock.SetPermissions(0o644))
	if timeout <= 0 {
		ok, err := f.TryLock()
		if err != nil {
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		if !ok {
			return nil, &LockTimeoutError{Path: path, Timeout: 0}
		}
		return &Lock{f: f}, nil
	}
	tctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	ok, err := f.TryLockContext(tctx, lockPoll)
	switch {
	case ok:
		return &Lock{f: f}, nil
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case errors.Is(err, context.DeadlineExceeded):
		return nil, &LockTimeoutError{Path: path, Timeout: timeout}
	case err != nil:
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return nil, &LockTimeoutError{Path: path, Timeout: timeout}
}

// Path returns the lock file's path.
func (l *Lock) Path() string { return l.f.Path() }

// Release drops the lock and closes the file. The lock file stays, since
// removing it would let two processes lock different files of one name.
// Releasing twice is harmless.
func (l *Lock) Release() error {
	return l.f.Unlock()
}
