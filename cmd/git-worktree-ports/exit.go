package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/git-worktree-ports/git-worktree-ports/hooks"
	"github.com/git-worktree-ports/git-worktree-ports/internal/bundle"
	"github.com/git-worktree-ports/git-worktree-ports/internal/lock"
	"github.com/git-worktree-ports/git-worktree-ports/internal/repository"
	"github.com/git-worktree-ports/git-worktree-ports/internal/safefile"
	"github.com/git-worktree-ports/git-worktree-ports/internal/wtenv"
)

// Exit codes. They are part of the interface: scripts and the hook rely on them, the
// README documents them, and tests/exit_codes.txtar checks each one.
const (
	exitOK            = 0 // success
	exitError         = 1 // any other failure: bad config, git failed, I/O error
	exitUsage         = 2 // bad flags or arguments (port: an unknown service); install-hook refusing to edit a hook; a write refused because a symlink leads out; run outside a worktree
	exitExhausted     = 3 // every slot in the range is taken
	exitLockTimeout   = 4 // another process held the repository (or per-user) lock too long
	exitNoReservation = 5 // env/exec --no-allocate and this worktree has no reservation
	exitFindings      = 6 // doctor found a problem (advice alone exits 0)
	exitSurvived      = 7 // stop: a process survived KILL, or one of its ports stayed in use

	// exec passes its command's own status through; when the command cannot be run at
	// all it exits as a shell would.
	exitNotExecutable = 126 // found, but cannot be executed
	exitNotFound      = 127 // not found
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

// usageErrorf makes a usage error of c. A run function, which has no command, passes nil,
// and its command's RunE names itself with forCommand.
func usageErrorf(c *cobra.Command, format string, a ...any) error {
	return &usageError{err: fmt.Errorf(format, a...), path: c}
}

// forCommand names c in a usage error that a run function returned without a command, so
// that the usage hint points at c's --help.
func forCommand(c *cobra.Command, err error) error {
	var usage *usageError
	if errors.As(err, &usage) && usage.path == nil {
		usage.path = c
	}
	return err
}

// codeError is an error printed as usual that exits with its own code.
type codeError struct {
	code int
	err  error
}

func (e *codeError) Error() string { return e.err.Error() }
func (e *codeError) Unwrap() error { return e.err }

// silentError carries an exit code whose message has already been printed (or needs none).
type silentError struct{ code int }

func (e *silentError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// exitCodeFor maps an error to the process exit code. It is the only place that does.
func exitCodeFor(err error) int {
	var (
		silent    *silentError
		code      *codeError
		usage     *usageError
		exhausted *bundle.ExhaustedError
		timeout   *lock.TimeoutError
		noRes     *wtenv.NoReservationError
		manual    *hooks.ManualError
		escape    *safefile.EscapeError
		gitLink   *hooks.GitLinkError
		noWT      *repository.NotWorktreeError
		unknown   *wtenv.UnknownServiceError
	)
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &silent):
		return silent.code
	case errors.As(err, &code):
		return code.code
	case errors.As(err, &usage), errors.As(err, &manual), errors.As(err, &escape), errors.As(err, &gitLink), errors.As(err, &noWT), errors.As(err, &unknown):
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

// flagErrorInWords rewrites pflag's "invalid argument "abc" for "--base" flag:
// strconv.ParseInt: parsing "abc": invalid syntax" as "--base: "abc" is not a whole
// number". Other flag errors (unknown flag, missing value) already read well.
func flagErrorInWords(c *cobra.Command, err error) error {
	msg := err.Error()
	rest, ok := strings.CutPrefix(msg, "invalid argument ")
	if !ok {
		return err
	}
	value, rest, ok := cutQuoted(rest)
	if !ok {
		return err
	}
	rest, ok = strings.CutPrefix(rest, " for ")
	if !ok {
		return err
	}
	name, _, ok := cutQuoted(rest)
	if !ok {
		return err
	}
	// name is "--base" or "-b, --base".
	long := name[strings.LastIndex(name, "-")+1:]
	if i := strings.LastIndex(name, "--"); i >= 0 {
		long = name[i+2:]
	}
	want := "a valid value"
	if fl := c.Flags().Lookup(long); fl != nil {
		switch fl.Value.Type() {
		case "int", "int32", "int64", "uint", "uint16":
			want = "a whole number"
		case "bool":
			want = "true or false"
		case "duration":
			want = "a duration such as 10s or 1m"
		}
	}
	return fmt.Errorf("--%s: %s is not %s", long, strconv.Quote(value), want)
}

// cutQuoted reads a Go-quoted string at the start of s.
func cutQuoted(s string) (value, rest string, ok bool) {
	q, err := strconv.QuotedPrefix(s)
	if err != nil {
		return "", s, false
	}
	v, err := strconv.Unquote(q)
	if err != nil {
		return "", s, false
	}
	return v, s[len(q):], true
}
