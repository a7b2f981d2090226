package devserver

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// ScriptKey is the prefix of the "exec" key that names a package.json script:
// "script:dev" gives the script "dev" a service.
const ScriptKey = "script:"

// Ports say which port each program gets.
type Ports struct {
	// Assign is the config's approved "exec" key: a program ("vite"), a program's
	// role ("node.inspect") or a script ("script:dev") -> a service name.
	Assign map[string]string
	// Default is the service a program the user typed gets when Assign names none:
	// the only service of a config that has one ("app" without a config), "" otherwise.
	Default string
	// Port is each service's port in this worktree.
	Port map[string]int
}

// Result is what exec runs, and what to say about it.
type Result struct {
	Argv []string
	// Program is the table's name of the dev server found, "" when none was.
	Program string
	// Injected says Argv differs from the argv given.
	Injected bool
	// Note is one line for stderr saying why a dev server runs as written, "" when
	// there is nothing to say.
	Note string
}

// Rewrite returns argv with this worktree's ports in the flags its dev server reads.
// script returns the command of a package.json script by name (false when there is
// none); only a script the config names ("script:NAME") is looked into, since its
// command is committed content and not what the user typed.
func Rewrite(argv []string, p Ports, script func(name string) (string, bool)) Result {
	same := Result{Argv: argv}
	if len(argv) == 0 {
		return same
	}
	base := filepath.Base(argv[0])
	if r, ok := rewriteShell(base, argv); ok {
		return r
	}
	if r, ok := rewriteScript(base, argv, p, script); ok {
		return r
	}
	prefix, rest := stripRunner(base, argv)
	prog, args, ok := identify(rest)
	if !ok {
		return same
	}
	svc := p.Assign[prog.Name]
	if svc == "" {
		svc = p.Default
	}
	newArgs, note := apply(prog, args, svc, "exec."+prog.Name, p, true)
	out := append(append(append([]string{}, prefix...), rest[:len(rest)-len(args)]...), newArgs...)
	return Result{Argv: out, Program: prog.Name, Injected: !equal(out, argv), Note: note}
}

// shellWords are the shells whose -c string exec leaves alone.
var shellWords = map[string]bool{"sh": true, "bash": true, "dash": true, "zsh": true, "ksh": true}

// shellWord matches what may be a command name in a shell string.
var shellWord = regexp.MustCompile(`[A-Za-z0-9_./-]+`)

// rewriteShell leaves `sh -c '...'` as written, and says so when the string runs a
// known dev server: a shell string is not parsed.
func rewriteShell(base string, argv []string) (Result, bool) {
	if !shellWords[base] || len(argv) < 3 || argv[1] != "-c" {
		return Result{}, false
	}
	for _, w := range shellWord.FindAllString(argv[2], -1) {
		if prog, ok := Lookup(filepath.Base(w)); ok {
			return Result{Argv: argv, Program: prog.Name, Note: fmt.Sprintf("note: exec: %s -c runs a shell string, which is left as written; %s's port is in the environment (see `git worktree-ports env`)", base, prog.Name)}, true
		}
	}
	return Result{Argv: argv}, true
}

// unsafeScript matches what makes a script's command more than one plain command:
// operators, substitutions, quotes, redirections, globs, escapes.
var unsafeScript = regexp.MustCompile(`[&|;<>$` + "`" + `'"()\\*?{}\n\r]`)

// rewriteScript handles `npm run NAME` and the like.
func rewriteScript(base string, argv []string, p Ports, script func(string) (string, bool)) (Result, bool) {
	if len(argv) < 2 {
		return Result{}, false
	}
	for _, sr := range scriptRunners {
		if base != sr.cmd || argv[1] != sr.sub {
			continue
		}
		name, at := sr.sub, 2 // `npm start` runs the script "start"
		if sr.sub != "start" {
			if len(argv) < 3 || strings.HasPrefix(argv[2], "-") {
				return Result{Argv: argv}, true
			}
			name, at = argv[2], 3
		}
		return runScript(argv, name, at, sr.sep, p, script), true
	}
	return Result{}, false
}

