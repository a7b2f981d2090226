package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
)

// ReleaseOptions are the inputs of `release`.
type ReleaseOptions struct {
	F *Factory
}

// NewCmdRelease builds `release`.
func NewCmdRelease(f *Factory, runF func(*ReleaseOptions) error) *cobra.Command {
	opts := &ReleaseOptions{F: f}
	return &cobra.Command{
		Use:   "release",
		Short: "Delete this worktree's reservation, freeing its bundle",
		Long: `Delete this worktree's .worktree-ports.json, so its bundle is free for other
worktrees. It never touches another worktree's file. Releasing a worktree that has no
reservation succeeds and says so.`,
		Args: noArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return releaseRun(c, opts)
		},
	}
}

func releaseRun(c *cobra.Command, opts *ReleaseOptions) error {
	f := opts.F
	root, err := findRoot(c.Context(), f)
	if err != nil {
		return err
	}
	path := filepath.Join(root, reserve.FileName)
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(f.ErrOut, "%s: no reservation to release\n", filepath.Base(root))
		return nil
	}
	if err != nil {
		return err
	}
	if fi.IsDir() {
		return fmt.Errorf("%s: is a directory, not a reservation; not removing it", path)
	}
	if err := os.Remove(path); err != nil {
		return err
	}
	fmt.Fprintf(f.ErrOut, "%s: released\n", filepath.Base(root))
	return nil
}
