package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/git-worktree-ports/git-worktree-ports/internal/lease"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// LeaseOptions are the inputs of `lease`.
type LeaseOptions struct {
	F *Factory

	Name string
	TTL  time.Duration
	JSON bool
}

// NewCmdLease builds `lease`.
func NewCmdLease(f *Factory, runF func(*LeaseOptions) error) *cobra.Command {
	opts := &LeaseOptions{F: f}
	cmd := &cobra.Command{
		Use:   "lease NAME",
		Short: "Hold an extra port for an agent or a tool, and print it",
		Long: `Lease a port under NAME for this worktree and print it and a newline, nothing else
on stdout: a port that no worktree, repository or other lease on the machine holds, and
that nothing listens on.

  PORT=$(git worktree-ports lease playwright --ttl 2h)

The lease is recorded in this worktree's .worktree-ports.json under "leases", so
allocate, list, doctor and every other repository count the port as taken. It holds
until ` + "`git worktree-ports release NAME`" + `, until its --ttl runs out, or until the
worktree goes. Leasing a NAME the worktree holds already prints the same port and starts
its TTL again, so an agent can ask as often as it likes. Leases are taken from the top
of the range down, so they share few slots. A worktree without a reservation gets one
first, as env does.

--json prints {"name", "port", "expires"} instead (expires is omitted without a TTL).
When every port of the range is held, lease exits 3.`,
		Example: `  git worktree-ports lease playwright
  git worktree-ports lease oauth-callback --ttl 30m --json
  git worktree-ports release playwright`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageErrorf(c, "lease takes one name, got %d: git worktree-ports lease NAME", len(args))
			}
			if err := lease.CheckName(args[0]); err != nil {
				return usageErrorf(c, "%v", err)
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			opts.Name = args[0]
			if c.Flags().Changed("ttl") && opts.TTL <= 0 {
				return usageErrorf(c, "--ttl %s: give a positive duration such as 30m or 2h", opts.TTL)
			}
			if runF != nil {
				return runF(opts)
			}
			return forCommand(c, leaseRun(c.Context(), opts))
		},
	}
	cmd.Flags().DurationVar(&opts.TTL, "ttl", 0, "free the port after this long (30m, 2h); none by default")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, `print {"name", "port", "expires"}`)
	return cmd
}

// leaseOptions is how lease and release reach the package: the Factory's directory,
// environment, clock and probe, warnings on stderr, and allocate for a worktree without
// a reservation.
func leaseOptions(f *Factory) lease.Options {
	alloc := allocateFor(f)
	return lease.Options{
		Dir: f.dir(), Env: f.Environ(), Prober: f.Prober, Now: f.Now,
		Warn: func(line string) { printDiag(f.ErrOut, line) },
		Allocate: func(ctx context.Context, root string) error {
			_, msg, err := alloc(ctx, root, f.diag())
			if err == nil && msg != "" {
				fmt.Fprintln(f.ErrOut, untrusted.Lines(msg))
			}
			return err
		},
	}
}

// leaseJSON is what lease --json prints.
type leaseJSON struct {
	Name    string `json:"name"`
	Port    int    `json:"port"`
	Expires string `json:"expires,omitempty"`
}

func leaseRun(ctx context.Context, opts *LeaseOptions) error {
	f := opts.F
	res, err := lease.Take(ctx, leaseOptions(f), opts.Name, opts.TTL)
	var ex *lease.ExhaustedError
	if errors.As(err, &ex) {
		return &codeError{code: exitExhausted, err: err}
	}
	if err != nil {
		return err
	}
	if opts.JSON {
		out := leaseJSON{Name: res.Name, Port: res.Port}
		if !res.Expires.IsZero() {
			out.Expires = res.Expires.UTC().Format(time.RFC3339)
		}
		data, err := json.Marshal(out)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(f.Out, string(data))
		return err
	}
	_, err = fmt.Fprintln(f.Out, res.Port)
	return err
}

// releaseLease is `release NAME`: it frees this worktree's lease NAME. A name it does not
// hold is said on stderr and exits 0, as release without a reservation does.
func releaseLease(ctx context.Context, f *Factory, name string) error {
	port, err := lease.Release(ctx, leaseOptions(f), name)
	var nf *lease.NotFoundError
	if errors.As(err, &nf) {
		fmt.Fprintln(f.ErrOut, nf.Error())
		return nil
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(f.ErrOut, "lease %s: released port %d\n", untrusted.New(name), port)
	return nil
}
