// Package mcptools is the Model Context Protocol server of `git worktree-ports mcp`: the
// tools an agent calls instead of guessing ports (this worktree's ports and names, its
// environment, leases, and list), over the official Go SDK
// (github.com/modelcontextprotocol/go-sdk). The work is done by the packages the
// commands use, handed in as a Backend by cmd; this package says what each tool is
// called, what it takes and what it answers.
package mcptools

import (
	"context"
	"fmt"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/git-worktree-ports/git-worktree-ports/internal/inventory"
	"github.com/git-worktree-ports/git-worktree-ports/internal/lease"
	"github.com/git-worktree-ports/git-worktree-ports/internal/render"
)

// Backend does what the tools ask, in the worktree the server runs in.
type Backend struct {
	// List is `list --json` (all: every registered repository too).
	List func(ctx context.Context, all bool) (inventory.List, error)
	// Env is `env`: this worktree's variables, allocating first when it has none.
	Env func(ctx context.Context) ([]render.Var, error)
	// Lease and Release are `lease NAME [--ttl]` and `release NAME`.
	Lease   func(ctx context.Context, name string, ttl time.Duration) (*lease.Result, error)
	Release func(ctx context.Context, name string) (int, error)
}

// Var is one environment variable.
type Var struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// EnvOut is what the env tool answers.
type EnvOut struct {
	Vars []Var `json:"vars" jsonschema:"the variables, in the order env prints them"`
}

// PortsOut is what the ports tool answers: this worktree's row of list.
type PortsOut struct {
	Worktree string            `json:"worktree" jsonschema:"the worktree's directory name"`
	Path     string            `json:"path" jsonschema:"the worktree's top level"`
	Ports    []inventory.Port  `json:"ports" jsonschema:"each service's port, its URL and whether it is listening"`
	Leases   []inventory.Lease `json:"leases,omitempty" jsonschema:"the worktree's leases"`
}

// LeaseIn is what the lease tool takes.
type LeaseIn struct {
	Name string `json:"name" jsonschema:"what the port is for, e.g. playwright; the same name gives the same port again"`
	TTL  string `json:"ttl,omitempty" jsonschema:"free the port after this long, e.g. 30m or 2h; none by default"`
}

// LeaseOut is what the lease tool answers.
type LeaseOut struct {
	Name    string `json:"name"`
	Port    int    `json:"port"`
	Expires string `json:"expires,omitempty" jsonschema:"when the lease ends (RFC 3339); absent without a TTL"`
}

// ReleaseIn is what the release tool takes.
type ReleaseIn struct {
	Name string `json:"name" jsonschema:"the lease to free"`
}

// ReleaseOut is what the release tool answers.
type ReleaseOut struct {
	Name     string `json:"name"`
	Port     int    `json:"port,omitempty"`
	Released bool   `json:"released" jsonschema:"false when the worktree held no such lease"`
}

// ListIn is what the list tool takes.
type ListIn struct {
	All bool `json:"all,omitempty" jsonschema:"every registered repository, not only this one"`
}

// None is the input of a tool that takes nothing.
type None struct{}

// NewServer returns the server with every tool registered.
func NewServer(version string, b Backend) *mcp.Server {
	s := mcp.NewServer(&mcp.Implementation{Name: "git-worktree-ports", Version: version}, nil)
	mcp.AddTool(s, &mcp.Tool{Name: "ports", Description: portsDescription}, b.portsTool)
	mcp.AddTool(s, &mcp.Tool{Name: "env", Description: envDescription}, b.envTool)
	mcp.AddTool(s, &mcp.Tool{Name: "lease", Description: leaseDescription}, b.leaseTool)
	mcp.AddTool(s, &mcp.Tool{Name: "release", Description: releaseDescription}, b.releaseTool)
	mcp.AddTool(s, &mcp.Tool{Name: "list", Description: listDescription}, b.listTool)
	return s
}

