package main

import (
	"fmt"
	"os/exec"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
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

The same names as for env are refused (see ` + "`git worktree-ports env --help`" + `): a reservation
entry that names a shell or program variable (MAILPATH, LD_PRELOAD, ...) is dropped with a
warning, unless you allowed it with ` + "`git config --global --add worktree-ports.allowEnv NAME`" + `.`,
		Example: `  git worktree-ports exec -- npm run dev
  git worktree-ports exec -- docker compose up`,
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
			return execRun(c, opts)
		},
	}
	cmd.Flags().SetInterspersed(false)
	cmd.Flags().BoolVar(&opts.NoAllocate, "no-allocate", false, "refuse (exit 5) instead of allocating when there is no reservation")
	return cmd
}

func execRun(c *cobra.Command, opts *ExecOptions) error {
	vars, err := worktreeVars(c.Context(), opts.F, opts.NoAllocate)
	if err != nil {
		return err
	}
	path, err := exec.LookPath(opts.Argv[0])
	if err != nil {
		return err // already says `exec: "NAME": ...`
	}
	env := opts.F.Environ()
	for _, v := range vars {
		env = setEnv(env, v.Name, v.Value)
	}
	if err := syscall.Exec(path, opts.Argv, env); err != nil {
		return fmt.Errorf("exec %s: %w", opts.Argv[0], err)
	}
	return nil // not reached
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
