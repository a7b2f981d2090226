package registry

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/git-worktree-ports/git-worktree-ports/internal/lock"
	"github.com/git-worktree-ports/git-worktree-ports/internal/safefile"
)

// userLockHint is the way out a per-user lock timeout offers.
const userLockHint = "to wait longer, run `git config worktree-ports.lockTimeout 30s` " +
	"or set GIT_WORKTREE_PORTS_LOCK_TIMEOUT=30s; to stop coordinating " +
	"with other repositories, set GIT_WORKTREE_PORTS_CROSS_REPO=0"

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
// timeout it returns a *lock.TimeoutError; when ctx ends first, ctx's
// error. release drops the lock; calling it more than once is harmless.
//
// Lock order: take the user lock first and the repository lock second, and
// release both together. No process then holds a repository lock while it
// waits for the user lock, so the two cannot deadlock.
func (x Index) LockUser(ctx context.Context, timeout time.Duration, waiting func(string)) (release func(), err error) {
	path := filepath.Join(x.Dir, LockFileName)
	// flock opens the file by its path, creating it when missing and following
	// a symlink, so a lock file or index directory that leads out of the
	// state directory is refused first. This is a check, then an open: it
	// keeps a planted link from creating files elsewhere.
	if _, err := safefile.Resolve(path, filepath.Dir(filepath.Clean(x.Dir))); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(x.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("create the repository index: %w", err)
	}
	l, err := lock.Acquire(ctx, path, lock.Options{
		What: "the per-user lock", Timeout: timeout, Perm: 0o600, Hint: userLockHint, Waiting: waiting,
	})
	if err != nil {
		return nil, err
	}
	return func() { _ = l.Release() }, nil
}
