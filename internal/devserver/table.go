// Package devserver knows the dev servers that do not read PORT, and puts a worktree's
// ports into the flags each one reads: `vite` becomes `vite --port N --strictPort`,
// `manage.py runserver` becomes `manage.py runserver 127.0.0.1:N`. It is pure: it
// rewrites an argv given the ports, and says in one line why it left one alone.
//
// The rules, as portless learned them: only a server subcommand gets a port (`vite`,
// `vite dev`, never `vite build`); a port the user wrote is never overridden; anything
// that cannot be parsed safely (a shell string, an env prefix, a `--` in the arguments)
// runs as written, with a note.
package devserver

import (
	"fmt"
	"strings"
)

// Program is one row of the table: a dev server, how it is invoked, and the flags that
// carry its port.
type Program struct {
	// Name is the program's name in the config's "exec" key and in the man page.
	Name string
	// Commands are the executable names (base names) that run it.
	Commands []string
	// Serve are the subcommands that start a server; Bare says the command with no
	// subcommand (only flags) starts one too; Always says every invocation does.
	Serve  []string
	Bare   bool
	Always bool
	// PortFlags are the flags by which a user sets the port; one of them in the
	// arguments leaves the port alone.
	PortFlags []string
	// Inject are the arguments appended for the port; "{port}" stands for it.
	Inject []string
	// AddrPort says the port goes in Django's positional addr:port instead, and a
	// positional argument after the subcommand is the user's own.
	AddrPort bool
	// ValueFlags take a value as the next argument, so that value is no positional.
	ValueFlags []string
	// Roles are other ports the program reads, by role name ("inspect"): they are
	// injected only where the config names a service for "<Name>.<role>".
	Roles []Role
}

// Role is a second port of a program, such as an inspector.
type Role struct {
	Name      string
	PortFlags []string // flags by which a user sets it
	Inject    []string // appended, "{port}" standing for the port
	// Fill says the role's flag is completed rather than added: node's `--inspect`
	// written without a port becomes `--inspect=127.0.0.1:N`, and nothing is added when
	// the user did not ask for an inspector.
	Fill []string
}

// Table is every program exec knows, in the order the man page lists them.
var Table = []Program{
	{Name: "vite", Commands: []string{"vite"}, Serve: []string{"dev", "serve", "preview"}, Bare: true,
		PortFlags: []string{"--port"}, Inject: []string{"--port", "{port}", "--strictPort"}},
	{Name: "next", Commands: []string{"next"}, Serve: []string{"dev", "start"}, Bare: true,
		PortFlags: []string{"-p", "--port"}, Inject: []string{"-p", "{port}"}},
	{Name: "astro", Commands: []string{"astro"}, Serve: []string{"dev", "preview"},
		PortFlags: []string{"--port"}, Inject: []string{"--port", "{port}"}},
	{Name: "angular", Commands: []string{"ng"}, Serve: []string{"serve", "s", "dev"},
		PortFlags: []string{"--port"}, Inject: []string{"--port", "{port}"}},
	{Name: "nuxt", Commands: []string{"nuxt", "nuxi"}, Serve: []string{"dev", "preview"},
		PortFlags: []string{"-p", "--port"}, Inject: []string{"--port", "{port}"}},
	{Name: "react-router", Commands: []string{"react-router"}, Serve: []string{"dev"},
		PortFlags: []string{"--port"}, Inject: []string{"--port", "{port}", "--strictPort"}},
	{Name: "storybook", Commands: []string{"storybook"}, Serve: []string{"dev"},
		PortFlags: []string{"-p", "--port"}, Inject: []string{"-p", "{port}", "--exact-port"}},
	{Name: "django", Commands: []string{"django-admin", "manage.py"}, Serve: []string{"runserver"},
		AddrPort: true, Inject: []string{"127.0.0.1:{port}"},
		ValueFlags: []string{"--settings", "--pythonpath", "-v", "--verbosity"}},
	{Name: "rails", Commands: []string{"rails"}, Serve: []string{"server", "s"},
		PortFlags: []string{"-p", "--port"}, Inject: []string{"-p", "{port}"}},
	{Name: "uvicorn", Commands: []string{"uvicorn"}, Always: true,
		PortFlags: []string{"--port", "--fd", "--uds"}, Inject: []string{"--port", "{port}"}},
	{Name: "flask", Commands: []string{"flask"}, Serve: []string{"run"},
		ValueFlags: []string{"--app", "-A", "--env-file", "-e"},
		PortFlags:  []string{"-p", "--port"}, Inject: []string{"--port", "{port}"}},
	{Name: "expo", Commands: []string{"expo"}, Serve: []string{"start"},
		PortFlags: []string{"-p", "--port"}, Inject: []string{"--port", "{port}"}},
	{Name: "metro", Commands: []string{"react-native"}, Serve: []string{"start"},
		PortFlags: []string{"--port"}, Inject: []string{"--port", "{port}"}},
	{Name: "wrangler", Commands: []string{"wrangler"}, Serve: []string{"dev"},
		PortFlags: []string{"--port"}, Inject: []string{"--port", "{port}"},
		Roles: []Role{{Name: "inspect", PortFlags: []string{"--inspector-port"}, Inject: []string{"--inspector-port", "{port}"}}}},
	{Name: "node", Commands: []string{"node", "nodejs"}, Always: true,
		Roles: []Role{{Name: "inspect", Fill: []string{"--inspect", "--inspect-brk", "--inspect-wait"}}}},
}

