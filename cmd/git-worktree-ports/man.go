//go:build manpages

// The man page generator is built only with -tags manpages (make install and the tests
// use it): cobra/doc pulls in a markdown renderer and a YAML library whose package
// initialisers cost about half a millisecond on every start, and `env` runs on every
// shell prompt of direnv users.

package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/cpuguy83/go-md2man/v2/md2man"
	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"

	"github.com/git-worktree-ports/git-worktree-ports/internal/config"
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
			// The exit codes get a section of their own below.
			root.Long = strings.TrimSuffix(root.Long, "\n\n"+exitCodesHelp())
			fenceExamples(root)
			// No Title: cobra then titles each page after its own command, as
			// git-worktree-ports-env(1) rather than all of them git-worktree-ports(1).
			hdr := &doc.GenManHeader{Section: "1", Source: "git-worktree-ports " + buildVersion(), Manual: "Git Manual"}
			if err := doc.GenManTree(root, hdr, args[0]); err != nil {
				return err
			}
			if err := writeRootPage(root, hdr, args[0]); err != nil {
				return err
			}
			fmt.Fprintf(f.ErrOut, "wrote man pages to %s\n", args[0])
			return nil
		},
	}
}

// writeRootPage writes git-worktree-ports(1) again, with the sections of manual.go
// (CONFIGURATION, EXIT STATUS, ENVIRONMENT, FILES) between OPTIONS and SEE ALSO, where
// man-pages(7) puts them. cobra has no place for sections of one's own, so they are
// rendered with the same markdown-to-roff converter cobra uses, and spliced in.
func writeRootPage(root *cobra.Command, hdr *doc.GenManHeader, dir string) error {
	var page bytes.Buffer
	if err := doc.GenMan(root, hdr, &page); err != nil {
		return err
	}
	// md2man starts every document with ".nh" (no hyphenation), which the page has already.
	extra := bytes.TrimPrefix(md2man.Render([]byte(manSections())), []byte(".nh\n"))
	seeAlso := []byte("\n.SH SEE ALSO")
	i := bytes.Index(page.Bytes(), seeAlso)
	if i < 0 {
		return errors.New("man: cobra's page for the root command has no SEE ALSO section to insert before")
	}
	out := append(page.Bytes()[:i:i], extra...)
	out = append(out, page.Bytes()[i:]...)
	out, err := withSynopsis(out, root)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, root.Name()+".1"), out, 0o644)
}

// withSynopsis replaces the root page's SYNOPSIS, which cobra gives as the one line
// "git-worktree-ports [flags]", with one line per verb, as git's own pages list theirs
// (git-worktree(1): "git worktree add ...", "git worktree list ...").
func withSynopsis(page []byte, root *cobra.Command) ([]byte, error) {
	head := []byte("\n.SH SYNOPSIS\n")
	i := bytes.Index(page, head)
	if i < 0 {
		return nil, errors.New("man: cobra's page for the root command has no SYNOPSIS section")
	}
	start := i + len(head)
	end := bytes.Index(page[start:], []byte("\n.SH "))
	if end < 0 {
		return nil, errors.New("man: nothing follows the root page's SYNOPSIS")
	}
	var b bytes.Buffer
	// No fill, as git's pages set theirs: one verb a line, never joined or justified.
	b.WriteString(".nf\n")
	for _, c := range root.Commands() {
		if !c.IsAvailableCommand() || c.Name() == "help" {
			continue
		}
		use := strings.TrimPrefix(c.UseLine(), root.Name()+" ")
		verb, args, _ := strings.Cut(use, " ")
		fmt.Fprintf(&b, "\\fBgit worktree\\-ports %s\\fP %s\n", strings.ReplaceAll(verb, "-", "\\-"), strings.ReplaceAll(args, "-", "\\-"))
	}
	b.WriteString(".fi\n")
	out := append(page[:start:start], b.Bytes()...)
	return append(out, page[start+end:]...), nil
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

// manSections returns the sections that follow OPTIONS in git-worktree-ports(1), in the
// order man-pages(7) gives.
func manSections() string {
	return strings.Join([]string{config.ManSection, manDevServers(), manExitStatus(), manEnvironment, manFiles}, "\n")
}

// manExitStatus is the EXIT STATUS section, from exitStatuses.
func manExitStatus() string {
	var b strings.Builder
	b.WriteString("## EXIT STATUS\n")
	for _, s := range exitStatuses {
		fmt.Fprintf(&b, "%d\n: %s\n\n", s.code, s.meaning)
	}
	b.WriteString("Otherwise `exec` ends as its command ends: it replaces itself with the command, so the\ncommand's exit status, or the signal that ended it, is its own.\n")
	return b.String()
}
