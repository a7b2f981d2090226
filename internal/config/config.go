// Package config reads the service spec: the committed
// .worktree-ports.config.json (JSONC) and the per-machine overrides in
// `git config worktree-ports.*` and flags. It validates everything it reads, and its
// errors name the file and the key at fault. It holds the table of every setting
// (Settings) and their one resolver (Inputs): flags, then the environment, then git
// config, each only where a setting's row allows it.
package config

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/git-worktree-ports/git-worktree-ports/internal/bundle"
	"github.com/git-worktree-ports/git-worktree-ports/internal/envname"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// FileName is the name of the config file at the top of the repository.
const FileName = ".worktree-ports.config.json"

// MaxFileSize is the largest config file Load reads. A real config is a
// few hundred bytes; the cap keeps a stray large file from being slurped.
const MaxFileSize = 1 << 20

// EnvRoot and EnvSlot are the env names the tool exports next to the
// services and vars. They are reserved: no service or var may use them.
const (
	EnvRoot = "WORKTREE_PORTS_ROOT"
	EnvSlot = "WORKTREE_PORTS_SLOT"
)

// Default values, used for keys the file leaves out and when there is no
// file.
const (
	DefaultRange = "20000-29999"
	DefaultWidth = 10
)

// Keys are the keys of the config file, in the order the documentation gives them;
// ServiceKeys are those of a service's object.
var (
	Keys        = []string{"range", "width", "services", "avoid", "vars", "dotenv", "exec", "host", "mainBranch", "$schema"}
	ServiceKeys = []string{"offset", "env", "health", "main"}
)

// Var is a derived value: Name is exported with Template rendered.
type Var struct {
	Name     string
	Template string
}

// ExecAssign is one member of the "exec" key: Key gets Service's port.
type ExecAssign struct {
	Key, Service string
}

// Config is the validated service spec and derived vars.
type Config struct {
	Spec bundle.Spec
	Vars []Var // ordered as in the file
	// Dotenv lists the files, relative to each worktree's top level, in which allocate
	// keeps a marked block of the worktree's variables, as the file gives them.
	Dotenv []string
	// Exec names the service a dev server gets from `exec` (package devserver), in
	// file order: a program ("vite"), a program's role ("node.inspect") or a
	// package.json script ("script:dev").
	Exec []ExecAssign
	// Host is the template of the services' host names (package hosttemplate), "" for
	// the default shape. It changes what the proxy routes and what port --url, list
	// --json and mcp give, so it waits for approval (Beyond).
	Host   string
	Source string // the file read, "" when defaults
	// Digest is the hex SHA-256 of the file's exact bytes, "" when there is no file: the
	// content `trust` approves (package trust).
	Digest string
	// Unapproved says PortsOnly dropped what the file asks beyond the ports, because
	// this content is not approved: callers say so in one line.
	Unapproved bool
	// FileRange is the range the file itself gives (zero when it gives none), and
	// RangeFrom where the range in Spec comes from when git config or a flag replaced
	// the file's ("git config worktree-ports.range", "--range 1-2"), "" otherwise: a
	// personal override of the committed range must not go unsaid (RangeNote).
	FileRange bundle.Range
	RangeFrom string
	// MainBranch, when set, gives the services' main ports to the worktree on this
	// branch instead of git's main worktree: in the bare layout (`git clone --bare .
	// .bare`, worktrees beside it) git's main worktree is the bare directory, which has
	// no files, so without it no worktree would get them. Like the main ports themselves
	// it waits for approval.
	MainBranch string

	// defaultServices says the file has no "services": the one default service, whose
	// env name PORT is the tool's own, not the file's choice.
	defaultServices bool

	// allow holds the env names the user allowed in their own git config
	// (AllowEnv); Validate and ApplyGit check again with it.
	allow envname.Allow
}

