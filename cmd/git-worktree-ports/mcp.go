package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/spf13/cobra"

	"github.com/git-worktree-ports/git-worktree-ports/internal/inventory"
	"github.com/git-worktree-ports/git-worktree-ports/internal/lease"
	"github.com/git-worktree-ports/git-worktree-ports/internal/mcptools"
	"github.com/git-worktree-ports/git-worktree-ports/internal/render"
)

// MCPOptions are the inputs of `mcp`.
type MCPOptions struct {
	F *Factory
}

// NewCmdMCP builds `mcp`.
func NewCmdMCP(f *Factory, runF func(*MCPOptions) error) *cobra.Command {
	opts := &MCPOptions{F: f}
	cmd := &cobra.Command{
		Use:   "mcp",
		Short: "Serve this worktree's ports to an agent over the Model Context Protocol (stdio)",
		Long: `Run a Model Context Protocol server on stdin and stdout, for a coding agent, so that it
asks for ports instead of guessing them. Its tools, in the worktree it starts in:

  ports    this worktree's ports, each with its URL and listener, and its leases
  env      its environment variables, as env prints them
  lease    an extra port nothing else on the machine holds (name, ttl)
  release  free a lease (name)
  list     every worktree, as list --json (all: every registered repository)

Register it with your agent, for example: claude mcp add worktree-ports -- git worktree-ports mcp
Messages go to stderr; stdout carries only the protocol.`,
		Args: noArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return forCommand(c, mcpRun(c.Context(), opts))
		},
	}
	return cmd
}

// nopCloser gives a stream the Close the SDK's transport calls, without closing the
// Factory's stream itself.
type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

func mcpRun(ctx context.Context, opts *MCPOptions) error {
	f := opts.F
	s := mcptools.NewServer(buildVersion(), mcptools.Backend{
		List: func(ctx context.Context, all bool) (inventory.List, error) {
			return inventory.Collect(ctx, inventory.ListOptions{
				Dir: f.dir(), Env: f.Environ(), All: all, Owners: true,
				Getenv: f.Getenv, Prober: f.Prober, Warn: warnTo(f), Verbose: f.verbose(),
			})
		},
		Env: func(ctx context.Context) ([]render.Var, error) {
			return worktreeVars(ctx, f, false)
		},
		Lease: func(ctx context.Context, name string, ttl time.Duration) (*lease.Result, error) {
			return lease.Take(ctx, leaseOptions(f), name, ttl)
		},
		Release: func(ctx context.Context, name string) (int, error) {
			port, err := lease.Release(ctx, leaseOptions(f), name)
			var nf *lease.NotFoundError
			if errors.As(err, &nf) {
				return 0, nil
			}
			return port, err
		},
	})
	err := s.Run(ctx, &mcp.IOTransport{Reader: io.NopCloser(f.In), Writer: nopCloser{f.Out}})
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("mcp: %w", err)
	}
	return nil
}
