package registry

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/gofrs/flock"

	"github.com/git-worktree-ports/git-worktree-ports/internal/safefile"
)

// lockPoll is how often LockUser retries a held lock. It is short because
// an allocation holds the lock for milliseconds.
const lockPoll = 10 * time.Millisecond

// UserLockTimeoutError reports that another process held the per-user lock
// for longer than the timeout.
type UserLockTimeoutError struct {
	Path    string
	Timeout time.Duration
}

// Error explains who holds the lock and the ways out.
func (e *UserLockTimeoutError) Error() string {
	return fmt.Sprintf("timed out after %s waiting for the per-user lock on %s: "+
		"a git worktree-ports process in some repository holds it; "+
		"to wait longer, run `git config worktree-ports.lockTimeout 30s` "+
		"or set GIT_WORKTREE_PORTS_LOCK_TIMEOUT=30s; to stop coordinating "+
		"with other repositories, set GIT_WORKTREE_PORTS_CROSS_REPO=0", e.Timeout, e.Path)
}

// LockUser takes the per-user lock: an exclusive flock on the file
// LockFileName in the index directory, both created (0700 and 0600) when
// missing. The kernel drops the lock when its holder exits or dies, so a
// crash never leaves a stale lock, and its descriptor is close-on-exec, so
// child processes such as git hooks do not inherit it. A lock file or index
// directory that is a symlink leading out of the index directory's parent is
// refused with a *safefile.EscapeError.
//
// It retries every few milliseconds until it gets the lock, ctx is done, or
// timeout passes; a timeout of zero or less means a single attempt. On
// timeout it returns a *UserLockTimeoutError; when ctx ends first, ctx's
// error. release drops the lock; calling it more than once is harmless.
//
// Lock order: take the user lock first and the repository lock second, and
// release both together. No process then holds a repository lock while it
// waits for the user lock, so the two cannot deadlock.
func (x Index) LockUser(ctx context.Context, timeout time.Duration) (release func(), err error) {
	path := filepath.Join(x.Dir, LockFileName)
	// flock opens the file by its path, creating it when missing and following
	// a symlink, so a lock file or index directory that leads out of the
	// state directory is refused first. This is a check, then an open: it
	// keeps a planted link from creating files elsewhere, and the lock
	// writes no bytes even if the tree changes in between.
	if _, err := safefile.Resolve(path, filepath.Dir(filepath.Clean(x.Dir))); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(x.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("create the repository index: %w", err)
	}
	f := flock.New(path, flock.SetPermissions(0o600))
	var ok bool
	if timeout <= 0 {
		ok, err = f.TryLock()
	} else {
		tctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		ok, err = f.TryLockContext(tctx, lockPoll)
	}
	switch {
	case ok:
		return func() { f.Unlock() }, nil
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case err == nil, errors.Is(err, context.DeadlineExceeded):
		return nil, &UserLockTimeoutError{Path: path, Timeout: max(timeout, 0)}
	default:
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
}
