package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/git-worktree-ports/git-worktree-ports/internal/config"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
	"github.com/git-worktree-ports/git-worktree-ports/internal/trust"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// InitOptions are the inputs of `init`.
type InitOptions struct {
	F *Factory

	Services []string // NAME or NAME=OFFSET
	Force    bool
}

// NewCmdInit builds `init`.
func NewCmdInit(f *Factory, runF func(*InitOptions) error) *cobra.Command {
	opts := &InitOptions{F: f}
	cmd := &cobra.Command{
		Use:   "init [--service NAME[=OFFSET]]...",
		Short: "Write a commented starter " + config.FileName,
		Long: `Write a commented starter ` + config.FileName + ` at the top of this worktree.
Commit it, so that every worktree and teammate shares the same services.

Without --service it declares api (offset 0) and web (offset 1). Each --service adds one;
a service without an offset takes the next free one.

Its first key points editors at the file's JSON Schema, so they check and complete the
other keys; git worktree-ports ignores it:

  "$schema": "` + config.SchemaURL + `"

Every key is described in git-worktree-ports(1), under CONFIGURATION.`,
		Example: `  git worktree-ports init
  git worktree-ports init --service api --service web --service db=5`,
		Args: noArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return initRun(c, opts)
		},
	}
	cmd.Flags().StringArrayVarP(&opts.Services, "service", "s", nil, "a service, NAME or NAME=OFFSET (repeatable)")
	cmd.Flags().BoolVar(&opts.Force, "force", false, "overwrite an existing config file")
	return cmd
}

func initRun(c *cobra.Command, opts *InitOptions) error {
	f := opts.F
	svcs, err := config.StarterServices(opts.Services)
	if err != nil {
		return usageErrorf(c, "--service %v", err)
	}
	root, err := findRoot(c.Context(), f)
	if err != nil {
		return err
	}
	path := filepath.Join(root, config.FileName)
	text := config.Starter(svcs)
	// Validate what we are about to write with the same parser every command uses, so a
	// bad --service name is refused here, naming the key, rather than on the next run. It
	// allows no refused env name: the file is for every teammate, whatever they allowed.
	if _, err := config.Parse(path, []byte(text), nil); err != nil {
		return usageErrorf(c, "%v", err)
	}
	if _, err := os.Lstat(path); err == nil && !opts.Force {
		return fmt.Errorf("%s already exists; use --force to overwrite it", untrusted.New(path))
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := reserve.WriteAtomic(path, []byte(text)); err != nil {
		return err
	}
	// The user wrote it, so they approve it: its vars reach env at once (package trust).
	approved := ""
	if loc, err := f.git().Locate(c.Context()); err == nil {
		if store, err := trust.Open(f.Getenv); err == nil {
			if err := store.Approve(loc.CommonDir, config.DigestOf([]byte(text))); err == nil {
				approved = " (approved for you)"
			}
		}
	}
	fmt.Fprintf(f.ErrOut, "wrote %s%s; commit it so every worktree shares it\n", untrusted.New(path), approved)
	return nil
}
