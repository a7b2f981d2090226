package inventory

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/git-worktree-ports/git-worktree-ports/internal/config"
	"github.com/git-worktree-ports/git-worktree-ports/internal/iostreams"
	"github.com/git-worktree-ports/git-worktree-ports/internal/listener"
	"github.com/git-worktree-ports/git-worktree-ports/internal/repository"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// list's table: the rows as cells, their styles, and how the table gives way on a
// narrow terminal. cmd chooses the layout (the terminal's width, or every column whole)
// and prints it.

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

// TableSteps is how list's table gives way on a narrow terminal, least useful first: a
// sibling's path mostly repeats its name ("../feature-x"), the branch often does too, and
// the slot is implied by the ports. The ports are the point of the table: they lose the
// listeners' details ("[node:4242 feature-x]") next, and are cut only after the names.
func TableSteps(all bool) []iostreams.Step {
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

// Current is the path of the worktree the command runs in, or "" when there is none
// (list --all outside a repository).
func (out List) Current() string {
	for _, r := range out.Worktrees {
		if r.Current {
			return r.Path
		}
	}
	return ""
}

// Table lays out list's rows as the cells of its table, --all adding the REPO column.
// base, when set, is the current worktree, and paths are shown relative to it as a user
// would type them ("../feature-x").
//
// Every cell is escaped (untrusted): names, paths, service and program names come from
// directory names, sibling files and other processes, and a control character in one
// would reach the terminal or split the row.
func Table(out List, all bool, base string) *iostreams.Table {
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
			slot, ports = text(strconv.Itoa(r.Slot)), portsCell(slices.Concat(r.Ports, r.Held))
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

// portsCell is "api=21340*[node:123 feature-x healthy] web=21341 21345*[nc:9 outside]":
// a listening port (*) in green, followed by who listens, and a spare port of the bundle
// that something holds, in yellow without a name; the Short form leaves out who, but keeps a probed
// port's health as a mark before its name (healthMarks), so that on a narrow terminal
// an unhealthy service never looks healthy.
func portsCell(ports []Port) iostreams.Cell {
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
		if p.Service == "" {
			// A spare port of the bundle that something holds (Row.Held): no service's
			// name, and yellow, since it wants a look.
			port = iostreams.Segment{Text: fmt.Sprintf("%d*", p.Port), Style: iostreams.Yellow}
		}
		c.Full = append(c.Full, port)
		if mark, ok := healthMarks[p.Health]; ok {
			c.Short = append(c.Short, iostreams.Segment{Text: mark, Style: healthStyles[p.Health]})
		}
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

// healthMarks are the compact forms of a health probe's answer, printed before the
// port's name when the listener's details give way: + healthy, ! unhealthy or closed,
// ? not HTTP.
var healthMarks = map[string]string{
	string(listener.Healthy):   "+",
	string(listener.Unhealthy): "!",
	string(listener.Closed):    "!",
	string(listener.NotHTTP):   "?",
}

// listenerSegments is the compact "[program:pid owner health]" after a listening port.
func listenerSegments(p Port) []iostreams.Segment {
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
