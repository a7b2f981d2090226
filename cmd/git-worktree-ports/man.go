//go:build manpages

// The man page generator is built only with -tags manpages (make install and the tests
// use it): cobra/doc pulls in a markdown renderer and a YAML library whose package
// initialisers cost about half a millisecond on every start, and `env` runs on every
// shell prompt of direnv users.

package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

func addManCommand(root *cobra.Command, f *Factory) { root.AddCommand(NewCmdMan(f)) }

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
			fenceExamples(root)
			// No Title: cobra then titles each page after its own command, as
			// git-worktree-ports-env(1) rather than all of them git-worktree-ports(1).
			hdr := &doc.GenManHeader{Section: "1", Source: "git-worktree-ports " + buildVersion(), Manual: "Git Manual"}
			if err := doc.GenManTree(root, hdr, args[0]); err != nil {
				return err
			}
			fmt.Fprintf(f.ErrOut, "wrote man pages to %s\n", args[0])
			return nil
		},
	}
}

// fenceExamples wraps the indented example lines of every Long text in a code fence.
// cobra's man generator reads Long as markdown, where a two-space indent is no code
// block, so the examples would be reflowed into the paragraph around them.
func fenceExamples(c *cobra.Command) {
	var b strings.Builder
	in := false
	for _, line := range strings.Split(c.Long, "\n") {
		if indented := strings.HasPrefix(line, "  "); indented != in {
			b.WriteString("```\n")
			in = indented
		}
		b.WriteString(line + "\n")
	}
	if in {
		b.WriteString("```\n")
	}
	c.Long = strings.TrimSuffix(b.String(), "\n")
	for _, sub := range c.Commands() {
		fenceExamples(sub)
	}
}
