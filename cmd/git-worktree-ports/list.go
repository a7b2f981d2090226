package main

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/git-worktree-ports/git-worktree-ports/internal/inventory"
	"github.com/git-worktree-ports/git-worktree-ports/internal/iostreams"
)

// ListOptions are the inputs of `list`.
type ListOptions struct {
	F *Factory

	JSON     bool
	All      bool
	Health   bool
	NoOwners bool
	Wide     bool
}

// NewCmdList builds `list`.
func NewCmdList(f *Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{F: f}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "Show every worktree, its bundle, and which ports are listening",
		Long: `Show one row per worktree, as git worktree list reports them: name, branch, slot,
ports, flags and path. The first column marks the worktree you are in with *. The slot
of a main worktree that keeps the ports its config names (services.<name>.main) is
"main". A port
marked * has a listener on some local address, followed by [program:pid worktree] where
the OS tells. A port of the bundle that no service uses but something listens on is
shown after them by number alone (21345*[nc:9 outside], yellow). Paths are relative to
the worktree you are in (../feature-x).

Flags: missing (no reservation), conflicting (its bundle overlaps another worktree's),
invalid (its file was skipped; the warning says why), prunable (its directory is gone:
its bundle is free again), locked, bare.

On a terminal the table fits its width ($COLUMNS, else the terminal's): no row wraps.
Path, branch and slot give way first, then the listeners' details, then cells are cut
with "...". With --health, a probed port whose details give way keeps its health as a
mark before its name: + healthy, ! unhealthy or closed, ? not HTTP (!api=4242*). Off a terminal every column is printed whole. --wide prints the full form
anywhere: every column whole, absolute paths.

Colour only on a terminal: listening ports green, conflicting and invalid red, missing
and prunable yellow. NO_COLOR (set to anything), CLICOLOR=0 and TERM=dumb turn it off;
CLICOLOR_FORCE=1 turns it on in a pipe, unless NO_COLOR is set.

Under the table, a line for each worktree that holds leases (` + "`lease NAME`" + `):
"leases of feature-x: agent=21399, pw=21398 until 16:05Z". --wide adds a line for each
service's URL ("web of feature-x: http://web.feature-x.shop.localhost:21340"); port
SERVICE --url prints one. On a terminal a long line is cut with "...".

--json prints {"version":1,"worktrees":[...]}, never coloured and with absolute paths;
its flags also say current. See docs/JSON.md for the schema.`,
		Args: noArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return listRun(c, opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print JSON (stable schema, see docs/JSON.md)")
	cmd.Flags().BoolVarP(&opts.All, "all", "a", false, "every registered repository's worktrees, not only this one's")
	cmd.Flags().BoolVar(&opts.Health, "health", false, "probe each listening port's health path (200 ms timeout, in parallel)")
	cmd.Flags().BoolVar(&opts.Wide, "wide", false, "print every column whole, with absolute paths, even on a narrow terminal")
	cmd.Flags().BoolVar(&opts.NoOwners, "no-owners", false, "skip looking up which process holds each listening port")
	return cmd
}

// ListPort, ListWorktree and ListOutput are list's values (`list --json`), which the
// inventory package gathers; here they are only printed.
type (
	ListPort     = inventory.Port
	ListWorktree = inventory.Row
	ListOutput   = inventory.List
)

func listRun(c *cobra.Command, opts *ListOptions) error {
	f := opts.F
	out, err := inventory.Collect(c.Context(), inventory.ListOptions{
		Dir: f.dir(), Env: f.Environ(), All: opts.All, Owners: !opts.NoOwners, Health: opts.Health,
		Getenv: f.Getenv, Prober: f.Prober, Diag: f.diag(),
	})
	if err != nil {
		return err
	}
	if opts.JSON {
		enc := json.NewEncoder(f.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	return printList(f, out, opts)
}

// printList prints the table (inventory.Table, which escapes every cell). Colour, when
// the streams allow it, is added after escaping.
//
// On a terminal the table fits its width (inventory.TableSteps); elsewhere, and with
// --wide, every column is printed whole. Paths are relative to the current worktree,
// except with --wide.
func printList(f *Factory, out ListOutput, opts *ListOptions) error {
	base := ""
	if !opts.Wide {
		base = out.Current()
	}
	t := inventory.Table(out, opts.All, base)
	layout := t.Natural()
	if f.IsStdoutTTY() && !opts.Wide {
		layout = t.Fit(f.TerminalWidth(), inventory.TableSteps(opts.All))
	}
	if err := t.Print(f.Out, layout, f.ColorScheme()); err != nil {
		return err
	}
	printNotes(f, out, opts)
	for _, r := range out.Worktrees {
		if r.Error != "" {
			printDiag(f.ErrOut, r.Error)
		}
	}
	return nil
}

// printNotes prints the lines under the table (inventory.Notes): leases always, URLs with
// --wide; on a terminal, each cut to its width, as the table is.
func printNotes(f *Factory, out ListOutput, opts *ListOptions) {
	width := 0
	if f.IsStdoutTTY() && !opts.Wide {
		width = f.TerminalWidth()
	}
	for _, line := range inventory.Notes(out, opts.All, opts.Wide) {
		fmt.Fprintln(f.Out, iostreams.CutLine(line, width))
	}
}