func runScript(argv []string, name string, at int, sep string, p Ports, script func(string) (string, bool)) Result {
	same := Result{Argv: argv}
	if script == nil {
		return same
	}
	cmdline, ok := script(name)
	if !ok {
		return same
	}
	label := fmt.Sprintf("package.json script %q", name)
	words := strings.Fields(cmdline)
	if len(words) == 0 {
		return same
	}
	svc := p.Assign[ScriptKey+name]
	if unsafeScript.MatchString(cmdline) || strings.Contains(words[0], "=") {
		if svc == "" && !mentionsServer(words) {
			return same
		}
		return Result{Argv: argv, Note: fmt.Sprintf("note: exec: %s is not one plain command (%s), so it runs as written; its ports are in the environment", label, untrustedShort(cmdline))}
	}
	_, rest := stripRunner(filepath.Base(words[0]), words)
	prog, progArgs, ok := identify(rest)
	if !ok {
		return same
	}
	if svc == "" {
		return Result{Argv: argv, Program: prog.Name, Note: fmt.Sprintf("note: exec: %s runs %s, which gets a port only where the approved config names a service for it (\"exec\": {%q: \"SERVICE\"})", label, prog.Name, ScriptKey+name)}
	}
	// What the runner passes on follows the script's own arguments.
	passed := argv[at:]
	if sep != "" && len(passed) > 0 {
		if passed[0] != sep {
			return Result{Argv: argv, Program: prog.Name, Note: fmt.Sprintf("note: exec: %s: arguments before %q are the runner's; it runs as written", label, sep)}
		}
		passed = passed[1:]
	}
	all := append(append([]string{}, progArgs...), passed...)
	newArgs, note := apply(prog, all, svc, "exec."+ScriptKey+name, p, false)
	extra := newArgs[len(all):]
	if len(extra) == 0 {
		return Result{Argv: argv, Program: prog.Name, Note: note}
	}
	out := append([]string{}, argv...)
	if sep != "" && len(argv) == at {
		out = append(out, sep)
	}
	out = append(out, extra...)
	return Result{Argv: out, Program: prog.Name, Injected: true, Note: note}
}

// mentionsServer reports whether any word runs a known dev server.
func mentionsServer(words []string) bool {
	for _, w := range words {
		if _, ok := Lookup(filepath.Base(w)); ok {
			return true
		}
	}
	return false
}

// untrustedShort shortens a committed command for a one-line note and drops control
// characters: it is not the user's text.
func untrustedShort(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	if len(s) > 60 {
		s = s[:57] + "..."
	}
	return s
}

// stripRunner splits off a package runner (`npx -y`, `pnpm exec`), returning the words
// before the program and the program's argv.
func stripRunner(base string, argv []string) (prefix, rest []string) {
	for _, r := range runners {
		if base != r.cmd {
			continue
		}
		i := 1
		if r.sub != "" {
			if len(argv) < 2 || argv[1] != r.sub {
				continue
			}
			i = 2
		}
		for i < len(argv) && contains(r.opts, argv[i]) {
			i++
		}
		if i < len(argv) && !strings.HasPrefix(argv[i], "-") {
			return argv[:i], argv[i:]
		}
		return argv, nil
	}
	if base == "yarn" || base == "bun" {
		// `yarn vite` runs the binary when it is a known program.
		if len(argv) > 1 {
			if _, ok := Lookup(argv[1]); ok {
				return argv[:1], argv[1:]
			}
		}
	}
	return nil, argv
}

var pythonName = regexp.MustCompile(`^python[0-9.]*$`)

// identify finds the program argv runs and where its arguments start.
func identify(argv []string) (Program, []string, bool) {
	if len(argv) == 0 {
		return Program{}, nil, false
	}
	base := filepath.Base(argv[0])
	if pythonName.MatchString(base) && len(argv) >= 2 {
		switch {
		case argv[1] == "-m" && len(argv) >= 3:
			if name, ok := pythonModules[argv[2]]; ok {
				prog, _ := byName(name)
				return prog, argv[3:], true
			}
		case filepath.Base(argv[1]) == "manage.py":
			prog, _ := byName("django")
			return prog, argv[2:], true
		}
		return Program{}, nil, false
	}
	prog, ok := Lookup(base)
	if !ok {
		return Program{}, nil, false
	}
	return prog, argv[1:], true
}