// pythonModules are the programs `python -m MODULE` runs.
var pythonModules = map[string]string{"uvicorn": "uvicorn", "flask": "flask", "django": "django"}

// Runners are the package runners that run a program's binary: `npx vite`,
// `pnpm exec vite`. Each maps to the words that precede the program.
var runners = []struct {
	cmd  string
	sub  string   // "" when the runner takes the program directly
	opts []string // options it may be given before the program, that take no value
}{
	{cmd: "npx", opts: []string{"-y", "--yes", "--no-install", "-q", "--quiet"}},
	{cmd: "bunx", opts: []string{"--bun"}},
	{cmd: "pnpx"},
	{cmd: "npm", sub: "exec", opts: []string{"-y", "--yes", "--"}},
	{cmd: "pnpm", sub: "exec"},
	{cmd: "pnpm", sub: "dlx"},
	{cmd: "yarn", sub: "exec"},
	{cmd: "yarn", sub: "dlx"},
}

// scriptRunners run a package.json script: `npm run dev`. sep is what goes between the
// script's name and the arguments passed on to it: npm needs "--", the others pass
// what follows the name.
var scriptRunners = []struct {
	cmd, sub, sep string
}{
	{"npm", "run", "--"}, {"npm", "run-script", "--"}, {"npm", "start", "--"},
	{"pnpm", "run", ""}, {"pnpm", "start", ""},
	{"yarn", "run", ""}, {"yarn", "start", ""},
	{"bun", "run", ""},
}

// Lookup returns the program a command name runs (a base name: "vite",
// "node_modules/.bin/vite" is given as "vite").
func Lookup(name string) (Program, bool) {
	for _, p := range Table {
		for _, c := range p.Commands {
			if c == name {
				return p, true
			}
		}
	}
	return Program{}, false
}

func byName(name string) (Program, bool) {
	for _, p := range Table {
		if p.Name == name {
			return p, true
		}
	}
	return Program{}, false
}

// CheckKey returns why key cannot be a member of the config's "exec" key, "" when it
// can: a program of the table, a program's role ("node.inspect"), or a script
// ("script:dev").
func CheckKey(key string) string {
	if name, ok := strings.CutPrefix(key, ScriptKey); ok {
		if name == "" {
			return "names no script: use \"script:NAME\" for the package.json script NAME"
		}
		return ""
	}
	prog, role, hasRole := strings.Cut(key, ".")
	p, ok := byName(prog)
	if !ok {
		names := make([]string, len(Table))
		for i, p := range Table {
			names[i] = p.Name
		}
		return fmt.Sprintf("unknown program %q (known: %s, or script:NAME)", prog, strings.Join(names, ", "))
	}
	if !hasRole {
		if len(p.Inject) == 0 {
			return fmt.Sprintf("%s takes a port only as a role (%s.inspect)", prog, prog)
		}
		return ""
	}
	for _, r := range p.Roles {
		if r.Name == role {
			return ""
		}
	}
	if len(p.Roles) == 0 {
		return fmt.Sprintf("%s has no port but its own; use %q", prog, prog)
	}
	return fmt.Sprintf("%s has no role %q (known: %s.%s)", prog, role, prog, p.Roles[0].Name)
}
