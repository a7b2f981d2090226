package main

import (
	"context"

	"github.com/spf13/cobra"
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
Messages go to stderr; stdout carries only the protocol. The server runs in
git-worktree-ports-serve, which must be installed next to this binary (make install does).`,
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

func mcpRun(ctx context.Context, opts *MCPOptions) error {
	return runServe(opts.F, "mcp", "--version", buildVersion())
}
