package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// NewCmdMan builds the hidden `man DIR`, which `make install` uses to write the man pages.
// `git worktree-ports --help` becomes `git help worktree-ports`, which opens
// git-worktree-ports(1).
func NewCmdMan(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:    "man DIR",
		Short:  "Write the man pages into DIR",
		Hidden: true,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageErrorf(c, "man needs exactly one directory")
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			if err := os.MkdirAll(args[0], 0o755); err != nil {
				return err
			}
			root := c.Root()
			root.DisableAutoGenTag = true
			hdr := &doc.GenManHeader{Title: "GIT-WORKTREE-PORTS", Section: "1", Source: "git-worktree-ports " + version, Manual: "Git Manual"}
			if err := doc.GenManTree(root, hdr, args[0]); err != nil {
				return err
			}
			fmt.Fprintf(f.ErrOut, "wrote man pages to %s\n", args[0])
			return nil
		},
	}
}
