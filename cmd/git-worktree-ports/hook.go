package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/git-worktree-ports/git-worktree-ports/internal/alloc"
	"github.com/git-worktree-ports/git-worktree-ports/internal/diag"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// NewCmdHook builds the hidden `hook post-checkout PREV NEW FLAG` that the installed hook
// calls. It prints at most one line and always succeeds: a port problem must never make
// `git checkout` or `git worktree add` fail.
func NewCmdHook(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:    "hook post-checkout PREV NEW FLAG",
		Short:  "Run by the installed post-checkout hook; always exits 0",
		Hidden: true,
		// Arguments are git's, and any mismatch must still exit 0.
		Args:               cobra.ArbitraryArgs,
		DisableFlagParsing: true,
		RunE: func(c *cobra.Command, args []string) error {
			defer func() {
				if r := recover(); r != nil {
					fmt.Fprintf(f.ErrOut, "git-worktree-ports: ports not allocated: internal error: %v\n", r)
				}
			}()
			if len(args) == 0 || args[0] != "post-checkout" {
				return nil
			}
			if len(args) >= 4 && args[3] == "0" {
				return nil // a file checkout, not a branch checkout
			}
			prev := ""
			if len(args) >= 2 {
				prev = args[1]
			}
			if line := hookPostCheckout(c, f, isNullID(prev)); line != "" {
				printDiag(f.ErrOut, line)
			}
			return nil
		},
	}
}

// hookPostCheckout allocates on a branch checkout and returns the one line to print, or
// "" when there is nothing to say. A worktree without a reservation, or a new one
// (newWorktree: git passed the null id as the previous HEAD), gets its bundle; one that
// has a reservation keeps its bundle, and allocate rewrites what derives from the branch
// and the config ({branch-slug}, a service or var the checkout brought, the dotenv
// blocks), so env, exec and .env never keep the previous branch's values. A reservation
// that needs nothing prints nothing.
func hookPostCheckout(c *cobra.Command, f *Factory, newWorktree bool) string {
	// git runs the hook at the worktree's top level, with GIT_DIR set or not; the hook
	// script unsets it, and so git's own discovery from here is the truth.
	existing := false
	if _, err := os.Lstat(filepath.Join(f.dir(), reserve.FileName)); err == nil {
		// A reservation in a brand-new worktree came with the checkout: it is committed,
		// and allocate warns about it and moves off the copy. Otherwise it is ours.
		existing = !newWorktree
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Sprintf("ports not allocated: %v", err)
	}
	var warnings []error
	res, err := alloc.Allocate(c.Context(), alloc.Options{
		Dir: f.dir(), Env: hookEnv(f.Environ()), Prober: f.Prober, Now: f.Now,
		Diag: diag.New(func(err error) { warnings = append(warnings, err) }, f.verboseLines()),
	})
	if err != nil {
		first, _, _ := strings.Cut(err.Error(), "\n")
		var nameErr *alloc.NameError
		if errors.As(err, &nameErr) {
			// Retrying cannot help; the message says what does.
			return fmt.Sprintf("ports not allocated: %s (the checkout itself succeeded)", first)
		}
		return fmt.Sprintf("ports not allocated: %s (the checkout itself succeeded; run `git worktree-ports allocate` to retry)", first)
	}
	if existing && res.Outcome == alloc.Kept && len(res.Dotenv) == 0 && !counted(warnings) {
		return "" // the file already holds what this branch and config give
	}
	return hookLine(namePorts(res.Message, res.Reservation), res.Root, warnings)
}

// namePorts adds to allocate's message msg, after the bundle's range, the port of each
// service ("ports 21340-21349: web 21340, api 21341"), so the hook's one line is all a
// user needs to open the server; a message without the range is returned as it is.
func namePorts(msg string, r reserve.Reservation) string {
	if len(r.Ports) == 0 {
		return msg
	}
	span := strconv.Itoa(r.Base)
	if r.Width > 1 {
		span = fmt.Sprintf("%d-%d", r.Base, r.Base+r.Width-1)
	}
	at := strings.Index(msg, "ports "+span)
	if at < 0 {
		return msg
	}
	at += len("ports " + span)
	names := make([]string, len(r.Ports))
	for i, p := range r.Ports {
		names[i] = fmt.Sprintf("%s %d", untrusted.New(p.Name), p.Port)
	}
	return msg[:at] + ": " + strings.Join(names, ", ") + msg[at:]
}

// hookLine folds allocate's message msg and the warnings it reported into the hook's one
// line: the few kinds the user must see there are told in it, a wait for the lock is left
// out, and the others are counted and left to `git worktree-ports allocate` in the
// worktree root to show.
func hookLine(msg, root string, warnings []error) string {
	stuck, unapproved, others := "", "", 0
	for _, w := range warnings {
		switch {
		case errors.Is(w, diag.Tracked):
			// Not folded into the count: it is the reason the hook ran at all in a
			// worktree that already had a file.
			msg = "WARNING: " + reserve.FileName + " is tracked by git, so this worktree started with a copy of another's; " + msg + " (git rm --cached " + reserve.FileName + " and commit)"
		case errors.Is(w, diag.Unapproved):
			// Not a problem to count: the config's extras wait for `trust`, and the line
			// names it. The hook never asks.
			unapproved = "; " + strings.TrimPrefix(w.Error(), "note: ")
		case errors.Is(w, diag.Stuck):
			// Nor is another repository that did not answer: its ports were not
			// counted, and the user should know which one hangs.
			stuck += "; " + w.Error()
		default:
			// A notice with no place in the line (a wait for the lock, which came free
			// in time) is not counted: it would send the user to run allocate for a
			// warning it cannot show again.
			var d diag.Warning
			if !errors.As(w, &d) || !d.Kind.Notice() {
				others++
			}
		}
	}
	msg += unapproved + stuck
	if others > 0 {
		msg += fmt.Sprintf(" (%d warning(s): run `git worktree-ports allocate` in %s to see them)", others, untrusted.New(filepath.Base(root)))
	}
	return msg
}

// counted reports whether any of warnings is one hookLine counts: not a notice (a wait
// for the lock, a config waiting for approval) nor a tracked file, which an unchanged
// reservation need not repeat on every checkout.
func counted(warnings []error) bool {
	for _, w := range warnings {
		var d diag.Warning
		// A tracked file was told of when the worktree was made, and doctor keeps saying it.
		if errors.Is(w, diag.Unapproved) || errors.Is(w, diag.Tracked) || errors.As(w, &d) && d.Kind.Notice() {
			continue
		}
		return true
	}
	return false
}

// hookEnv drops the variables git sets for hooks. The installed block unsets them too, but
// lines added by hand and lefthook or pre-commit call this command directly; inside a
// linked worktree an inherited GIT_DIR would point git at the wrong place.
func hookEnv(environ []string) []string { return gitwt.WithoutLocation(environ) }

// isNullID reports whether a commit id is git's null id (all zeros), which post-checkout
// gets as the previous HEAD of a new worktree or clone.
func isNullID(id string) bool {
	return id != "" && strings.Trim(id, "0") == ""
}
