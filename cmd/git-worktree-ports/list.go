package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/git-worktree-ports/git-worktree-ports/internal/alloc"
	"github.com/git-worktree-ports/git-worktree-ports/internal/bundle"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
	"github.com/git-worktree-ports/git-worktree-ports/internal/health"
	"github.com/git-worktree-ports/git-worktree-ports/internal/iostreams"
	"github.com/git-worktree-ports/git-worktree-ports/internal/owner"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
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
ports, flags and path. The first column marks the worktree you are in with *. A port
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

// ListPort is one reserved port in `list --json`.
type ListPort struct {
	Service   string `json:"service"`
	Port      int    `json:"port"`
	Listening bool   `json:"listening"`
	// PID and Program name the listener where the OS tells; 0 and "" otherwise.
	PID     int32  `json:"pid,omitempty"`
	Program string `json:"program,omitempty"`
	// Owner is the name of the worktree the listener runs in, "outside", or
	// "unknown process" when the OS hides it; "" when nothing listens.
	Owner     string `json:"owner,omitempty"`
	OwnerPath string `json:"owner_path,omitempty"`
	// Health is healthy, unhealthy, not-http or closed with --health, for services
	// with a health path; "" otherwise.
	Health string `json:"health,omitempty"`
}

// ListWorktree is one row of `list --json`.
type ListWorktree struct {
	Repo           string     `json:"repo"`
	Name           string     `json:"name"`
	Path           string     `json:"path"`
	Branch         string     `json:"branch"`
	Head           string     `json:"head"`
	Current        bool       `json:"current"`
	Bare           bool       `json:"bare"`
	Detached       bool       `json:"detached"`
	Locked         bool       `json:"locked"`
	LockReason     string     `json:"lock_reason,omitempty"`
	Prunable       bool       `json:"prunable"`
	PrunableReason string     `json:"prunable_reason,omitempty"`
	Reserved       bool       `json:"reserved"`
	Slot           int        `json:"slot"`
	Base           int        `json:"base"`
	Width          int        `json:"width"`
	Ports          []ListPort `json:"ports"`
	Flags          []string   `json:"flags"`
	Error          string     `json:"error,omitempty"`
}

// ListOutput is the whole of `list --json`.
type ListOutput struct {
	Version   int            `json:"version"`
	Worktrees []ListWorktree `json:"worktrees"`
}

