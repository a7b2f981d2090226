package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/git-worktree-ports/git-worktree-ports/internal/fspath"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// ReleaseOptions are the inputs of `release`.
type ReleaseOptions struct {
	F *Factory

	Worktree string
	Force    bool
}

// NewCmdRelease builds `release`.
func NewCmdRelease(f *Factory, runF func(*ReleaseOptions) error) *cobra.Command {
	opts := &ReleaseOptions{F: f}
	cmd := &cobra.Command{
		Use:   "release",
		Short: "Delete this worktree's reservation, freeing its bundle",
		Long: `Delete this worktree's .worktree-ports.json, so its bundle is free for other
worktrees. Releasing a worktree that has no reservation succeeds and says so.

--worktree PATH releases a neighbour's bundle instead: PATH must be one of this
repository's worktrees, and while any of its ports is in use it is refused unless
--force is given. An empty PATH is a usage error (exit 2), never "this worktree". With
--worktree, release works from anywhere in the repository, a bare one included; without
it, outside a worktree (a bare repository, inside .git) it exits 2. Nothing ever kills a
process.`,
		Args: noArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if c.Flags().Changed("worktree") && opts.Worktree == "" {
				// An empty path would otherwise mean "this worktree": a script with an
				// unset variable must not release the wrong bundle.
				return usageErrorf(c, "--worktree needs a worktree's path; leave the flag out to release this worktree")
			}
			if runF != nil {
				return runF(opts)
			}
			return releaseRun(c, opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Worktree, "worktree", "w", "", "release this worktree's bundle instead of the current one's")
	cmd.Flags().BoolVar(&opts.Force, "force", false, "with --worktree: release even while its ports are in use")
	_ = cmd.RegisterFlagCompletionFunc("worktree", func(c *cobra.Command, args []string, prefix string) ([]string, cobra.ShellCompDirective) {
		return worktreePaths(c, f), cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

// worktreePaths completes --worktree: this repository's worktrees that can hold a
// reservation, as paths relative to the current directory, the way a user types them.
func worktreePaths(c *cobra.Command, f *Factory) []string {
	wts, err := gitwt.Git{Dir: f.Dir}.Worktrees(c.Context())
	if err != nil {
		return nil
	}
	base := f.Dir
	if base == "" {
		base, _ = os.Getwd()
	}
	var out []string
	for _, w := range wts {
		if w.Bare || w.Prunable {
			continue
		}
		p := w.Path
		if rel, err := filepath.Rel(base, p); err == nil && base != "" {
			p = rel
		}
		out = append(out, p)
	}
	return out
}

func releaseRun(c *cobra.Command, opts *ReleaseOptions) error {
	f := opts.F
	var root string
	var err error
	if opts.Worktree != "" {
		// A neighbour is named by its path, so this works from anywhere in the
		// repository, a bare one included.
		root, err = neighbour(c, f, opts)
	} else {
		root, err = findRoot(c.Context(), f)
	}
	if err != nil {
		return err
	}
	name := untrusted.New(filepath.Base(root))
	path := filepath.Join(root, reserve.FileName)
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(f.ErrOut, "%s: no reservation to release\n", name)
		return nil
	}
	if err != nil {
		return err
	}
	if fi.IsDir() {
		return fmt.Errorf("%s: is a directory, not a reservation; not removing it", untrusted.New(path))
	}
	if err := os.Remove(path); err != nil {
		return err
	}
	fmt.Fprintf(f.ErrOut, "%s: released\n", name)
	return nil
}

// neighbour resolves --worktree to one of this repository's worktrees, and refuses while
// its ports are in use unless --force.
func neighbour(c *cobra.Command, f *Factory, opts *ReleaseOptions) (string, error) {
	wts, err := gitwt.Git{Dir: f.Dir}.Worktrees(c.Context())
	if err != nil {
		return "", err
	}
	want, err := filepath.Abs(opts.Worktree)
	if err != nil {
		return "", err
	}
	for _, w := range wts {
		if w.Bare || !fspath.Same(w.Path, want) {
			continue
		}
		res, _, err := reserve.Read(filepath.Join(w.Path, reserve.FileName))
		if err != nil || opts.Force {
			return w.Path, nil
		}
		for p := res.Base; p < res.Base+res.Width; p++ {
			if f.Prober.Bound(p) {
				return "", fmt.Errorf("%s: port %d of its bundle is in use; stop its servers first, or add --force to release it anyway", untrusted.New(opts.Worktree), p)
			}
		}
		return w.Path, nil
	}
	return "", usageErrorf(c, "--worktree %s: not a worktree of this repository (see git worktree list)", untrusted.New(opts.Worktree))
}