// Error is a configuration error. Error() reads
// "FILE: KEY: MSG", for example
// ".worktree-ports.config.json: services.api.offset: offset 12 is not below width 10",
// with File as it was given. Key is a dotted path into the file, with
// "[i]" for array elements; it is empty for errors about the whole file.
// For git config errors File is GitConfig and Key is the git key, and
// Error() reads "git config worktree-ports.width: MSG".
type Error struct {
	File string
	Key  string
	Msg  string
}

// GitConfig is Error.File for errors in `git config worktree-ports.*`.
const GitConfig = "git config"

// Error formats e as described on the type. A key comes from a committed file, so
// control characters in it (and in the file's path) are escaped.
func (e *Error) Error() string {
	file, key := untrusted.New(e.File).String(), untrusted.New(e.Key).String()
	switch {
	case e.File == GitConfig && e.Key != "":
		return file + " " + key + ": " + e.Msg
	case e.Key == "":
		return file + ": " + e.Msg
	default:
		return file + ": " + key + ": " + e.Msg
	}
}

// Default returns the config used when the repository has none: range
// 20000-29999, width 10, and one service "app" at offset 0 exported as PORT.
func Default() Config {
	r, _ := bundle.ParseRange(DefaultRange)
	return Config{Spec: bundle.Spec{
		Range:    r,
		Width:    DefaultWidth,
		Services: defaultServices(),
	}, defaultServices: true}
}

// defaultServices is the service set of a config without "services". PORT
// rather than APP_PORT because that is the name hosting platforms and most
// frameworks read.
func defaultServices() []bundle.Service {
	return []bundle.Service{{Name: "app", Offset: 0, Env: "PORT"}}
}

// DefaultEnvName returns the env name of a service without an explicit
// "env": upper-cased, "-" and "." turned into "_", and "_PORT" appended
// (api -> API_PORT, web-ui -> WEB_UI_PORT).
func DefaultEnvName(service string) string {
	r := strings.NewReplacer("-", "_", ".", "_")
	return r.Replace(strings.ToUpper(service)) + "_PORT"
}

// validServiceName reports whether s matches [A-Za-z0-9][A-Za-z0-9_.-]*. (A loop, not a
// package-level regexp: those are compiled on every start of the binary.)
func validServiceName(s string) bool {
	for i, r := range s {
		alnum := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
		if !alnum && (i == 0 || r != '_' && r != '.' && r != '-') {
			return false
		}
	}
	return s != ""
}

// builtinPlaceholders are the template placeholders that are not service
// names. A service may not take one of these names, or "{repo}" would be
// ambiguous.
var builtinPlaceholders = []string{"repo", "worktree", "slot", "base", "root", "repo-slug", "worktree-slug", "branch", "branch-slug", "repo_slug", "worktree_slug", "branch_slug"}

func isBuiltin(name string) bool {
	for _, b := range builtinPlaceholders {
		if name == b {
			return true
		}
	}
	return false
}

// Validate checks c as Parse does, and reports the first problem as an
// *Error naming c.Source (or FileName when c has no source). Callers that
// change a Config, for example from flags, use it to re-check.
func (c Config) Validate() error {
	file := c.Source
	if file == "" {
		file = FileName
	}
	if k, msg := c.check(); msg != "" {
		return &Error{File: file, Key: k, Msg: msg}
	}
	return nil
}

// check returns the key and message of the first semantic problem in c, or
// "", "" when there is none. Keys are those of the file, so Parse and
// ApplyGit can each attribute the problem to where it came from.
func (c Config) check() (key, msg string) {
	if k, msg := checkBounds(c.Spec); msg != "" {
		return k, msg
	}
	envOwner := map[string]string{
		EnvRoot: "reserved by git-worktree-ports",
		EnvSlot: "reserved by git-worktree-ports",
	}
	names, k, msg := checkServices(c.Spec.Services, c.Spec.Width, c.allow, envOwner)
	if msg != "" {
		return k, msg
	}
	if k, msg := checkMain(c.Spec.Services); msg != "" {
		return k, msg
	}
	if c.MainBranch != "" && !c.Spec.HasMain() {
		return "mainBranch", "names the worktree that keeps the main ports, but no service names one (services.<name>.main)"
	}
	if k, msg := checkVars(c.Vars, names, c.allow, envOwner); msg != "" {
		return k, msg
	}
	if k, msg := checkExec(c.Exec, names); msg != "" {
		return k, msg
	}
	return checkDotenv(c.Dotenv)
}