func listRun(c *cobra.Command, opts *ListOptions) error {
	f := opts.F
	ctx := c.Context()
	g := gitwt.Git{Dir: f.Dir}
	repo, err := alloc.Discover(ctx, g)
	var sources []listSource
	current := ""
	switch {
	case err == nil:
		sources = []listSource{{name: repo.RepoName(), worktrees: repo.Worktrees}}
		current = repo.Loc.Toplevel
	case opts.All && errors.Is(err, gitwt.ErrNotRepository):
		// The index is per user, so --all needs no repository to start from.
	default:
		return err
	}
	if opts.All {
		more, err := otherRepos(ctx, f, repo)
		if err != nil {
			return err
		}
		sources = append(sources, more...)
	}
	out := buildList(sources, current, f.Prober)
	if !opts.NoOwners {
		addOwners(ctx, f, &out)
	}
	if opts.Health && repo != nil {
		cfg, err := repo.LoadConfig("", 0)
		if err != nil {
			return err
		}
		addHealth(ctx, &out, cfg.Spec.Services)
	}
	if opts.JSON {
		enc := json.NewEncoder(f.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	return printList(f, out, opts)
}

// listSource is one repository's worktrees.
type listSource struct {
	name      string
	worktrees []gitwt.Worktree
}

// otherRepos lists the worktrees of every other repository in the per-user index, each
// within the time limit of cross-repository awareness (alloc.ListForeign). repo is the
// one already listed, or nil outside any repository.
func otherRepos(ctx context.Context, f *Factory, repo *alloc.Repo) ([]listSource, error) {
	if repo == nil {
		// No repository, so no git config of its own: the environment and the defaults
		// still apply.
		repo = &alloc.Repo{}
	}
	idx, err := repo.UserIndex(f.Getenv)
	if err != nil {
		return nil, err
	}
	var out []listSource
	for _, r := range alloc.ListForeign(ctx, *idx, repo.Loc.CommonDir, nil, warnTo(f)).Repos {
		if r.Worktrees != nil {
			out = append(out, listSource{name: r.Entry.Name, worktrees: r.Worktrees})
		}
	}
	return out, nil
}

func buildList(sources []listSource, current string, prober reserve.Prober) ListOutput {
	out := ListOutput{Version: 1, Worktrees: []ListWorktree{}}
	for _, src := range sources {
		for _, w := range src.worktrees {
			out.Worktrees = append(out.Worktrees, listRow(src.name, w, current, prober))
		}
	}
	// Flags are derived last, because "conflicting" compares rows with each other.
	for i := range out.Worktrees {
		r := &out.Worktrees[i]
		add := func(cond bool, flag string) {
			if cond {
				r.Flags = append(r.Flags, flag)
			}
		}
		add(r.Current, "current")
		add(!r.Reserved && !r.Bare && !r.Prunable && r.Error == "", "missing")
		add(r.Error != "", "invalid")
		add(r.Reserved && conflicts(out.Worktrees, i), "conflicting")
		add(r.Prunable, "prunable")
		add(r.Locked, "locked")
		add(r.Bare, "bare")
	}
	return out
}

func listRow(repo string, w gitwt.Worktree, current string, prober reserve.Prober) ListWorktree {
	row := ListWorktree{
		Repo: repo, Name: w.Name(), Path: w.Path, Branch: w.ShortBranch(), Head: w.Head,
		Current: current != "" && filepath.Clean(w.Path) == filepath.Clean(current),
		Bare:    w.Bare, Detached: w.Detached, Locked: w.Locked, LockReason: w.LockReason,
		Prunable: w.Prunable, PrunableReason: w.PrunableReason, Ports: []ListPort{}, Flags: []string{},
	}
	if w.Bare || w.Prunable {
		return row
	}
	res, _, err := reserve.Read(filepath.Join(w.Path, reserve.FileName))
	switch {
	case err == nil:
		row.Reserved, row.Slot, row.Base, row.Width = true, res.Slot, res.Base, res.Width
		for _, p := range res.Ports {
			row.Ports = append(row.Ports, ListPort{Service: p.Name, Port: p.Port, Listening: prober.Bound(p.Port)})
		}
	case errors.Is(err, fs.ErrNotExist):
	default:
		row.Error = err.Error()
	}
	return row
}

func conflicts(rows []ListWorktree, i int) bool {
	a := rowReservation(rows[i])
	for j, r := range rows {
		if j != i && r.Reserved && a.Overlaps(rowReservation(r)) {
			return true
		}
	}
	return false
}

func rowReservation(r ListWorktree) reserve.Reservation {
	res := reserve.Reservation{Base: r.Base, Width: r.Width}
	for _, p := range r.Ports {
		res.Ports = append(res.Ports, reserve.Port{Name: p.Service, Port: p.Port})
	}
	return res
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
			fmt.Fprintf(f.ErrOut, "git-worktree-ports: %s\n", untrusted.Lines(r.Error))
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
		}
		path := cell(r.Path)
		if base != "" {
			path = alloc.Label(base, r.Path)
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

// addOwners fills in who listens on each listening port: one connection-table scan for
// all of them, and none at all when nothing listens.
func addOwners(ctx context.Context, f *Factory, out *ListOutput) {
	var ports []int
	var wtPaths []string
	for _, r := range out.Worktrees {
		wtPaths = append(wtPaths, r.Path)
		for _, p := range r.Ports {
			if p.Listening {
				ports = append(ports, p.Port)
			}
		}
	}
	if len(ports) == 0 {
		return
	}
	listeners, err := owner.Lookup(ctx, ports)
	if err != nil {
		warnTo(f)(fmt.Sprintf("cannot tell which processes hold the ports: %v", err))
		return
	}
	for i := range out.Worktrees {
		for j := range out.Worktrees[i].Ports {
			p := &out.Worktrees[i].Ports[j]
			ls := listeners[p.Port]
			if !p.Listening {
				continue
			}
			if len(ls) == 0 || ls[0].Hidden {
				// Listening (the bind probe says so) but the OS will not say by whom.
				p.Owner = "unknown process"
				continue
			}
			l := ls[0]
			p.PID, p.Program = l.PID, l.Program
			if holder := owner.Attribute(l.Cwd, wtPaths); holder != "" {
				p.OwnerPath = holder
				p.Owner = filepath.Base(holder)
			} else {
				p.Owner = "outside"
			}
		}
	}
}

// addHealth probes the health path of each listening service that declares one.
func addHealth(ctx context.Context, out *ListOutput, services []bundle.Service) {
	paths := map[string]string{}
	for _, s := range services {
		if s.Health != "" {
			paths[s.Name] = s.Health
		}
	}
	type ref struct{ i, j int }
	var targets []health.Target
	var refs []ref
	for i, r := range out.Worktrees {
		for j, p := range r.Ports {
			if path, ok := paths[p.Service]; ok && p.Listening {
				targets = append(targets, health.Target{Port: p.Port, Path: path})
				refs = append(refs, ref{i, j})
			}
		}
	}
	for k, res := range health.ProbeAll(ctx, targets, 200*time.Millisecond) {
		out.Worktrees[refs[k].i].Ports[refs[k].j].Health = string(res.Status)
	}
}

// healthStyles colour a health probe's answer.
var healthStyles = map[string]iostreams.Style{
	string(health.Healthy):   iostreams.Green,
	string(health.Unhealthy): iostreams.Red,
	string(health.Closed):    iostreams.Red,
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
