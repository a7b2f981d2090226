// Package lock owns the tool's kernel locks: the repository lock in the common git
// directory and the per-user lock of cross-repository awareness. Both are an exclusive
// flock (LockFileEx on Windows, through gofrs/flock), so the kernel drops a lock when its
// holder exits or dies and a crash never leaves a stale one. A holder writes one line
// naming itself into the file (its pid and verb, never its command line: `exec` passes
// secrets in argv), so a waiter can say whom it waits for. Lock files are 0600 (0660 in
// a group-writable directory, a shared repository's).
package lock

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gofrs/flock"

	"github.com/git-worktree-ports/git-worktree-ports/internal/safefile"
)

// poll is how often Acquire retries a held lock. It is short because the tool holds its
// locks for milliseconds.
const poll = 10 * time.Millisecond

// DefaultNotice is how long Acquire waits before it tells Options.Waiting.
const DefaultNotice = time.Second

// maxHolder bounds the holder line, written by us and read back from a file anyone could
// have replaced.
const maxHolder = 512

// maxVerb bounds the verb a holder records; the tool's longest is "install-hook".
const maxVerb = 20

// Options say how to take one lock.
type Options struct {
	// What names the lock in messages: "the repository lock", "the per-user lock".
	What string
	// Timeout is how long to wait; zero or less means a single attempt.
	Timeout time.Duration
	// Perm is the mode of a lock file Acquire creates; 0600 when zero.
	Perm os.FileMode
	// Hint is added to the timeout message: the ways out.
	Hint string
	// Waiting, when set, is called once if the lock is still busy after Notice
	// (DefaultNotice when zero), with a line saying so and naming the holder.
	Waiting func(msg string)
	Notice  time.Duration
}

// TimeoutError reports that another process held a lock for longer than the timeout.
// It is the one error type for every lock of the tool, mapped to exit code 4.
type TimeoutError struct {
	Path    string
	What    string
	Timeout time.Duration
	Holder  string // what the holder wrote about itself, "" when unknown
	Hint    string
}

// Error says which lock, how long, who holds it, and the ways out.
func (e *TimeoutError) Error() string {
	var b strings.Builder
	what := e.What
	if what == "" {
		what = "the lock"
	}
	if e.Timeout > 0 {
		fmt.Fprintf(&b, "timed out after %s waiting for %s on %s", e.Timeout, what, e.Path)
	} else {
		fmt.Fprintf(&b, "%s on %s is busy", what, e.Path)
	}
	if e.Holder != "" {
		fmt.Fprintf(&b, ": held by %s", e.Holder)
	} else {
		b.WriteString(": another git worktree-ports process holds it")
	}
	if e.Hint != "" {
		b.WriteString("; ")
		b.WriteString(e.Hint)
	}
	return b.String()
}

// Lock is a held lock.
type Lock struct {
	f *flock.Flock
}

// Acquire takes the exclusive lock on path, creating the file if needed. It retries
// every few milliseconds until it gets the lock, ctx is done, or o.Timeout passes. On
// timeout it returns a *TimeoutError; when ctx ends first, ctx's error; when the file
// cannot be opened, that error.
//
// The lock belongs to the open file, not the process: two Locks on the same path exclude
// each other even within one process. The descriptor is close-on-exec, so child
// processes such as git hooks never inherit it.
func Acquire(ctx context.Context, path string, o Options) (*Lock, error) {
	perm := o.Perm
	if perm == 0 {
		perm = 0o600
	}
	perm |= sharedBits(path)
	f := flock.New(path, flock.SetPermissions(perm))
	timeout := func() error {
		return &TimeoutError{Path: path, What: o.What, Timeout: max(o.Timeout, 0), Holder: Holder(path), Hint: o.Hint}
	}
	ok, err := f.TryLock()
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if !ok {
		if o.Timeout <= 0 {
			return nil, timeout()
		}
		deadline := time.Now().Add(o.Timeout)
		// Wait in two legs, both on this goroutine, so Waiting is never called
		// concurrently with the caller: up to the notice, then the rest.
		if o.Waiting != nil {
			notice := o.Notice
			if notice <= 0 {
				notice = DefaultNotice
			}
			if notice < o.Timeout {
				ok, err = wait(ctx, f, time.Now().Add(notice))
				if !ok && err == nil && ctx.Err() == nil {
					o.Waiting(waitingLine(path, o.What))
				}
			}
		}
		if !ok && err == nil && ctx.Err() == nil {
			ok, err = wait(ctx, f, deadline)
		}
		switch {
		case ok:
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case err == nil:
			return nil, timeout()
		default:
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
	}
	writeHolder(path)
	return &Lock{f: f}, nil
}

// wait retries f until it is locked, ctx is done or the deadline passes. Running out of
// time is ok == false with a nil error.
func wait(ctx context.Context, f *flock.Flock, deadline time.Time) (ok bool, err error) {
	tctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	ok, err = f.TryLockContext(tctx, poll)
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
		err = nil
	}
	return ok, err
}