// checkExec checks that each program or script "exec" names gets a service there is.
func checkExec(assigns []ExecAssign, names map[string]bool) (key, msg string) {
	for _, e := range assigns {
		if !names[e.Service] {
			return "exec." + e.Key, fmt.Sprintf("service %q is not in services", e.Service)
		}
	}
	return "", ""
}

// checkBounds checks the numbers of a spec: width, range, avoid and how many services.
func checkBounds(s bundle.Spec) (key, msg string) {
	if s.Width < 1 || s.Width > bundle.MaxWidth {
		return "width", fmt.Sprintf("width %d is outside 1-%d", s.Width, bundle.MaxWidth)
	}
	if s.Range.Lo < bundle.MinPort || s.Range.Hi > bundle.MaxPort {
		return "range", fmt.Sprintf("range %v is outside %d-%d", s.Range, bundle.MinPort, bundle.MaxPort)
	}
	if s.Range.Lo > s.Range.Hi {
		return "range", fmt.Sprintf("range %d-%d is backwards", s.Range.Lo, s.Range.Hi)
	}
	if s.Range.Hi-s.Range.Lo+1 < s.Width {
		return "range", fmt.Sprintf("range %v is narrower than width %d", s.Range, s.Width)
	}
	for i, r := range s.Avoid {
		if r.Lo < 1 || r.Hi > bundle.MaxPort || r.Lo > r.Hi {
			return fmt.Sprintf("avoid[%d]", i), fmt.Sprintf("%v is not a port or a range in 1-%d", r, bundle.MaxPort)
		}
	}
	if len(s.Services) > bundle.MaxServices {
		return "services", fmt.Sprintf("%d services, more than the %d allowed (main ports would be reserved on the whole machine)", len(s.Services), bundle.MaxServices)
	}
	return "", ""
}

// checkServices checks each service's name, offset, env name and health path, and
// returns the set of service names, which vars' templates may name. envOwner says who
// holds each env name so far; it records the services' names for checkVars.
func checkServices(svcs []bundle.Service, width int, allow envname.Allow, envOwner map[string]string) (names map[string]bool, key, msg string) {
	offsetOwner := map[int]string{}
	names = map[string]bool{}
	for _, sv := range svcs {
		k := "services." + sv.Name
		switch {
		case !validServiceName(sv.Name):
			return nil, k, fmt.Sprintf("service name %q is not [A-Za-z0-9][A-Za-z0-9_.-]*", sv.Name)
		case isBuiltin(sv.Name):
			return nil, k, fmt.Sprintf("service name %q is taken by the {%s} placeholder", sv.Name, sv.Name)
		case names[sv.Name]:
			return nil, k, fmt.Sprintf("service %q is listed twice", sv.Name)
		}
		names[sv.Name] = true
		if sv.Offset < 0 || sv.Offset >= width {
			return nil, k + ".offset", fmt.Sprintf("offset %d is not below width %d", sv.Offset, width)
		}
		if other, ok := offsetOwner[sv.Offset]; ok {
			return nil, k + ".offset", fmt.Sprintf("offset %d is already used by service %s", sv.Offset, other)
		}
		offsetOwner[sv.Offset] = sv.Name
		if err := envname.Check(sv.Env, allow); err != nil {
			return nil, k + ".env", err.Error()
		}
		if owner, ok := envOwner[sv.Env]; ok {
			return nil, k + ".env", fmt.Sprintf("env name %s is already %s", sv.Env, owner)
		}
		envOwner[sv.Env] = "used by service " + sv.Name
		if sv.Health != "" && !strings.HasPrefix(sv.Health, "/") {
			return nil, k + ".health", fmt.Sprintf("health %q does not start with /", sv.Health)
		}
	}
	return names, "", ""
}

