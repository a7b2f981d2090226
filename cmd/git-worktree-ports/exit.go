package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/git-worktree-ports/git-worktree-ports/internal/alloc"
	"github.com/git-worktree-ports/git-worktree-ports/internal/bundle"
	"github.com/git-worktree-ports/git-worktree-ports/internal/hook"
	"github.com/git-worktree-ports/git-worktree-ports/internal/lock"
	"github.com/git-worktree-ports/git-worktree-ports/internal/safefile"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// Exit codes. They are part of the interface: scripts and the hook rely on them, the
// README documents them, and tests/exit_codes.txtar checks each one.
const (
	exitOK            = 0 // success
	exitError         = 1 // any other failure: bad config, git failed, I/O error
	exitUsage         = 2 // bad flags or arguments; install-hook refusing to edit a hook; a write refused because a symlink leads out; run outside a worktree
	exitExhausted     = 3 // every slot in the range is taken
	exitLockTimeout   = 4 // another process held the repository (or per-user) lock too long
	exitNoReservation = 5 // env/exec --no-allocate and this worktree has no reservation
	exitFindings      = 6 // doctor found something that needs action
)

// usageError is a mistake in how the command was called. Only these print the usage hint.
type usageError struct {
	err  error
	path *cobra.Command // the command whose --help to suggest; nil for the root
}

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// cmdPath is the subcommand path for the usage hint, e.g. "allocate ".
func (e *usageError) cmdPath() string {
	if e.path == nil || !e.path.HasParent() {
		return ""
	}
	return strings.TrimPrefix(e.path.CommandPath(), e.path.Root().Name()+" ") + " "
}

func usageErrorf(c *cobra.Command, format string, a ...any) error {
	return &usageError{err: fmt.Errorf(format, a...), path: c}
}

// silentError carries an exit code whose message has already been printed (or needs none).
type silentError struct{ code int }

func (e *silentError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// noReservationError says the worktree has no reservation and allocating was not allowed.
type noReservationError struct{ path string }

func (e *noReservationError) Error() string {
	return fmt.Sprintf("%s: no reservation (run `git worktree-ports allocate`, or drop --no-allocate)", untrusted.New(e.path))
}

// exitCodeFor maps an error to the process exit code. It is the only place that does.
func exitCodeFor(err error) int {
	var (
		silent    *silentError
		usage     *usageError
		exhausted *bundle.ExhaustedError
		timeout   *lock.TimeoutError
		noRes     *noReservationError
		manual    *hook.ManualError
		escape    *safefile.EscapeError
		noWT      *alloc.NotWorktreeError
	)
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &silent):
		return silent.code
	case errors.As(err, &usage), errors.As(err, &manual), errors.As(err, &escape), errors.As(err, &noWT):
		return exitUsage
	case errors.As(err, &exhausted):
		return exitExhausted
	case errors.As(err, &timeout):
		return exitLockTimeout
	case errors.As(err, &noRes):
		return exitNoReservation
	}
	return exitError
}
