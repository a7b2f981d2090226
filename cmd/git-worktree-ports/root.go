package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/git-worktree-ports/git-worktree-ports/internal/fspath"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
	"github.com/git-worktree-ports/git-worktree-ports/internal/iostreams"
	"github.com/git-worktree-ports/git-worktree-ports/internal/listener"
	"github.com/git-worktree-ports/git-worktree-ports/internal/lock"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// version is set at build time with -ldflags "-X main.version=..." (make sets it from git
// describe). Read it through buildVersion, which falls back to the build info.
var version = "dev"

// Factory holds what commands need from the outside world, so tests can swap it.
type Factory struct {
	// IOStreams are stdin, stdout and stderr (f.In, f.Out, f.ErrOut), and the one place
	// that knows whether stdout is a terminal, how wide it is, and whether to colour it.
	*iostreams.IOStreams
	// Dir is the directory the command acts on; "" means the process's working directory.
	Dir string
	// Getwd returns the process's working directory, which Dir "" stands for.
	Getwd func() (string, error)
	// Getenv reads the environment.
	Getenv func(string) string
	// Environ lists the environment, for git, exec and the settings read from it.
	Environ func() []string
	// HomeDir returns the user's home directory.
	HomeDir func() (string, error)
	// Now reads the clock.
	Now func() time.Time
	// Executable is the absolute path of this binary, recorded in hooks.
	Executable func() (string, error)
	// Prober says whether a port is bound.
	Prober listener.Prober
	// Verbose is the root's --verbose flag (see verbose).
	Verbose bool
}

func defaultFactory() *Factory {
	return &Factory{
		IOStreams:  iostreams.System(),
		Getwd:      os.Getwd,
		Getenv:     os.Getenv,
		Environ:    os.Environ,
		HomeDir:    os.UserHomeDir,
		Now:        time.Now,
		Executable: executable,
		Prober:     listener.SystemProber{},
	}
}

// executable resolves symlinks so a hook keeps working when a package manager swaps the link.
func executable() (string, error) {
	p, err := os.Executable()
	if err != nil {
		return "", err
	}
	return fspath.Real(p), nil
}

// Main runs the command line and returns the exit code. Nothing below it calls os.Exit,
// except exec, which replaces the process.
func Main(args []string, f *Factory) int {
	root := NewCmdRoot(f)
	root.SetArgs(args)
	err := root.ExecuteContext(context.Background())
	if err == nil {
		return exitOK
	}
	if errors.Is(err, gitwt.ErrNotRepository) {
		// git's "fatal: not a git repository (or any of the parent directories): .git",
		// in the tool's own words.
		err = &codeError{code: exitUsage, err: errors.New("not inside a git repository: run this in a worktree of one (`git worktree-ports list --all` works anywhere)")}
	}
	var silent *silentError
	if !errors.As(err, &silent) {
		// Lines is the last guard: a name an error quoted nothing about cannot reach the
		// terminal as an escape sequence.
		fmt.Fprintf(f.ErrOut, "git-worktree-ports: %s\n", untrusted.Lines(strings.TrimRight(err.Error(), "\n")))
		var usage *usageError
		if errors.As(err, &usage) {
			fmt.Fprintf(f.ErrOut, "Run 'git worktree-ports %s--help' for usage.\n", usage.cmdPath())
		}
	}
	return exitCodeFor(err)
}

// rootLong is the root command's --help text, before the exit codes.
const rootLong = `git worktree-ports gives every worktree of a repository its own bundle of TCP ports
(api = base+0, web = base+1, ...). The bundle is chosen from a hash of the repository and
the worktree name, skipping ports that other worktrees reserve or that something already
listens on, and is written to .worktree-ports.json at the worktree's top level. Those
files are the registry: nothing else records ports.

  git worktree-ports allocate           reserve this worktree's bundle (idempotent)
  eval "$(git worktree-ports env)"      export the ports into the shell
  git worktree-ports port api           print one service's port
  git worktree-ports exec -- npm start  run a program with them
  git worktree-ports list               every worktree and its ports
  git worktree-ports install-hook       allocate on every git worktree add`

// NewCmdRoot builds the command tree.
//
// cobra's own error and usage printing is off (SilenceErrors, SilenceUsage): Main prints
// each error exactly once, and only usage errors add the usage hint. Otherwise a port
// problem would be followed by a screenful of flags.
func NewCmdRoot(f *Factory) *cobra.Command {
	root := &cobra.Command{
		Use:           "git-worktree-ports",
		Short:         "Give every git worktree its own stable, collision-free bundle of ports",
		Long:          rootLong + "\n\n" + exitCodesHelp(), // the man page has EXIT STATUS instead (manual.go)
		Version:       buildVersion(),
		SilenceErrors: true,
		SilenceUsage:  true,
		// Without this cobra reports an unknown command as a plain error (exit 1).
		Args: unknownCommand,
		RunE: func(c *cobra.Command, args []string) error { return c.Help() },
		// The verb is what a lock's holder line names (never the arguments, which may
		// carry secrets); every subcommand inherits this hook.
		PersistentPreRun: func(c *cobra.Command, args []string) { lock.SetVerb(c.Name()) },
	}
	root.PersistentFlags().BoolVar(&f.Verbose, "verbose", false, "say on stderr each time git is asked because its files could not be read with certainty, and why (also "+EnvVerbose+"=1)")
	root.SetIn(f.In)
	root.SetOut(f.Out)
	root.SetErr(f.ErrOut)
	// cobra suggests only within a distance of 2 by default; that is what catches
	// "alocate" and "lsit".
	root.SuggestionsMinimumDistance = 2
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &usageError{err: flagErrorInWords(c, err), path: c}
	})
	root.AddCommand(
		NewCmdAllocate(f, nil),
		NewCmdEnv(f, nil),
		NewCmdPort(f, nil),
		NewCmdExec(f, nil),
		NewCmdCompose(f, nil),
		NewCmdList(f, nil),
		NewCmdRelease(f, nil),
		NewCmdStop(f, nil),
		NewCmdLease(f, nil),
		NewCmdProxy(f, nil),
		NewCmdMCP(f, nil),
		NewCmdInit(f, nil),
		NewCmdInstallHook(f, nil),
		NewCmdForget(f, nil),
		NewCmdDoctor(f, nil),
		NewCmdTrust(f, nil),
		NewCmdHook(f),
		NewCmdVersion(f),
	)
	addManCommand(root, f)
	addCompletion(root)
	return root
}

// unknownCommand refuses an argument to the root command as a usage error, with
// cobra's suggestions; cobra would report it as a plain error (exit 1).
func unknownCommand(c *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	msg := fmt.Sprintf("unknown command %q", args[0])
	if s := c.SuggestionsFor(args[0]); len(s) > 0 {
		msg += "\n\nDid you mean this?\n    " + strings.Join(s, "\n    ")
	}
	return &usageError{err: errors.New(msg)}
}

// noArgs is cobra.NoArgs as a usage error.
func noArgs(c *cobra.Command, args []string) error {
	if len(args) > 0 {
		return &usageError{err: fmt.Errorf("%s takes no arguments, got %q", c.Name(), args[0]), path: c}
	}
	return nil
}
