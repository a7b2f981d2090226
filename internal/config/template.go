package config

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/git-worktree-ports/git-worktree-ports/internal/slug"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// TemplateData is what a var's placeholders expand to, besides the
// services' ports.
type TemplateData struct {
	Repo     string // {repo}; {repo-slug} is its slug, {repo_slug} its underscore form
	Worktree string // {worktree}; {worktree-slug} is its slug, {worktree_slug} its underscore form
	Branch   string // {branch}, "" on a detached HEAD; {branch-slug} and {branch_slug} are its slugs, or the worktree's when detached
	Root     string // {root}
	Slot     int    // {slot}
	Base     int    // {base}
	// Main: the main worktree keeping the services' main ports. The ports are then
	// those, {slot} is "main" (no slot index is its own), and {base} is the first
	// service's port.
	Main bool
}

// EnvVar is one exported variable. Value is raw data: it may hold quotes,
// "$(...)" or anything else, and whoever prints it must quote it.
type EnvVar struct {
	Name  string
	Value string
}

// Env returns the environment of the bundle at t.Base: each service's env
// name with its port, in service order, then each var rendered, in file
// order. It does not include EnvRoot and EnvSlot, which callers add.
//
// Parse refuses control characters in the templates, but {branch}, {worktree}, {repo}
// and {root} bring names from outside the file: git allows bidi controls in branch
// names, and a directory may be named with an escape sequence. A var whose rendered
// value holds one (untrusted.Control) is left out, and the error, a *DroppedError, names
// each; the other variables are still returned.
func (c Config) Env(t TemplateData) ([]EnvVar, error) {
	byName := map[string]int{}
	names := map[string]bool{}
	env := make([]EnvVar, 0, len(c.Spec.Services)+len(c.Vars))
	ports := c.Spec.Ports(t.Base)
	if t.Main {
		ports = c.Spec.MainPorts()
	}
	for _, p := range ports {
		byName[p.Service] = p.Port
		names[p.Service] = true
		env = append(env, EnvVar{Name: p.Env, Value: strconv.Itoa(p.Port)})
	}
	var dropped []string
	for _, v := range c.Vars {
		segs, err := parseTemplate(v.Template, names)
		if err != nil {
			return nil, fmt.Errorf("vars.%s: %w", v.Name, err)
		}
		var b strings.Builder
		for _, s := range segs {
			if s.placeholder {
				b.WriteString(t.value(s.text, byName))
			} else {
				b.WriteString(s.text)
			}
		}
		if r, bad := untrusted.Control(b.String()); bad {
			dropped = append(dropped, fmt.Sprintf("vars.%s: dropped: its value holds control character %s, from a name it renders ({branch}, {worktree}, {repo} or {root}), which can hide text on a terminal", untrusted.New(v.Name), untrusted.ControlText(r)))
			continue
		}
		env = append(env, EnvVar{Name: v.Name, Value: b.String()})
	}
	if len(dropped) > 0 {
		return env, &DroppedError{Lines: dropped}
	}
	return env, nil
}

// DroppedError names the vars Env left out because their rendered values hold control
// characters, one line each.
type DroppedError struct{ Lines []string }

// Error returns one line per var left out.
func (e *DroppedError) Error() string { return strings.Join(e.Lines, "\n") }

// MainSlot is what {slot} and WORKTREE_PORTS_SLOT say in the main worktree when it
// keeps the services' main ports: it has no slot of the range, and a number would be
// some linked worktree's.
const MainSlot = "main"

// segment is a piece of a parsed template: literal text, or the name of a
// placeholder.
type segment struct {
	text        string
	placeholder bool
}

var errLoneClose = errors.New(`"}" without "{" (write "}}" for a literal brace)`)

// parseTemplate splits a template into segments. "{name}" is a placeholder,
// where name is a builtin or one of services; "{{" and "}}" stand for
// literal braces. Anything else with a brace is an error, so a typo never
// reaches the environment silently.
func parseTemplate(tmpl string, services map[string]bool) ([]segment, error) {
	var segs []segment
	var lit strings.Builder
	for i := 0; i < len(tmpl); {
		c := tmpl[i]
		switch {
		case c == '{' && strings.HasPrefix(tmpl[i:], "{{"):
			lit.WriteByte('{')
			i += 2
		case c == '}' && strings.HasPrefix(tmpl[i:], "}}"):
			lit.WriteByte('}')
			i += 2
		case c == '}':
			return nil, errLoneClose
		case c == '{':
			end := strings.IndexByte(tmpl[i+1:], '}')
			if end < 0 {
				return nil, fmt.Errorf(`unclosed "{" in %q (write "{{" for a literal brace)`, tmpl[i:])
			}
			name := tmpl[i+1 : i+1+end]
			if !isBuiltin(name) && !services[name] {
				return nil, fmt.Errorf("unknown placeholder {%s} (known: %s)", name, known(services))
			}
			if lit.Len() > 0 {
				segs = append(segs, segment{text: lit.String()})
				lit.Reset()
			}
			segs = append(segs, segment{text: name, placeholder: true})
			i += end + 2
		default:
			lit.WriteByte(c)
			i++
		}
	}
	if lit.Len() > 0 {
		segs = append(segs, segment{text: lit.String()})
	}
	return segs, nil
}

// known lists the valid placeholders for an error message: services sorted,
// then the builtins.
func known(services map[string]bool) string {
	var names []string
	for n := range services {
		names = append(names, "{"+n+"}")
	}
	slices.Sort(names)
	for _, b := range builtinPlaceholders {
		names = append(names, "{"+b+"}")
	}
	return strings.Join(names, ", ")
}

// value is what placeholder name stands for in t: a built-in one, or else a service's
// port from byName.
func (t TemplateData) value(name string, byName map[string]int) string {
	switch name {
	case "repo":
		return t.Repo
	case "worktree":
		return t.Worktree
	case "root":
		return t.Root
	case "slot":
		if t.Main {
			return MainSlot
		}
		return strconv.Itoa(t.Slot)
	case "base":
		return strconv.Itoa(t.Base)
	case "repo-slug":
		return slug.Make(t.Repo)
	case "worktree-slug":
		return slug.Make(t.Worktree)
	case "branch":
		return t.Branch
	case "branch-slug":
		// Never empty: a detached HEAD has no branch, so the worktree names it.
		if t.Branch == "" {
			return slug.Make(t.Worktree)
		}
		return slug.Make(t.Branch)
	case "repo_slug":
		return slug.Underscore(t.Repo)
	case "worktree_slug":
		return slug.Underscore(t.Worktree)
	case "branch_slug":
		if t.Branch == "" {
			return slug.Underscore(t.Worktree)
		}
		return slug.Underscore(t.Branch)
	}
	return strconv.Itoa(byName[name])
}

// branchPlaceholders are the placeholders whose value is the branch checked out.
var branchPlaceholders = []string{"branch", "branch-slug", "branch_slug"}

// BranchVars lists the vars whose templates use the branch ({branch}, {branch-slug},
// {branch_slug}), in file order: the values a branch switch changes while the config
// stays the same, so that a stale reservation can be told to have followed another
// branch rather than another config.
func (c Config) BranchVars() []string {
	services := map[string]bool{}
	for _, s := range c.Spec.Services {
		services[s.Name] = true
	}
	var out []string
	for _, v := range c.Vars {
		segs, err := parseTemplate(v.Template, services)
		if err != nil {
			continue
		}
		if slices.ContainsFunc(segs, func(s segment) bool { return s.placeholder && slices.Contains(branchPlaceholders, s.text) }) {
			out = append(out, v.Name)
		}
	}
	return out
}
