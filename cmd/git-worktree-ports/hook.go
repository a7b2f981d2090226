package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/git-worktree-ports/git-worktree-ports/internal/alloc"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
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
			fmt.Fprintln(f.ErrOut, "git-worktree-ports: "+hookPostCheckout(c, f))
			return nil
		},
	}
}

// hookPostCheckout allocates when the worktree has no reservation and returns the one
// line to print.
func hookPostCheckout(c *cobra.Command, f *Factory) string {
	// git runs the hook at the worktree's top level, with GIT_DIR set or not; the hook
	// script unsets it, and so git's own discovery from here is the truth.
	if _, err := os.Lstat(reserve.FileName); err == nil {
		return "reservation already present"
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Sprintf("ports not allocated: %v", err)
	}
	var warnings []string
	res, err := alloc.Allocate(c.Context(), alloc.Options{
		Dir: f.Dir, Env: hookEnv(f.Environ()), Prober: f.Prober,
		Warn: func(s string) { warnings = append(warnings, s) },
	})
	if err != nil {
		first, _, _ := strings.Cut(err.Error(), "\n")
		return fmt.Sprintf("ports not allocated: %s (the checkout itself succeeded; run `git worktree-ports allocate` to retry)", first)
	}
	msg := res.Message
	if len(warnings) > 0 {
		msg += fmt.Sprintf(" (%d warning(s): run `git worktree-ports allocate` in %s to see them)", len(warnings), filepath.Base(res.Root))
	}
	return msg
}

// hookEnv drops the variables git sets for hooks. The installed block unsets them too, but
// lines added by hand and lefthook or pre-commit call this command directly; inside a
// linked worktree an inherited GIT_DIR would point git at the wrong place.
func hookEnv(environ []string) []string { return gitwt.WithoutLocation(environ) }