// listDescription tells an agent what the list tool gives.
const listDescription = "Every worktree of this repository (or, with all, of every registered repository): its path, branch, ports with URLs and listeners, leases and flags, as `git worktree-ports list --json` gives them."

// releaseDescription tells an agent what the release tool gives.
const releaseDescription = "Free a port leased with the lease tool."

// leaseDescription tells an agent what the lease tool gives.
const leaseDescription = "Lease an extra port for a test runner, browser, OAuth callback or preview: one that no other worktree, repository, agent or lease on this machine holds and nothing listens on. The same name gives the same port again. Free it with the release tool, or give a ttl."

// envDescription tells an agent what the env tool gives.
const envDescription = "This git worktree's environment variables (SERVICE_PORT for each service, WORKTREE_PORTS_ROOT, WORKTREE_PORTS_SLOT and the config's approved vars), as `git worktree-ports env` prints them."

// portsDescription tells an agent what the ports tool gives.
const portsDescription = "This git worktree's ports: each service's port, its URL (http://SERVICE.WORKTREE.REPO.localhost:PORT, or the shape of the approved config's host template) and whether something listens on it, and the worktree's leases. Allocates the worktree's ports first when it has none. Use these ports instead of guessing or hard-coding one."

// ports is the ports tool: this worktree's row of list, after env has allocated.
func (b Backend) portsTool(ctx context.Context, _ *mcp.CallToolRequest, _ None) (*mcp.CallToolResult, PortsOut, error) {
	if _, err := b.Env(ctx); err != nil {
		return nil, PortsOut{}, err
	}
	l, err := b.List(ctx, false)
	if err != nil {
		return nil, PortsOut{}, err
	}
	for _, r := range l.Worktrees {
		if r.Current {
			return nil, PortsOut{Worktree: r.Name, Path: r.Path, Ports: r.Ports, Leases: r.Leases}, nil
		}
	}
	return nil, PortsOut{}, fmt.Errorf("not in a worktree")
}

// env is the env tool: the variables env prints.
func (b Backend) envTool(ctx context.Context, _ *mcp.CallToolRequest, _ None) (*mcp.CallToolResult, EnvOut, error) {
	vars, err := b.Env(ctx)
	if err != nil {
		return nil, EnvOut{}, err
	}
	out := EnvOut{Vars: []Var{}}
	for _, v := range vars {
		out.Vars = append(out.Vars, Var{Name: v.Name, Value: v.Value})
	}
	return nil, out, nil
}

// lease is the lease tool: an extra port, with an optional ttl.
func (b Backend) leaseTool(ctx context.Context, _ *mcp.CallToolRequest, in LeaseIn) (*mcp.CallToolResult, LeaseOut, error) {
	var ttl time.Duration
	if in.TTL != "" {
		d, err := time.ParseDuration(in.TTL)
		if err != nil || d <= 0 {
			return nil, LeaseOut{}, fmt.Errorf("ttl %q: give a positive duration such as 30m or 2h", in.TTL)
		}
		ttl = d
	}
	res, err := b.Lease(ctx, in.Name, ttl)
	if err != nil {
		return nil, LeaseOut{}, err
	}
	out := LeaseOut{Name: res.Name, Port: res.Port}
	if !res.Expires.IsZero() {
		out.Expires = res.Expires.UTC().Format(time.RFC3339)
	}
	return nil, out, nil
}

// release is the release tool: frees a lease.
func (b Backend) releaseTool(ctx context.Context, _ *mcp.CallToolRequest, in ReleaseIn) (*mcp.CallToolResult, ReleaseOut, error) {
	port, err := b.Release(ctx, in.Name)
	if err != nil {
		return nil, ReleaseOut{}, err
	}
	return nil, ReleaseOut{Name: in.Name, Port: port, Released: port != 0}, nil
}

// list is the list tool: list --json's rows.
func (b Backend) listTool(ctx context.Context, _ *mcp.CallToolRequest, in ListIn) (*mcp.CallToolResult, inventory.List, error) {
	l, err := b.List(ctx, in.All)
	return nil, l, err
}
