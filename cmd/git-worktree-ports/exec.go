package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os/exec"
	"strings"

	"github.com/spf13/cobra"

	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// ExecOptions are the inputs of `exec`.
type ExecOptions struct {
	F *Factory

	NoAllocate bool
	Argv       []string
}

// NewCmdExec builds `exec`.
func NewCmdExec(f *Factory, runF func(*ExecOptions) error) *cobra.Command {
	opts := &ExecOptions{F: f}
	cmd := &cobra.Command{
		Use:   "exec [--no-allocate] -- COMMAND [ARG...]",
		Short: "Run a command with this worktree's ports in its environment",
		Long: `Run COMMAND with the variables of ` + "`git worktree-ports env`" + ` added to the environment.

The command replaces git-worktree-ports (exec(2)), so its exit status and signals reach the
caller exactly as if it had been run directly: ` + "`exec -- sh -c 'exit 7'`" + ` exits 7.
As in a shell, a command that is not found exits 127, and one that cannot be executed
exits 126. (On Windows, which has no exec(2), the command runs as a child and its exit
status is passed through.)

The same names as for env are refused (see ` + "`git worktree-ports env --help`" + `): a reservation
entry that names a shell or program variable (MAILPATH, LD_PRELOAD, ...) is dropped with a
warning, unless you allowed it with ` + "`git config --global --add worktree-ports.allowEnv NAME`" + `.`,
		Example: `  git worktree-ports exec -- npm run dev
  git worktree-ports exec -- docker compose up

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
	return cmd
}

func execRun(ctx context.Context, opts *ExecOptions) error {
	vars, err := worktreeVars(ctx, opts.F, opts.NoAllocate)
	if err != nil {
		return err
	}
	path, err := exec.LookPath(opts.Argv[0])
	if err != nil {
		return commandError(opts.Argv[0], err)
	}
	env := opts.F.Environ()
	for _, v := range vars {
		env = setEnv(env, v.Name, v.Value)
	}
	if err := replaceProcess(path, opts.Argv, env, opts.F); err != nil {
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
