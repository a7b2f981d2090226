package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os/exec"
	"strings"

	"github.com/spf13/cobra"

	"github.com/git-worktree-ports/git-worktree-ports/internal/shquote"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// ExecOptions are the inputs of `exec`.
type ExecOptions struct {
	F *Factory

	NoAllocate bool
	// DryRun prints the command instead of running it; NoInject runs it as given,
	// without the ports in a dev server's flags.
	DryRun   bool
	NoInject bool
	Argv     []string
}

// NewCmdExec builds `exec`.
func NewCmdExec(f *Factory, runF func(*ExecOptions) error) *cobra.Command {
	opts := &ExecOptions{F: f}
	cmd := &cobra.Command{
		Use:   "exec [--no-allocate] [--dry-run] [--no-inject] -- COMMAND [ARG...]",
		Short: "Run a command with this worktree's ports in its environment",
		Long: `Run COMMAND with the variables of ` + "`git worktree-ports env`" + ` added to the environment.

The command replaces git-worktree-ports (exec(2)), so its exit status and signals reach the
caller exactly as if it had been run directly: ` + "`exec -- sh -c 'exit 7'`" + ` exits 7.
As in a shell, a command that is not found exits 127, and one that cannot be executed
exits 126. (On Windows, which has no exec(2), the command runs as a child and its exit
status is passed through.)

A dev server that does not read PORT (vite, next, django's runserver, uvicorn, flask,
storybook, ...; see DEV SERVERS in git-worktree-ports(1)) also gets the port in the flag it
reads: ` + "`exec -- vite`" + ` runs ` + "`vite --port N --strictPort`" + `. A port flag you wrote is kept.
--dry-run prints the command it would run, quoted for pasting, and runs nothing (it never
allocates: with no reservation it exits 5); --no-inject runs the command as given.

The same names as for env are refused (see ` + "`git worktree-ports env --help`" + `): a reservation
entry that names a shell or program variable (MAILPATH, LD_PRELOAD, ...) is dropped with a
warning, unless you allowed it with ` + "`git config --global --add worktree-ports.allowEnv NAME`" + `.`,
		Example: `  git worktree-ports exec -- npm run dev
  git worktree-ports exec -- docker compose up
  git worktree-ports exec --dry-run -- npx vite    # prints: npx vite --port 21340 --strictPort

  # A shell wrapper must exec the server, so a signal to the wrapper reaches it:
  git worktree-ports exec -- sh -c 'exec python3 -m http.server "$WEB_PORT"'`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErrorf(c, "exec needs a command: git worktree-ports exec -- COMMAND [ARG...]")
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			opts.Argv = args
			if runF != nil {
				return runF(opts)
			}
			return execRun(c.Context(), opts)
		},
	}
	cmd.Flags().SetInterspersed(false)
	cmd.Flags().BoolVar(&opts.NoAllocate, "no-allocate", false, "refuse (exit 5) instead of allocating when there is no reservation")
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "print the command it would run, quoted for pasting; run nothing")
	cmd.Flags().BoolVar(&opts.NoInject, "no-inject", false, "run the command as given, without the ports in a dev server's flags")
	return cmd
}

func execRun(ctx context.Context, opts *ExecOptions) error {
	vars, err := worktreeVars(ctx, opts.F, opts.NoAllocate || opts.DryRun)
	if err != nil {
		return err
	}
	argv := opts.Argv
	if !opts.NoInject {
		r := injectPorts(ctx, opts.F, argv, vars)
		if r.Note != "" {
			fmt.Fprintln(opts.F.ErrOut, "git-worktree-ports: "+r.Note)
		}
		argv = r.Argv
	}
	if opts.DryRun {
		words := make([]string, len(argv))
		for i, a := range argv {
			words[i] = pasteWord(a, i == 0)
		}
		_, err := fmt.Fprintln(opts.F.Out, strings.Join(words, " "))
		return err
	}
	path, err := exec.LookPath(argv[0])
	if err != nil {
		return commandError(opts.Argv[0], err)
	}
	env := opts.F.Environ()
	for _, v := range vars {
		env = setEnv(env, v.Name, v.Value)
	}
	if err := replaceProcess(path, argv, env, opts.F); err != nil {
		return commandError(opts.Argv[0], err)
	}
	return nil
}

// commandError gives a command that cannot be run the exit status a shell gives it:
// 127 when it is not found, 126 when it is found but cannot be executed.
func commandError(name string, err error) error {
	quoted := untrusted.New(name)
	var code *codeError
	var ee *exec.Error
	if errors.As(err, &ee) {
		err = ee.Err // its message repeats the name
	}
	switch {
	case errors.As(err, &code):
		return err
	case errors.Is(err, exec.ErrNotFound), errors.Is(err, fs.ErrNotExist):
		return &codeError{code: exitNotFound, err: fmt.Errorf("%s: command not found", quoted)}
	case errors.Is(err, fs.ErrPermission):
		return &codeError{code: exitNotExecutable, err: fmt.Errorf("%s: permission denied (not executable)", quoted)}
	}
	return &codeError{code: exitNotExecutable, err: fmt.Errorf("%s: cannot run it: %w", quoted, err)}
}

// pasteWord quotes an argument for --dry-run's line as shquote.Word does, but leaves
// bare the few more characters a shell reads literally in a word (127.0.0.1:8000,
// --port=3000, a@b), so the usual command reads as typed. In the first word "=" would
// make an assignment, so there Word's rule stands.
func pasteWord(s string, first bool) string {
	if s == "" || first {
		return shquote.Word(s)
	}
	for _, r := range s {
		if !(r == ':' || r == '=' || r == '@' || r == ',' || r == '+' || r == '%') && shquote.Word(string(r)) != string(r) {
			return shquote.Word(s)
		}
	}
	return s
}

// setEnv replaces or appends NAME=value, so the child sees exactly one value.
func setEnv(env []string, name, value string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if !strings.HasPrefix(kv, name+"=") {
			out = append(out, kv)
		}
	}
	return append(out, name+"="+value)
}