// apply returns args with the ports appended (or node's --inspect filled in), and a
// note when it left a port out. key names the config key in notes; roles says the
// program's other ports may be given (not in a script, where only appending works).
func apply(prog Program, args []string, svc, key string, p Ports, roles bool) ([]string, string) {
	if contains(args, "--") {
		return args, fmt.Sprintf("note: exec: %s: the arguments hold a --, after which a flag would be read as an argument; it runs as written", prog.Name)
	}
	sub := ""
	if !prog.Always {
		if i := subIndex(args, prog.ValueFlags); i < len(args) && !strings.HasPrefix(args[i], "-") {
			sub = args[i]
			if !contains(prog.Serve, sub) {
				return args, "" // not a server: vite build
			}
		} else if !prog.Bare {
			return args, ""
		}
	}
	out := append([]string{}, args...)
	var notes []string
	if len(prog.Inject) > 0 {
		port, ok := p.Port[svc]
		switch {
		case svc == "":
			notes = append(notes, fmt.Sprintf("%s gets no port: the config has several services and names none for it (\"exec\": {%q: \"SERVICE\"})", prog.Name, prog.Name))
		case !ok:
			notes = append(notes, fmt.Sprintf("%s gets no port: %s names service %q, which this worktree's reservation does not have", prog.Name, key, svc))
		case prog.AddrPort && hasPositional(args, sub, prog.ValueFlags):
			notes = append(notes, fmt.Sprintf("%s: your addr:port is kept", prog.Name))
		case !prog.AddrPort && hasFlag(args, prog.PortFlags):
			notes = append(notes, fmt.Sprintf("%s: your port flag is kept", prog.Name))
		default:
			out = append(out, fill(prog.Inject, port)...)
		}
	}
	for _, role := range prog.Roles {
		rsvc := p.Assign[prog.Name+"."+role.Name]
		if rsvc == "" || !roles {
			continue
		}
		port, ok := p.Port[rsvc]
		if !ok {
			notes = append(notes, fmt.Sprintf("%s's %s port: the config names service %q, which this worktree's reservation does not have", prog.Name, role.Name, rsvc))
			continue
		}
		if len(role.Fill) > 0 {
			for i, a := range out {
				if contains(role.Fill, a) {
					out[i] = a + "=127.0.0.1:" + strconv.Itoa(port)
					break
				}
			}
			continue
		}
		if !hasFlag(args, role.PortFlags) {
			out = append(out, fill(role.Inject, port)...)
		}
	}
	if len(notes) == 0 {
		return out, ""
	}
	return out, "note: exec: " + strings.Join(notes, "; ")
}

// subIndex returns where the subcommand is in args: after the leading options that
// take their value with them (`--app=hello`) or are known to take the next argument
// (`flask --app hello run`). An option it does not know ends the search there.
func subIndex(args, valueFlags []string) int {
	i := 0
	for i < len(args) {
		switch a := args[i]; {
		case contains(valueFlags, a):
			i += 2
		case strings.HasPrefix(a, "--") && strings.Contains(a, "="):
			i++
		default:
			return i
		}
	}
	return i
}

// fill replaces {port} in the template args.
func fill(tmpl []string, port int) []string {
	out := make([]string, len(tmpl))
	for i, t := range tmpl {
		out[i] = strings.ReplaceAll(t, "{port}", strconv.Itoa(port))
	}
	return out
}

// hasFlag reports whether args set one of flags: `--port 1`, `--port=1`, or a short
// flag with its value attached (`-p3000`).
func hasFlag(args, flags []string) bool {
	for _, a := range args {
		for _, f := range flags {
			if a == f || strings.HasPrefix(a, f+"=") || len(f) == 2 && strings.HasPrefix(a, f) && len(a) > 2 && a[2] >= '0' && a[2] <= '9' {
				return true
			}
		}
	}
	return false
}

// hasPositional reports whether args hold a positional argument after the subcommand
// sub, skipping the values of valueFlags.
func hasPositional(args []string, sub string, valueFlags []string) bool {
	seenSub := sub == ""
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case !seenSub && a == sub:
			seenSub = true
		case contains(valueFlags, a):
			i++
		case strings.HasPrefix(a, "-"):
		default:
			if seenSub {
				return true
			}
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
