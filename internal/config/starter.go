package config

import (
	"fmt"
	"strconv"
	"strings"
)

// StarterService is one service of a starter config: its name and offset.
type StarterService struct {
	Name   string
	Offset int
}

// StarterServices turns specs, each NAME or NAME=OFFSET (init's --service), into
// services, giving those without an offset the lowest unused ones in order. No specs is
// api and web, at 0 and 1. An error quotes the spec, for the caller to name its flag.
func StarterServices(specs []string) ([]StarterService, error) {
	if len(specs) == 0 {
		return []StarterService{{"api", 0}, {"web", 1}}, nil
	}
	var out []StarterService
	used := map[int]bool{}
	var pending []int
	for _, s := range specs {
		name, off, hasOff := strings.Cut(s, "=")
		if name == "" {
			return nil, fmt.Errorf("%q: empty name", s)
		}
		svc := StarterService{Name: name, Offset: -1}
		if hasOff {
			n, err := strconv.Atoi(off)
			if err != nil || n < 0 {
				return nil, fmt.Errorf("%q: offset must be a number >= 0", s)
			}
			if used[n] {
				return nil, fmt.Errorf("%q: offset %d is already used", s, n)
			}
			svc.Offset, used[n] = n, true
		} else {
			pending = append(pending, len(out))
		}
		out = append(out, svc)
	}
	next := 0
	for _, i := range pending {
		for used[next] {
			next++
		}
		out[i].Offset, used[next] = next, true
	}
	return out, nil
}

// Starter is the commented config file init writes for svcs (at least one): every key
// with its default and a line on what it does, and one var built from the first service.
func Starter(svcs []StarterService) string {
	width := 10
	for _, s := range svcs {
		if s.Offset >= width {
			width = s.Offset + 1
		}
	}
	var b strings.Builder
	b.WriteString(`// git-worktree-ports: every worktree of this repository gets its own bundle of ports.
// Commit this file so every worktree and teammate shares it. Comments are allowed.
// Per machine, ` + "`git config worktree-ports.range 30000-39999`" + ` (or .width, .avoid) overrides it.
{
  // The JSON Schema, so editors check and complete this file; the tool ignores it.
  "$schema": ` + strconv.Quote(SchemaURL) + `,
  // Bundles are drawn from this range of ports (inclusive).
  "range": "20000-29999",
  // Ports per worktree: service offsets must be below it. Room to grow costs nothing.
  "width": ` + strconv.Itoa(width) + `,
  // name -> offset (exported as NAME_PORT), or name -> {"offset": N, "env": "VAR", "health": "/path"}.
  // Add "main": PORT to every service for the main worktree to keep your usual ports (3000, ...).
  "services": {
`)
	for i, s := range svcs {
		sep := ","
		if i == len(svcs)-1 {
			sep = ""
		}
		fmt.Fprintf(&b, "    %s: %d%s\n", strconv.Quote(s.Name), s.Offset, sep)
	}
	first := svcs[0].Name
	b.WriteString(`  },
  // Ports never handed out, on top of the built-in list (databases, browser-unsafe ports).
  "avoid": [],
  // Derived variables. Placeholders: {<service>}, {repo}, {worktree}, {branch}, {slot},
  // {base}, {root}, and the slug forms {repo-slug}, {worktree-slug}, {branch-slug}
  // (lower-case a-z, 0-9 and -, never empty) for names other tools restrict.
  "vars": {
    // docker compose accepts only lower-case letters, digits, - and _ here.
    "COMPOSE_PROJECT_NAME": "{repo-slug}-{worktree-slug}",
    ` + strconv.Quote(strings.TrimSuffix(DefaultEnvName(first), "_PORT")+"_URL") + `: "http://localhost:{` + first + `}"
  },
  // Files in which allocate keeps a block of these variables, for programs that read a
  // file themselves (docker compose reads .env); add them to .gitignore:
  // "dotenv": [".env"]
}
`)
	return b.String()
}
