package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
	"github.com/git-worktree-ports/git-worktree-ports/internal/registry"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// ForgetOptions are the inputs of `forget`.
type ForgetOptions struct {
	F    *Factory
	Path string
}

// NewCmdForget builds `forget`.
func NewCmdForget(f *Factory, runF func(*ForgetOptions) error) *cobra.Command {
	opts := &ForgetOptions{F: f}
	return &cobra.Command{
		Use:   "forget [PATH]",
		Short: "Remove a repository from the per-user index of repositories",
		Long: `Remove a repository (this one, or the one at PATH) from the per-user index that
lets allocations in one repository avoid the ports of the others. The index records only
where each repository is ($XDG_STATE_HOME/git-worktree-ports); no reservation file is
touched. A repository registers itself again on its next allocate or install-hook;
to stop that, turn cross-repository awareness off:
git config worktree-ports.crossRepo false (or GIT_WORKTREE_PORTS_CROSS_REPO=0).
A PATH the index does not hold is an error (exit 1): nothing was forgotten.`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usageErrorf(c, "forget takes at most one path")
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Path = args[0]
			}
			if runF != nil {
				return runF(opts)
			}
			return forgetRun(c, opts)
		},
	}
}

func forgetRun(c *cobra.Command, opts *ForgetOptions) error {
	f := opts.F
	dir, err := registry.Dir(f.Getenv)
	if err != nil {
		return err
	}
	target := opts.Path
	where := f.Dir
	if target != "" {
		where = target
	}
	// A repository that still exists is named by its common dir, whichever worktree
	// PATH points at; one that is gone can only be named by the path it had.
	if _, statErr := os.Stat(where); where == "" || statErr == nil {
		loc, err := gitwt.Git{Dir: where, Env: f.Environ()}.Locate(c.Context())
		if err != nil && target == "" {
			return err
		}
		if err == nil {
			target = loc.CommonDir
		}
	}
	removed, err := registry.Index{Dir: dir}.Forget(target)
	if err != nil {
		return err
	}
	if !removed {
		// Nothing was forgotten: a script that meant to forget something must hear it.
		return fmt.Errorf("%s: not in the index %s", untrusted.New(target), untrusted.New(dir))
	}
	fmt.Fprintf(f.ErrOut, "forgot %s\n", untrusted.New(target))
	return nil
}
