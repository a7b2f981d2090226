package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/git-worktree-ports/git-worktree-ports/internal/alloc"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// AllocateOptions are the inputs of `allocate`.
type AllocateOptions struct {
	F *Factory

	DryRun bool
	Force  bool
	Base   int
	JSON   bool
	Range  string
	Width  int
	All    bool
}

// allocateLong is the help text of `allocate`.
const allocateLong = `Reserve this worktree's port bundle and write it to .worktree-ports.json.

A valid reservation that overlaps no other worktree's is kept untouched. One written for
another worktree (a clone of a repository that committed it, a copied directory) is not
kept: its bundle counts as the original's. A worktree moved with git worktree move keeps
its bundle, and its file records the new place. Otherwise the
preferred slot (a hash of the repository and the worktree name) is tried first, then the
following slots, wrapping around, skipping slots that another worktree reserves, that hold
an avoided port, or where something already listens. The write is atomic and happens
under a repository-wide lock, so concurrent allocations never overlap.

When every service names a main port (services.<name>.main), the main worktree keeps
exactly those ports, inside the range or not, and is never moved onto range ports:
allocate warns about anything else that reserves or listens on one, naming it, and keeps
the port. Linked worktrees, and every other repository's, treat them as reserved.

With "dotenv" in the config, allocate (and so the hook) also keeps a marked block of the
worktree's variables in each listed file, creating it if needed; a file git tracks, or a
path that leaves the worktree (.., a symlink), is refused with a warning and never
written. The first line on stderr ends with "; wrote FILE..." when a block changed. A
file its owner made read-only is left alone with a warning (exit 0); when a write
itself fails (a full or read-only file system), the reservation stands, the file lags
it, and allocate says so and exits 1, as a failed write fails any git command. The hook
says so too and still exits 0.

A worktree whose directory name is not UTF-8 cannot be given ports (the name goes into the
JSON file): allocate says so and exits 1; git worktree move gives it a name that works.
--range and --width apply together before the spec is checked.

--all allocates in every worktree of the repository that has a reservation, each under
its own checked-out config and branch, keeping bundles that still fit: after a pull that
adds a service or a var, one command brings every worktree up to date. A worktree
without a reservation is left so.

Exit codes: 0 ok, 1 error, 2 usage or not inside a worktree (a bare repository, or inside
.git), 3 every slot is taken, 4 lock timeout.`

// NewCmdAllocate builds `allocate`. runF replaces the work in flag-parsing tests.
func NewCmdAllocate(f *Factory, runF func(*AllocateOptions) error) *cobra.Command {
	opts := &AllocateOptions{F: f}
	cmd := &cobra.Command{
		Use:   "allocate",
		Short: "Reserve this worktree's port bundle (idempotent)",
		Long:  allocateLong,
		Example: `  git worktree-ports allocate
  git worktree-ports allocate --dry-run --json
  git worktree-ports allocate --base 21340
  git worktree-ports allocate --all`,
		Args: noArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if opts.Base < 0 {
				return usageErrorf(c, "--base must be a port number, got %d", opts.Base)
			}
			if runF != nil {
				return runF(opts)
			}
			if opts.All {
				return allocateAllRun(c.Context(), c, opts)
			}
			return allocateRun(c.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.BoolVarP(&opts.DryRun, "dry-run", "n", false, "say what would be picked; write nothing")
	fl.BoolVar(&opts.Force, "force", false, "pick anew, even if a valid reservation exists")
	fl.IntVar(&opts.Base, "base", 0, "pin the bundle's base port (refused if another worktree reserves it)")
	fl.BoolVar(&opts.JSON, "json", false, "print the reservation as JSON on stdout")
	fl.StringVar(&opts.Range, "range", "", "override the port range, e.g. 30000-30999")
	fl.IntVar(&opts.Width, "width", 0, "override the bundle width")
	fl.BoolVar(&opts.All, "all", false, "allocate in every worktree of the repository that has a reservation (after a pull that changed the config)")
	return cmd
}

func allocateRun(ctx context.Context, opts *AllocateOptions) error {
	f := opts.F
	// --base and --force may move the bundle away from servers this worktree still runs.
	var root string
	var old []reserve.Port
	if (opts.Base != 0 || opts.Force) && !opts.DryRun {
		if r, err := findRoot(ctx, f); err == nil {
			root, old = r, ownPortsOf(r)
		}
	}
	res, err := alloc.Allocate(ctx, alloc.Options{
		Dir: f.dir(), Env: f.Environ(), DryRun: opts.DryRun, Force: opts.Force, Base: opts.Base,
		Range: opts.Range, Width: opts.Width, Prober: f.Prober, Now: f.Now, Diag: f.diag(),
	})
	if errors.Is(err, alloc.ErrNotSlotBase) {
		// A --base no config could accept: a usage mistake, as the man page says.
		return &codeError{code: exitUsage, err: err}
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(f.ErrOut, untrusted.Lines(res.Message))
	if len(old) > 0 {
		stillListening(ctx, f, root, old)
	}
	if opts.JSON {
		if _, err = f.Out.Write(res.Data); err != nil {
			return err
		}
	}
	if len(res.DotenvFailed) > 0 {
		// The reservation stands, but what reads the dotenv files would get stale ports:
		// a failed write, as git's own, is a failure (the hook still exits 0).
		return fmt.Errorf("%s not written (said above): it lags the reservation; free space or make it writable, then run allocate again", untrusted.New(strings.Join(res.DotenvFailed, ", ")))
	}
	return nil
}
