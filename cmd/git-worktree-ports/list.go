package main

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/git-worktree-ports/git-worktree-ports/internal/config"
	"github.com/git-worktree-ports/git-worktree-ports/internal/inventory"
	"github.com/git-worktree-ports/git-worktree-ports/internal/iostreams"
	"github.com/git-worktree-ports/git-worktree-ports/internal/listener"
	"github.com/git-worktree-ports/git-worktree-ports/internal/repository"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
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
the OS tells. Paths are relative to the worktree you are in (../feature-x).

Flags: missing (no reservation), conflicting (its bundle overlaps another worktree's),
invalid (its file was skipped; the warning says why), prunable (its directory is gone:
its bundle is free again), locked, bare.

On a terminal the table fits its width ($COLUMNS, else the terminal's): no row wraps.
Path, branch and slot give way first, then the listeners' details, then cells are cut
with "...". Off a terminal every column is printed whole. --wide prints the full form
anywhere: every column whole, absolute paths.

Colour only on a terminal: listening ports green, conflicting and invalid red, missing
and prunable yellow. NO_COLOR (set to anything), CLICOLOR=0 and TERM=dumb turn it off;
CLICOLOR_FORCE=1 turns it on in a pipe, unless NO_COLOR is set.

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

// printList prints the table. Every cell is escaped (untrusted): names, paths, service
// and program names come from directory names, sibling files and other processes, and a
// control character in one would reach the terminal or split the row. Colour, when the
// streams allow it, is added after escaping.
//
// On a terminal the table fits its width (listSteps); elsewhere, and with --wide, every
// column is printed whole. Paths are relative to the current worktree, except with --wide.
func printList(f *Factory, out ListOutput, opts *ListOptions) error {
	base := ""
	if !opts.Wide {
		base = currentPath(out)
	}
	t := listTable(out, opts.All, base)
	layout := t.Natural()
	if f.IsStdoutTTY() && !opts.Wide {
		layout = t.Fit(f.TerminalWidth(), listSteps(opts.All))
	}
	if err := t.Print(f.Out, layout, f.ColorScheme()); err != nil {
		return err
	}
	for _, r := range out.Worktrees {
		if r.Error != "" {
			printDiag(f.ErrOut, r.Error)
		}
	}
	return nil
}

// The columns of list's table, without --all (which adds REPO after the mark).
const (
	colMark = iota
	colName
	colBranch
	colSlot
	colPorts
	colFlags
	colPath
)

// listSteps is how the table gives way on a narrow terminal, least useful first: a
// sibling's path mostly repeats its name ("../feature-x"), the branch often does too, and
// the slot is implied by the ports. The ports are the point of the table: they lose the
// listeners' details ("[node:4242 feature-x]") next, and are cut only after the names.
func listSteps(all bool) []iostreams.Step {
	col := func(c int) int {
		if all && c > colMark {
			return c + 1
		}
		return c
	}
	steps := []iostreams.Step{
		{Kind: iostreams.Shrink, Col: col(colPath)},
		{Kind: iostreams.Drop, Col: col(colPath)},
		{Kind: iostreams.Shrink, Col: col(colBranch)},
		{Kind: iostreams.Drop, Col: col(colSlot)},
		{Kind: iostreams.Drop, Col: col(colBranch)},
		{Kind: iostreams.Shorten, Col: col(colPorts)},
	}
	if all {
		steps = append(steps, iostreams.Step{Kind: iostreams.Shrink, Col: colMark + 1})
	}
	return append(steps,
		iostreams.Step{Kind: iostreams.Shrink, Col: col(colName)},
		iostreams.Step{Kind: iostreams.Shrink, Col: col(colPorts)},
		iostreams.Step{Kind: iostreams.Shrink, Col: col(colFlags)},
	)
}

// currentPath is the path of the worktree the command runs in, or "" when there is none
// (list --all outside a repository).
func currentPath(out ListOutput) string {
	for _, r := range out.Worktrees {
		if r.Current {
			return r.Path
		}
	}
	return ""
}

// listTable lays out the rows as cells. base, when set, is the current worktree, and paths
// are shown relative to it as a user would type them ("../feature-x").
func listTable(out ListOutput, all bool, base string) *iostreams.Table {
	cols := []iostreams.Column{
		{},
		{Header: "NAME", Min: 12},
		{Header: "BRANCH", Min: 12},
		{Header: "SLOT"},
		{Header: "PORTS", Min: 12},
		{Header: "FLAGS", Min: 8},
		{Header: "PATH", Min: 12, KeepEnd: true},
	}
	if all {
		cols = append(cols[:1], append([]iostreams.Column{{Header: "REPO", Min: 8}}, cols[1:]...)...)
	}
	t := &iostreams.Table{Columns: cols}
	text := func(s string) iostreams.Cell { return iostreams.Text(s, iostreams.Plain) }
	for _, r := range out.Worktrees {
		mark, name := text(" "), text(cell(r.Name))
		if r.Current {
			mark, name = iostreams.Text("*", iostreams.Bold), iostreams.Text(cell(r.Name), iostreams.Bold)
		}
		branch := cell(r.Branch)
		if r.Branch == "" {
			branch = "(" + map[bool]string{true: "bare", false: "detached"}[r.Bare] + ")"
		}
		slot, ports := text("-"), text("-")
		if r.Reserved {
			slot, ports = text(strconv.Itoa(r.Slot)), portsCell(r.Ports)
			if r.Main {
				// The main worktree on the ports its config names: no slot of the range.
				slot = text(config.MainSlot)
			}
		}
		path := cell(r.Path)
		if base != "" {
			path = repository.Label(base, r.Path)
		}
		row := []iostreams.Cell{mark, name, text(branch), slot, ports, flagsCell(r.Flags), text(path)}
		if all {
			row = append(row[:1], append([]iostreams.Cell{text(cell(r.Repo))}, row[1:]...)...)
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// portsCell is "api=21340*[node:123 feature-x healthy] web=21341": a listening port (*)
// in green, followed by who listens; the Short form leaves out who.
func portsCell(ports []ListPort) iostreams.Cell {
	var c iostreams.Cell
	if len(ports) == 0 {
		return iostreams.Text("-", iostreams.Plain)
	}
	for i, p := range ports {
		if i > 0 {
			c.Full = append(c.Full, iostreams.Segment{Text: " "})
			c.Short = append(c.Short, iostreams.Segment{Text: " "})
		}
		port := iostreams.Segment{Text: fmt.Sprintf("%s=%d", untrusted.New(p.Service), p.Port)}
		if p.Listening {
			port.Text += "*"
			port.Style = iostreams.Green
		}
		c.Full = append(c.Full, port)
		c.Short = append(c.Short, port)
		if p.Listening {
			c.Full = append(c.Full, listenerSegments(p)...)
		}
	}
	return c
}

// flagStyles colour the flags that want attention: red for what is wrong, yellow for what
// wants a look. locked and bare are facts, and stay plain.
var flagStyles = map[string]iostreams.Style{
	"conflicting": iostreams.Red,
	"invalid":     iostreams.Red,
	"missing":     iostreams.Yellow,
	"prunable":    iostreams.Yellow,
}

// flagsCell is the flags joined by commas, "-" when there are none. "current" is left
// out: the * in the first column says it.
func flagsCell(flags []string) iostreams.Cell {
	var c iostreams.Cell
	for _, fl := range withoutCurrent(flags) {
		if len(c.Full) > 0 {
			c.Full = append(c.Full, iostreams.Segment{Text: ","})
		}
		c.Full = append(c.Full, iostreams.Segment{Text: fl, Style: flagStyles[fl]})
	}
	if len(c.Full) == 0 {
		return iostreams.Text("-", iostreams.Plain)
	}
	return c
}

func withoutCurrent(flags []string) []string {
	var out []string
	for _, f := range flags {
		if f != "current" {
			out = append(out, f)
		}
	}
	return out
}

// cell is one table cell of untrusted text, on one line whatever it holds.
func cell(s string) string { return untrusted.New(s).String() }

// healthStyles colour a health probe's answer.
var healthStyles = map[string]iostreams.Style{
	string(listener.Healthy):   iostreams.Green,
	string(listener.Unhealthy): iostreams.Red,
	string(listener.Closed):    iostreams.Red,
}

// listenerSegments is the compact "[program:pid owner health]" after a listening port.
func listenerSegments(p ListPort) []iostreams.Segment {
	var parts []iostreams.Segment
	if p.PID != 0 {
		parts = append(parts, iostreams.Segment{Text: fmt.Sprintf("%s:%d", untrusted.New(p.Program), p.PID)})
	}
	if p.Owner != "" {
		parts = append(parts, iostreams.Segment{Text: cell(p.Owner)})
	}
	if p.Health != "" {
		parts = append(parts, iostreams.Segment{Text: p.Health, Style: healthStyles[p.Health]})
	}
	if len(parts) == 0 {
		return nil
	}
	out := []iostreams.Segment{{Text: "["}}
	for i, s := range parts {
		if i > 0 {
			out = append(out, iostreams.Segment{Text: " "})
		}
		out = append(out, s)
	}
	return append(out, iostreams.Segment{Text: "]"})
}
