package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/git-worktree-ports/git-worktree-ports/internal/alloc"
	"github.com/git-worktree-ports/git-worktree-ports/internal/diag"
	"github.com/git-worktree-ports/git-worktree-ports/internal/render"
	"github.com/git-worktree-ports/git-worktree-ports/internal/repository"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
	"github.com/git-worktree-ports/git-worktree-ports/internal/wtenv"
)

// EnvOptions are the inputs of `env`.
type EnvOptions struct {
	F *Factory

	Format     string
	NoAllocate bool
}

// envLong is env's --help text and man page.
const envLong = `Print this worktree's ports (one variable per service), WORKTREE_PORTS_ROOT,
WORKTREE_PORTS_SLOT and the config's vars, for the shell or for tools:

  eval "$(git worktree-ports env)"                 bash, zsh, dash
  git worktree-ports env --format fish | source    fish
  git worktree-ports env --format dotenv > .env    docker compose, docker run --env-file,
                                                   python-dotenv, systemd, direnv dotenv
  git worktree-ports env --format json             tools

WORKTREE_PORTS_SLOT is the slot, or "main" in a main worktree that keeps the ports its
config names (services.<name>.main). For one port, see git worktree-ports port. env
never writes the config's dotenv files; allocate keeps those.

When the reservation exists, env reads only that file (and the worktree's .git file,
and the config when it is newer than the file), and runs no git. A file written for
another worktree (a clone of a repository that committed it, a copied directory) earns a
one-line warning: its ports are the original's, and allocate moves off them. So does a
file older than a config that now gives other variables (a service added since, whose
variable it lacks): allocate updates it. When there is no file, env allocates first,
unless --no-allocate is given (then it exits 5). Names are validated and values quoted
whatever the file says.

--format dotenv writes a value bare when it holds only letters, digits and
_ - . , : / @ % + = (ports, slugs, paths, plain URLs), because docker run --env-file
keeps quotes, and in single quotes otherwise, which docker compose, python-dotenv,
systemd's EnvironmentFile=, direnv and sh read literally. A value no quoting carries to
all of them (a single quote, a line break, \\, ${, a backslash at the end, a Unicode
noncharacter) is left out with a line on stderr naming it; the other variables are still
printed, and env exits 1.

The config and the reservation file come with the repository, so they may not set a
variable that a shell or program reads as code or configuration: every variable the
bash, zsh, ksh, dash and fish manuals list as special (PATH, IFS, PS1, PROMPT_COMMAND,
MAILPATH, HISTFILESIZE, PROMPT_EOL_MARK, ...), the loaders' (LD_*, DYLD_*), git's (GIT_*)
and interpreters' start-up hooks (NODE_OPTIONS, PYTHON*, PERL5OPT, RUBYOPT, ...). Such a
name in the config is an error naming the file and the key; in the reservation file the
entry is dropped with a warning naming the file and the key, and the rest is printed.
Allow a name for yourself in your own git config (a committed file never can):

  git config --global --add worktree-ports.allowEnv NAME`

// NewCmdEnv builds `env`.
func NewCmdEnv(f *Factory, runF func(*EnvOptions) error) *cobra.Command {
	opts := &EnvOptions{F: f}
	var jsonFlag bool
	cmd := &cobra.Command{
		Use:   "env",
		Short: "Print this worktree's ports as environment variables",
		Long:  envLong,

		Args: noArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if err := envFormat(c, opts, jsonFlag); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return envRun(c.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Format, "format", "f", "sh", "output format: "+strings.Join(render.Formats, ", "))
	cmd.Flags().BoolVar(&opts.NoAllocate, "no-allocate", false, "refuse (exit 5) instead of allocating when there is no reservation")
	cmd.Flags().BoolVar(&jsonFlag, "json", false, "the same as --format json")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(render.Formats, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// envFormat settles --format: --json, as every other command takes it, is --format json.
func envFormat(c *cobra.Command, opts *EnvOptions, jsonFlag bool) error {
	if jsonFlag {
		if c.Flags().Changed("format") && opts.Format != "json" {
			return usageErrorf(c, "--json and --format %s disagree; use one", opts.Format)
		}
		opts.Format = "json"
	}
	if !slices.Contains(render.Formats, opts.Format) {
		return usageErrorf(c, "--format must be one of %s, got %q", strings.Join(render.Formats, ", "), opts.Format)
	}
	return nil
}

func envRun(ctx context.Context, opts *EnvOptions) error {
	vars, err := worktreeVars(ctx, opts.F, opts.NoAllocate)
	if err != nil {
		return err
	}
	err = render.Render(opts.F.Out, opts.Format, vars)
	var refused render.Refused
	if errors.As(err, &refused) {
		// The other variables are printed; each refusal gets its own line, and the
		// exit status says the output is missing something.
		for _, e := range refused {
			printDiag(opts.F.ErrOut, e.Error())
		}
		return &silentError{code: exitError}
	}
	return err
}

// worktreeVars returns this worktree's variables for env and exec (wtenv.Vars), with the
// Factory's directory, environment and streams.
func worktreeVars(ctx context.Context, f *Factory, noAllocate bool) ([]render.Var, error) {
	return wtenv.Vars(ctx, wtenv.Options{
		Dir: f.dir(), Env: f.Environ(), NoAllocate: noAllocate, Allocate: allocateFor(f),
		Diag:      f.diag(),
		Allocated: func(msg string) { fmt.Fprintln(f.ErrOut, untrusted.Lines(msg)) },
	})
}

// allocateFor is how env, exec and port allocate when there is no reservation to use
// (wtenv.Options.Allocate): allocate in the worktree root with the Factory's environment,
// prober, clock and verbose lines.
func allocateFor(f *Factory) func(context.Context, string, *diag.Sink) (reserve.Reservation, string, error) {
	return func(ctx context.Context, root string, d *diag.Sink) (reserve.Reservation, string, error) {
		a, err := alloc.Allocate(ctx, alloc.Options{Dir: root, Env: f.Environ(), Prober: f.Prober, Now: f.Now, Diag: d})
		if err != nil {
			return reserve.Reservation{}, "", err
		}
		return a.Reservation, a.Message, nil
	}
}

// findRoot returns the top level of the worktree the command acts on
// (repository.FindRoot).
func findRoot(ctx context.Context, f *Factory) (string, error) {
	return repository.FindRoot(ctx, f.git())
}
