package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/git-worktree-ports/git-worktree-ports/internal/alloc"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// allocateAllRun is `allocate --all`: allocate in every worktree of the repository that
// has a reservation, each under its own checked-out config and branch, so that after a
// pull that adds a service or a var one command brings them all up to date. A worktree
// without a reservation (released, or never given one) is left so; a bare or missing
// one is skipped. Each worktree's line is printed as allocate prints it; a failure in
// one does not stop the others, and the command then fails with the count.
func allocateAllRun(ctx context.Context, c *cobra.Command, opts *AllocateOptions) error {
	if opts.Base != 0 || opts.Force || opts.JSON {
		return usageErrorf(c, "--all updates every worktree in place: it does not combine with --base, --force or --json")
	}
	f := opts.F
	wts, err := gitwt.Git{Dir: f.dir(), Env: f.Environ()}.Worktrees(ctx)
	if err != nil {
		return err
	}
	failed := 0
	for _, w := range wts {
		if w.Bare || w.Prunable {
			continue
		}
		if _, err := os.Lstat(filepath.Join(w.Path, reserve.FileName)); errors.Is(err, fs.ErrNotExist) {
			printDiag(f.ErrOut, fmt.Sprintf("%s: no reservation (released, or never allocated); left so (run allocate there to give it ports)", untrusted.New(w.Name())))
			continue
		}
		res, err := alloc.Allocate(ctx, alloc.Options{
			Dir: w.Path, Env: gitwt.WithoutLocation(f.Environ()), DryRun: opts.DryRun, Range: opts.Range, Width: opts.Width,
			Prober: f.Prober, Now: f.Now, Diag: f.diag(),
		})
		if err != nil {
			failed++
			printDiag(f.ErrOut, fmt.Sprintf("%s: %v", untrusted.New(w.Name()), err))
			continue
		}
		fmt.Fprintln(f.ErrOut, untrusted.Lines(res.Message))
	}
	if failed > 0 {
		return fmt.Errorf("allocate --all: %d worktree(s) failed; see above", failed)
	}
	return nil
}
