package reserve

import (
	"context"
	"time"

	"github.com/git-worktree-ports/git-worktree-ports/internal/lock"
)

// LockFileName is the name of the repository lock file in the common git
// directory.
const LockFileName = "worktree-ports.lock"

// lockHint is the way out a repository lock timeout offers.
const lockHint = "to wait longer, run `git config worktree-ports.lockTimeout 30s` " +
	"or set GIT_WORKTREE_PORTS_LOCK_TIMEOUT=30s"

// AcquireLock takes the repository lock at path (see package lock), waiting at most
// timeout; zero or less means a single attempt. On timeout it returns a
// *lock.TimeoutError that names the holder. waiting, when set, hears once that the lock
// is busy after about a second.
func AcquireLock(ctx context.Context, path string, timeout time.Duration, waiting func(string)) (*lock.Lock, error) {
	return lock.Acquire(ctx, path, lock.Options{
		What: "the repository lock", Timeout: timeout, Perm: 0o600, Hint: lockHint, Waiting: waiting,
	})
}