// checkVars checks each var's name (against envOwner, which holds the services' names)
// and template, whose placeholders may name the services in names.
func checkVars(vars []Var, names map[string]bool, allow envname.Allow, envOwner map[string]string) (key, msg string) {
	for _, v := range vars {
		k := "vars." + v.Name
		if err := envname.Check(v.Name, allow); err != nil {
			return k, err.Error()
		}
		if owner, ok := envOwner[v.Name]; ok {
			return k, fmt.Sprintf("env name %s is already %s", v.Name, owner)
		}
		envOwner[v.Name] = "used by var " + v.Name
		if strings.IndexByte(v.Template, 0) >= 0 {
			// An environment variable cannot hold a NUL byte.
			return k, "template contains a NUL byte"
		}
		if _, err := parseTemplate(v.Template, names); err != nil {
			return k, err.Error()
		}
	}
	return "", ""
}

// checkMain checks services.<name>.main: every service names one or none does, each
// is a port from bundle.MinPort up (the lowest any reservation file may list, since other
// worktrees read the main worktree's ports from its file), and no two services share one.
func checkMain(svcs []bundle.Service) (key, msg string) {
	var first *bundle.Service
	for i := range svcs {
		if svcs[i].Main != 0 {
			first = &svcs[i]
			break
		}
	}
	if first == nil {
		return "", ""
	}
	owner := map[int]string{}
	for _, sv := range svcs {
		k := "services." + sv.Name + ".main"
		switch {
		case sv.Main == 0:
			return k, fmt.Sprintf("missing: either every service names its port in the main worktree or none does (services.%s.main is %d)", first.Name, first.Main)
		case sv.Main < bundle.MinPort || sv.Main > bundle.MaxPort:
			return k, fmt.Sprintf("port %d is outside %d-%d", sv.Main, bundle.MinPort, bundle.MaxPort)
		}
		if other, ok := owner[sv.Main]; ok {
			return k, fmt.Sprintf("port %d is already the main port of service %s", sv.Main, other)
		}
		owner[sv.Main] = sv.Name
	}
	return "", ""
}

// checkDotenv checks the dotenv file list: paths, none twice, none the tool's own
// files. Where a path leads (out of the worktree, through a symlink, to a tracked file)
// is allocate's to check, in each worktree, with a warning.
func checkDotenv(files []string) (key, msg string) {
	seen := map[string]int{}
	for i, f := range files {
		k := fmt.Sprintf("dotenv[%d]", i)
		clean := filepath.ToSlash(filepath.Clean(f))
		switch {
		case f == "":
			return k, "empty; give a file path relative to the worktree's top level, such as \".env\""
		case strings.IndexByte(f, 0) >= 0:
			return k, "contains a NUL byte"
		case clean == "." || strings.HasSuffix(f, "/"):
			return k, fmt.Sprintf("%q is a directory; give a file path, such as \".env\"", f)
		case clean == FileName || clean == reservationFile:
			return k, fmt.Sprintf("%s is git-worktree-ports' own file", clean)
		}
		if j, ok := seen[clean]; ok {
			return k, fmt.Sprintf("%s is listed twice (dotenv[%d])", clean, j)
		}
		seen[clean] = i
	}
	return "", ""
}

// reservationFile is reserve.FileName, which config does not import.
const reservationFile = ".worktree-ports.json"

// RangeNote says, for allocate's line and list, where the range came from when git
// config or a flag replaced the one the file gives: "range 21000-21999 from git config
// worktree-ports.range, not the file's 20000-29999". It is "" when the range is the
// file's or the default, or an override repeats the file's.
func (c Config) RangeNote() string {
	if c.RangeFrom == "" || c.FileRange == (bundle.Range{}) || c.FileRange == c.Spec.Range {
		return ""
	}
	return fmt.Sprintf("range %d-%d from %s, not the file's %d-%d", c.Spec.Range.Lo, c.Spec.Range.Hi, c.RangeFrom, c.FileRange.Lo, c.FileRange.Hi)
}