// Path returns the lock file's path.
func (l *Lock) Path() string { return l.f.Path() }

// Release drops the lock and closes the file. The lock file stays, since removing it
// would let two processes lock different files of one name. Releasing twice is harmless.
func (l *Lock) Release() error { return l.f.Unlock() }

func waitingLine(path, what string) string {
	if what == "" {
		what = "the lock"
	}
	msg := fmt.Sprintf("waiting for %s on %s", what, path)
	if h := Holder(path); h != "" {
		msg += ", held by " + h
	}
	return msg
}

// writeHolder records who holds the lock: "pid 1234 (git-worktree-ports allocate)".
// A file we own that others may read (0644, as older versions created it, when their
// holder line carried the whole command line) is tightened to 0600 first. It is best
// effort: on Windows the locked region cannot be written through another handle, and a
// waiter then just says less.
func writeHolder(path string) {
	line := HolderLine(os.Getpid(), os.Args)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return
	}
	if fi, err := f.Stat(); err == nil {
		keep := 0o700 | sharedBits(path)
		if m := fi.Mode().Perm(); m&^keep != 0 {
			// Fails, harmlessly, on a file another user owns.
			_ = f.Chmod(m & keep)
		}
	}
	_, _ = f.WriteString(line + "\n")
	_ = f.Close()
}

// sharedBits are the group bits a lock file at path keeps: read and write when its
// directory is group-writable, as git makes the directories of a repository shared by a
// group (core.sharedRepository), so that the group's other users can still open the
// lock; none otherwise. Nobody else ever gets them.
func sharedBits(path string) os.FileMode {
	if fi, err := os.Stat(filepath.Dir(path)); err == nil && fi.Mode().Perm()&0o020 != 0 {
		return 0o060
	}
	return 0
}

// verb is the command the process runs, as SetVerb recorded it.
var verb atomic.Value // string

// SetVerb records the verb this process runs ("allocate", "exec", ...), for the holder
// line of every lock it takes. cmd sets it once the command line is parsed; a verb that
// does not look like one (lower-case letters, digits and hyphens, short) is not recorded.
func SetVerb(v string) {
	if isWord(v, maxVerb) {
		verb.Store(v)
	}
}

// HolderLine is the line a holder writes: its pid and, from args (os.Args), the
// program's base name with the verb SetVerb recorded. Nothing of the command line itself
// is recorded: arguments may carry secrets (`exec -- deploy --db-password=...`).
func HolderLine(pid int, args []string) string {
	line := "pid " + strconv.Itoa(pid)
	v, _ := verb.Load().(string)
	if v == "" {
		return line
	}
	prog := "git-worktree-ports"
	if len(args) > 0 && isWord(filepath.Base(args[0]), 64) {
		prog = filepath.Base(args[0])
	}
	return line + " (" + prog + " " + v + ")"
}

// isWord reports whether s is 1 to max lower-case letters, digits and hyphens, starting
// with a letter: a verb or a program name, never a value someone typed.
func isWord(s string, max int) bool {
	if s == "" || len(s) > max || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// Holder returns what the current holder wrote about itself, or "" when the file says
// nothing usable. The text is somebody else's: control characters are dropped. A line
// whose pid no longer runs is "": it is a past holder's (the file keeps the last line
// written), and the lock is held now by a process that did not write one.
func Holder(path string) string {
	data, err := safefile.Read(path, maxHolder)
	if err != nil {
		return ""
	}
	line, _, _ := strings.Cut(string(data), "\n")
	line = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return -1
		}
		return r
	}, line)
	rest, ok := strings.CutPrefix(line, "pid ")
	if !ok {
		return ""
	}
	num, _, _ := strings.Cut(rest, " ")
	if pid, err := strconv.Atoi(num); err == nil && pid > 0 && !alive(pid) {
		return ""
	}
	return line
}
