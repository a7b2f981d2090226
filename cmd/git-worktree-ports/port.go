package main

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/git-worktree-ports/git-worktree-ports/internal/names"
	"github.com/git-worktree-ports/git-worktree-ports/internal/repository"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
	"github.com/git-worktree-ports/git-worktree-ports/internal/wtenv"
)

// PortOptions are the inputs of `port`.
type PortOptions struct {
	F *Factory

	Service    string
	URL        bool
	NoAllocate bool
}

// NewCmdPort builds `port`.
func NewCmdPort(f *Factory, runF func(*PortOptions) error) *cobra.Command {
	opts := &PortOptions{F: f}
	cmd := &cobra.Command{
		Use:   "port SERVICE",
		Short: "Print one service's port, for scripts and agents",
		Long: `Print this worktree's port for SERVICE and a newline, nothing else on stdout:

  curl "localhost:$(git worktree-ports port api)/healthz"
  npm run dev -- --port "$(git worktree-ports port web)"

--url prints the service's name instead,
http://SERVICE.WORKTREE.REPO.localhost:PORT (browsers resolve .localhost to loopback, so
each worktree keeps its own cookies); the labels are unique on the machine, and carry a
hash where two names would meet (see DESIGN "Names"). The proxy routes the same name
without the port. Like env, port reads only the reservation file
when it exists (no git), and allocates first when there is none, unless --no-allocate is
given (then it exits 5). The warnings env gives (a copied file, one older than the
config) go to stderr. A SERVICE the reservation has no port for exits 2, naming the
services it has.`,
		Example: `  git worktree-ports port api
  git worktree-ports port web --url`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageErrorf(c, "port takes one service name, got %d: git worktree-ports port SERVICE", len(args))
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
			opts.Service = args[0]
			if runF != nil {
				return runF(opts)
			}
			return forCommand(c, portRun(c.Context(), opts))
		},
	}
	cmd.Flags().BoolVar(&opts.URL, "url", false, "print the service's URL, http://SERVICE.WORKTREE.REPO.localhost:PORT")
	cmd.Flags().BoolVar(&opts.NoAllocate, "no-allocate", false, "refuse (exit 5) instead of allocating when there is no reservation")
	return cmd
}

func portRun(ctx context.Context, opts *PortOptions) error {
	f := opts.F
	port, err := wtenv.Port(ctx, wtenv.Options{
		Dir: f.dir(), Env: f.Environ(), NoAllocate: opts.NoAllocate, Allocate: allocateFor(f),
		Diag:      f.diag(),
		Allocated: func(msg string) { fmt.Fprintln(f.ErrOut, untrusted.Lines(msg)) },
	}, opts.Service)
	if err != nil {
		return err
	}
	if opts.URL {
		url, err := serviceURL(ctx, f, opts.Service, port)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(f.Out, url)
		return err
	}
	_, err = fmt.Fprintf(f.Out, "%d\n", port)
	return err
}

// serviceNames completes port's SERVICE: the services this worktree's reservation has,
// read from the file alone (completion never allocates).
func serviceNames(ctx context.Context, f *Factory) []string {
	root, err := findRoot(ctx, f)
	if err != nil {
		return nil
	}
	res, _, err := reserve.Read(filepath.Join(root, reserve.FileName))
	if err != nil {
		return nil
	}
	var names []string
	for _, p := range res.Ports {
		names = append(names, p.Name)
	}
	return names
}

// serviceURL is the name of service's port in this worktree (package names), which asks
// git where the main worktree is and the per-user index which repositories share the
// name.
func serviceURL(ctx context.Context, f *Factory, service string, port int) (string, error) {
	repo, err := repository.Discover(ctx, f.git(), repository.Options{PathsOnly: true, Diag: f.diag()})
	if err != nil {
		return "", err
	}
	idx, err := repo.CrossRepo(f.Getenv)
	if err != nil {
		return "", err
	}
	wt, rl := names.Of(repo, idx, repo.Loc.Toplevel)
	// The shape allocate recorded from the approved config ("host"), if any.
	res, _, _ := reserve.Read(filepath.Join(repo.Loc.Toplevel, reserve.FileName))
	return names.URL(names.HostIn(res.Host, service, wt, rl), port), nil
}
