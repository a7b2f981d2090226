package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/git-worktree-ports/git-worktree-ports/internal/alloc"
	"github.com/git-worktree-ports/git-worktree-ports/internal/config"
	"github.com/git-worktree-ports/git-worktree-ports/internal/repository"
	"github.com/git-worktree-ports/git-worktree-ports/internal/trust"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// TrustOptions are the inputs of `trust`.
type TrustOptions struct {
	F      *Factory
	Revoke bool
	// Show prints what trust would print about the config and approves nothing.
	Show bool
}

// NewCmdTrust builds `trust`.
func NewCmdTrust(f *Factory, runF func(*TrustOptions) error) *cobra.Command {
	opts := &TrustOptions{F: f}
	cmd := &cobra.Command{
		Use:   "trust",
		Short: "Review and approve what the config asks for beyond the ports",
		Long: `Show what this worktree's .worktree-ports.config.json asks for beyond the ports
(custom env names, vars with their templates, the dotenv files it writes, main ports,
the services exec puts into dev servers' flags),
and approve this exact content for you. The config arrives with git pull, so until you
approve it the tool gives the ports alone (<SERVICE>_PORT, PORT, WORKTREE_PORTS_*) and
says so in one line; a config that changes needs approval again.

The approval is kept per user outside the repository ($XDG_STATE_HOME/git-worktree-ports/
trust), for this repository (every worktree of it) and this content. It then refreshes
this worktree's reservation, so env gives the variables at once; other worktrees pick it
up at their next env or allocate. --show prints exactly what trust would print about the
config, and approves nothing: review a config before you decide. --revoke takes back
every approval of this repository and refreshes this worktree at once: its dotenv
blocks go (only the marked block; each file is left as it was before the block came).
Other worktrees drop theirs at their next allocate or hook, as they do when the config
changes to one that is not approved.

To trust every repository under a directory of yours, in your own git config:
git config --global --add worktree-ports.trustedPath ~/src
Names a shell or program reads as code are still refused after approval, unless you
allow one in your git config (worktree-ports.allowEnv).

Exit codes: 0 ok, 1 error (a config that does not load), 2 usage or not inside a
worktree.`,
		Example: `  git worktree-ports trust --show
  git worktree-ports trust
  git worktree-ports trust --revoke`,
		Args: noArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if opts.Show && opts.Revoke {
				return usageErrorf(c, "--show and --revoke: choose one")
			}
			if runF != nil {
				return runF(opts)
			}
			return trustRun(c.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Revoke, "revoke", false, "take back every approval of this repository")
	cmd.Flags().BoolVar(&opts.Show, "show", false, "print what the config asks for beyond the ports, and approve nothing")
	return cmd
}

func trustRun(ctx context.Context, opts *TrustOptions) error {
	f := opts.F
	repo, err := repository.Discover(ctx, f.git(), repository.Options{PathsOnly: true, Diag: f.diag()})
	if err != nil {
		return err
	}
	if _, err := repository.Toplevel(repo.Loc, f.dir()); err != nil {
		return err
	}
	store, err := trust.Open(f.Getenv)
	if err != nil {
		return err
	}
	if opts.Revoke {
		n, err := store.Revoke(repo.Loc.CommonDir)
		if err != nil {
			return err
		}
		fmt.Fprintf(f.ErrOut, "revoked %d approval(s) of this repository; env gives the ports alone until `git worktree-ports trust`\n", n)
		if repo.TrustedByPath(f.Getenv) {
			fmt.Fprintf(f.ErrOut, "note: this worktree is still trusted by your git config (%s)\n", config.TrustedPath.Key)
		}
		return refresh(ctx, f)
	}
	cfg, err := repo.LoadConfig("", 0)
	if err != nil {
		return err
	}
	asks := cfg.Beyond()
	if len(asks) == 0 {
		fmt.Fprintf(f.ErrOut, "%s asks for nothing beyond the ports; nothing to approve\n", config.FileName)
		return nil
	}
	printAsks(f.ErrOut, cfg)
	if opts.Show {
		// A review: the store is not written, the reservation not refreshed.
		state := "not approved: `git worktree-ports trust` approves this content"
		if store.Approved(trust.ID(repo.Loc.CommonDir, cfg.Digest)) {
			state = "already approved (`git worktree-ports trust --revoke` takes it back)"
		}
		fmt.Fprintf(f.ErrOut, "%s; --show approved nothing\n", state)
		return nil
	}
	if err := store.Approve(repo.Loc.CommonDir, cfg.Digest); err != nil {
		return err
	}
	fmt.Fprintf(f.ErrOut, "approved this content for every worktree of this repository (`git worktree-ports trust --revoke` takes it back)\n")
	return refresh(ctx, f)
}

// printAsks shows, in a few plain lines, what cfg asks for beyond the ports. Names and
// templates come from a committed file: control characters in them are escaped.
func printAsks(w io.Writer, cfg config.Config) {
	fmt.Fprintf(w, "%s (sha256 %.12s) asks for, beyond the ports:\n", config.FileName, cfg.Digest)
	for _, a := range cfg.Beyond() {
		fmt.Fprintf(w, "  %-6s %s\n", a.Kind, untrusted.New(a.Detail))
	}
}

// refresh allocates in this worktree, so that its reservation holds what is approved
// now.
func refresh(ctx context.Context, f *Factory) error {
	res, err := alloc.Allocate(ctx, alloc.Options{
		Dir: f.dir(), Env: f.Environ(), Prober: f.Prober, Now: f.Now, Diag: f.diag(),
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(f.ErrOut, untrusted.Lines(res.Message))
	return nil
}
