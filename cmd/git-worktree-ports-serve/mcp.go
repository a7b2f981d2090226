package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/git-worktree-ports/git-worktree-ports/internal/alloc"
	"github.com/git-worktree-ports/git-worktree-ports/internal/diag"
	"github.com/git-worktree-ports/git-worktree-ports/internal/inventory"
	"github.com/git-worktree-ports/git-worktree-ports/internal/lease"
	"github.com/git-worktree-ports/git-worktree-ports/internal/listener"
	"github.com/git-worktree-ports/git-worktree-ports/internal/mcptools"
	"github.com/git-worktree-ports/git-worktree-ports/internal/render"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
	"github.com/git-worktree-ports/git-worktree-ports/internal/wtenv"
)

// nopCloser gives a stream the Close the SDK's transport calls, without closing it.
type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

// serveMCP runs the MCP server on in and out until in ends (docs/DESIGN.md "MCP"), in
// the working directory, as the commands env, list, lease and release do there.
func serveMCP(ctx context.Context, version string, in io.Reader, out, errOut io.Writer) error {
	warn := func(msg string) { fmt.Fprintln(errOut, untrusted.Lines(msg)) }
	sink := diag.New(func(err error) { warn(err.Error()) }, nil)
	allocate := func(ctx context.Context, root string, d *diag.Sink) (reserve.Reservation, string, error) {
		a, err := alloc.Allocate(ctx, alloc.Options{Dir: root, Diag: d})
		if err != nil {
			return reserve.Reservation{}, "", err
		}
		return a.Reservation, a.Message, nil
	}
	leaseOpts := lease.Options{
		Warn: warn,
		Allocate: func(ctx context.Context, root string) error {
			_, msg, err := allocate(ctx, root, sink)
			if err == nil && msg != "" {
				warn(msg)
			}
			return err
		},
	}
	s := mcptools.NewServer(version, mcptools.Backend{
		List: func(ctx context.Context, all bool) (inventory.List, error) {
			return inventory.Collect(ctx, inventory.ListOptions{
				All: all, Owners: true, Getenv: os.Getenv, Prober: listener.SystemProber{}, Diag: sink,
			})
		},
		Env: func(ctx context.Context) ([]render.Var, error) {
			return wtenv.Vars(ctx, wtenv.Options{Allocate: allocate, Diag: sink, Allocated: warn})
		},
		Lease: func(ctx context.Context, name string, ttl time.Duration) (*lease.Result, error) {
			return lease.Take(ctx, leaseOpts, name, ttl)
		},
		Release: func(ctx context.Context, name string) (int, error) {
			port, err := lease.Release(ctx, leaseOpts, name)
			var nf *lease.NotFoundError
			if errors.As(err, &nf) {
				return 0, nil
			}
			return port, err
		},
	})
	err := s.Run(ctx, &mcp.IOTransport{Reader: io.NopCloser(in), Writer: nopCloser{out}})
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("mcp: %w", err)
	}
	return nil
}
