package main

import (
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/git-worktree-ports/git-worktree-ports/internal/repository"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
	"github.com/git-worktree-ports/git-worktree-ports/internal/stop"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// StopOptions are the inputs of `stop`.
type StopOptions struct {
	F *Factory

	Service string
	Timeout time.Duration
	Removed bool
	DryRun  bool
}

// NewCmdStop builds `stop`.
func NewCmdStop(f *Factory, runF func(*StopOptions) error) *cobra.Command {
	opts := &StopOptions{F: f}
	cmd := &cobra.Command{
		Use:   "stop [SERVICE]",
		Short: "Stop the servers this worktree started on its ports",
		Long: `Stop the servers of this worktree: every process that listens on one of its
ports (its services' and leases', or SERVICE's alone) AND runs inside this worktree (its
working directory), with those of its child processes that run inside it too. Each gets
TERM; what is still running after --timeout gets KILL; then stop waits until the ports
are free. Nothing else is ever signalled: not a browser or any program merely connected
to a port, nor another worktree's server or a process from outside every worktree
listening on one (those are named as left alone), nor the shell or supervisor that
started a server. Nothing is ever stopped unless you run this.

With --removed it stops instead what removed worktrees of this repository left behind:
the listeners on ports of the repository's range whose working directory no longer
exists and was in a directory that holds this repository's worktrees (where
` + "`git worktree add`" + ` put the removed one): ` + "`git worktree remove`" + ` leaves a running server
there. --dry-run lists what would be stopped, one process a line on stdout (PID
PROGRAM PORT SERVICE DIRECTORY, "-" where none), and signals nothing.

It exits 0 when everything it found has ended and its ports are free (or there was
nothing to stop), and 7 when a process survived KILL or a port stayed bound.`,
		Example: `  git worktree-ports stop
  git worktree-ports stop web --timeout 10s
  git worktree-ports stop --removed --dry-run`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usageErrorf(c, "stop takes at most one service name, got %d", len(args))
			}
			return nil
		},
		ValidArgsFunction: func(c *cobra.Command, args []string, prefix string) ([]string, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return serviceNames(c.Context(), f), cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Service = args[0]
			}
			if opts.Removed && opts.Service != "" {
				return usageErrorf(c, "stop --removed takes no service name: what removed worktrees left has no service")
			}
			if opts.Timeout < 0 {
				return usageErrorf(c, "--timeout %s: must not be negative", opts.Timeout)
			}
			if runF != nil {
				return runF(opts)
			}
			return forCommand(c, stopRun(c.Context(), opts))
		},
	}
	cmd.Flags().DurationVar(&opts.Timeout, "timeout", 5*time.Second, "how long the servers have after TERM before KILL")
	cmd.Flags().BoolVar(&opts.Removed, "removed", false, "stop what removed worktrees of this repository left listening in its range")
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "list what would be stopped on stdout, and stop nothing")
	return cmd
}

func stopRun(ctx context.Context, opts *StopOptions) error {
	f := opts.F
	root, err := findRoot(ctx, f)
	if err != nil {
		return err
	}
	repo, err := repository.Discover(ctx, f.git(), repository.Options{Diag: f.diag()})
	if err != nil {
		return err
	}
	var paths []string
	for _, w := range repo.Worktrees {
		if !w.Bare {
			paths = append(paths, w.Path)
		}
	}
	var ports []stop.Port
	var inside func(string) bool
	if opts.Removed {
		cfg, err := repo.LoadConfig("", 0)
		if err != nil {
			return err
		}
		ports, inside = stop.Removed(cfg.Spec.Range, paths)
	} else {
		if ports, err = ownPorts(root, opts.Service); err != nil {
			return err
		}
		inside = stop.InWorktree(root, paths)
	}
	plan, err := stop.Find(ctx, ports, inside)
	if err != nil {
		return err
	}
	label := func(p string) string { return repository.Label(root, p) }
	return stopReport(ctx, opts, plan, filepath.Base(root), paths, label)
}

// ownPorts is this worktree's reservation's ports and leases, or service's (or lease
// service's) alone; none without a
// reservation (stop then has nothing to look at: a teardown script need not check first).
func ownPorts(root, service string) ([]stop.Port, error) {
	res, _, err := reserve.Read(filepath.Join(root, reserve.FileName))
	if errors.Is(err, fs.ErrNotExist) {
		if service != "" {
			return nil, usageErrorf(nil, "stop %s: this worktree has no reservation (%s), so no service", untrusted.New(service), untrusted.New(filepath.Join(root, reserve.FileName)))
		}
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var ports []stop.Port
	var names []string
	for _, p := range res.Ports {
		names = append(names, p.Name)
		if service == "" || p.Name == service {
			ports = append(ports, stop.Port{Port: p.Port, Service: p.Name})
		}
	}
	// A lease's port is this worktree's too (an agent's server); SERVICE names one alone.
	for _, l := range res.Leases {
		if service == "" || l.Name == service {
			ports = append(ports, stop.Port{Port: l.Port, Service: "lease " + l.Name})
		}
	}
	if len(ports) == 0 && service != "" {
		return nil, usageErrorf(nil, "stop %s: no such service in %s (it has %s)", untrusted.New(service), untrusted.New(filepath.Join(root, reserve.FileName)), untrusted.New(strings.Join(names, ", ")))
	}
	return ports, nil
}
