package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/git-worktree-ports/git-worktree-ports/internal/diag"
	"github.com/git-worktree-ports/git-worktree-ports/internal/dotenvfile"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitfiles"
	"github.com/git-worktree-ports/git-worktree-ports/internal/lease"
	"github.com/git-worktree-ports/git-worktree-ports/internal/repository"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
	"github.com/spf13/cobra"
)

// ReleaseOptions are the inputs of `release`.
type ReleaseOptions struct {
	F *Factory

	Worktree string
	Force    bool
	// Lease is the lease to free (release NAME); "" releases the worktree's bundle.
	Lease string
}

// NewCmdRelease builds `release`.
func NewCmdRelease(f *Factory, runF func(*ReleaseOptions) error) *cobra.Command {
	opts := &ReleaseOptions{F: f}
	cmd := &cobra.Command{
		Use:   "release [NAME]",
		Short: "Delete this worktree's reservation, freeing its bundle",
		Long: `Delete this worktree's .worktree-ports.json, so its bundle is free for other
worktrees. Releasing a worktree that has no reservation succeeds and says so.

The block allocate keeps in each file the config lists under "dotenv" is removed too,
and the file is left byte for byte as it was before the block came; a file the block
created is removed once nothing else is in it. Both are done under the repository lock
allocate takes, so an allocate beside it ends before or starts after (exit 4 when the
lock stays busy past worktree-ports.lockTimeout).

--worktree PATH releases a neighbour's bundle instead: PATH must be one of this
repository's worktrees, and while any of its ports is in use it is refused unless
--force is given. An empty PATH is a usage error (exit 2), never "this worktree". With
--worktree, release works from anywhere in the repository, a bare one included; without
it, outside a worktree (a bare repository, inside .git) it exits 2. Nothing ever kills a
process.

release NAME frees this worktree's lease NAME (see lease) and nothing else; a NAME it
does not hold is said on stderr, and exits 0.`,
		Args: func(c *cobra.Command, args []string) error {
			switch {
			case len(args) > 1:
				return usageErrorf(c, "release takes at most one lease name, got %d", len(args))
			case len(args) == 1 && c.Flags().Changed("worktree"):
				return usageErrorf(c, "release NAME frees a lease of this worktree; leave out --worktree")
			case len(args) == 1:
				if err := lease.CheckName(args[0]); err != nil {
					return usageErrorf(c, "%v", err)
				}
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Lease = args[0]
			}
			if c.Flags().Changed("worktree") && opts.Worktree == "" {
				// An empty path would otherwise mean "this worktree": a script with an
				// unset variable must not release the wrong bundle.
				return usageErrorf(c, "--worktree needs a worktree's path; leave the flag out to release this worktree")
			}
			if runF != nil {
				return runF(opts)
			}
			return forCommand(c, releaseRun(c.Context(), opts))
		},
	}
	cmd.Flags().StringVarP(&opts.Worktree, "worktree", "w", "", "release this worktree's bundle instead of the current one's")
	cmd.Flags().BoolVar(&opts.Force, "force", false, "with --worktree: release even while its ports are in use")
	_ = cmd.RegisterFlagCompletionFunc("worktree", func(c *cobra.Command, args []string, prefix string) ([]string, cobra.ShellCompDirective) {
		return worktreePaths(c, f, prefix), cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

// worktreePaths completes --worktree: this repository's worktrees that can hold a
// reservation, as paths relative to the current directory, the way a user types them.
// fish hides a candidate that starts with a dot until a dot is typed, as it hides dot
// files, so for fish with nothing typed yet they are absolute, or it would show none.
func worktreePaths(c *cobra.Command, f *Factory, prefix string) []string {
	wts, err := gitfiles.ListWorktrees(c.Context(), f.git())
	if err != nil {
		return nil
	}
	relative := !(prefix == "" && f.Getenv(completionShellEnv) == "fish")
	base, err := f.workDir()
	var out []string
	for _, w := range wts {
		if w.Bare || w.Prunable {
			continue
		}
		p := w.Path
		if relative && err == nil {
			if rel, err := filepath.Rel(base, p); err == nil {
				p = rel
			}
		}
		out = append(out, p)
	}
	return out
}

func releaseRun(ctx context.Context, opts *ReleaseOptions) error {
	f := opts.F
	if opts.Lease != "" {
		return releaseLease(ctx, f, opts.Lease)
	}
	var root string
	var err error
	if opts.Worktree != "" {
		// A neighbour is named by its path, so this works from anywhere in the
		// repository, a bare one included.
		root, err = neighbour(ctx, opts)
	} else {
		root, err = findRoot(ctx, f)
	}
	if err != nil {
		return err
	}
	name := untrusted.New(filepath.Base(root))
	old := ownPortsOf(root)
	// Under the repository lock, as allocate writes: an allocate in this worktree either
	// finishes before (and its reservation and dotenv block both go) or starts after.
	unlock, err := lockRepository(ctx, f)
	if err != nil {
		return err
	}
	defer unlock()
	removed, err := reserve.Remove(root)
	if err != nil {
		return err
	}
	if !removed {
		fmt.Fprintf(f.ErrOut, "%s: no reservation to release\n", name)
	} else {
		fmt.Fprintf(f.ErrOut, "%s: released\n", name)
		stillListening(ctx, f, root, old)
	}
	// The blocks allocate keeps in the config's dotenv files go too, each file left as it
	// was before (with or without a reservation: a block may outlive one removed by hand).
	if changed := dotenvfile.ReleaseListed(ctx, root, f.Environ(), f.diag().Lines(diag.Other)); len(changed) > 0 {
		fmt.Fprintf(f.ErrOut, "%s: removed its block from %s\n", name, untrusted.New(strings.Join(changed, ", ")))
	}
	return nil
}

// lockRepository takes the repository lock allocate takes (reserve.AcquireLock), waiting
// as long as it would, and returns what releases it.
func lockRepository(ctx context.Context, f *Factory) (func(), error) {
	repo, err := repository.Discover(ctx, f.git(), repository.Options{PathsOnly: true, Diag: f.diag()})
	if err != nil {
		return nil, err
	}
	timeout, err := repo.LockTimeout(0, f.Getenv)
	if err != nil {
		return nil, err
	}
	lk, err := reserve.AcquireLock(ctx, filepath.Join(repo.Loc.CommonDir, reserve.LockFileName), timeout, f.diag().Lines(diag.Other))
	if err != nil {
		return nil, err
	}
	return func() { _ = lk.Release() }, nil
}

// neighbour resolves --worktree, relative to the directory the command acts on, to one
// of this repository's worktrees, and refuses while its bundle is in use unless --force.
func neighbour(ctx context.Context, opts *ReleaseOptions) (string, error) {
	f := opts.F
	wts, err := gitfiles.ListWorktrees(ctx, f.git())
	if err != nil {
		return "", err
	}
	want := opts.Worktree
	if !filepath.IsAbs(want) {
		wd, err := f.workDir()
		if err != nil {
			return "", err
		}
		want = filepath.Join(wd, want)
	}
	w, ok := repository.FindWorktree(wts, want)
	if !ok {
		return "", usageErrorf(nil, "--worktree %s: not a worktree of this repository (see git worktree list)", untrusted.New(opts.Worktree))
	}
	if opts.Force {
		return w.Path, nil
	}
	if res, _, err := reserve.Read(filepath.Join(w.Path, reserve.FileName)); err == nil {
		if p, busy := res.InUse(f.Prober); busy {
			base, _ := f.workDir()
			return "", fmt.Errorf("%s: port %d of its bundle is in use%s; stop its servers first, or add --force to release it anyway", untrusted.New(opts.Worktree), p, heldBy(ctx, p, wts, base))
		}
	}
	return w.Path, nil
}
