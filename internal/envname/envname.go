// Package envname owns the one policy on environment variable names that a
// committed file (.worktree-ports.config.json) or a reservation file
// (.worktree-ports.json) may put into a user's shell and programs.
//
// A name must be valid ([A-Za-z_][A-Za-z0-9_]*, so it can be written into
// `eval`ed shell code unquoted), and it must not be one that a shell or
// another program reads as code or configuration: those are listed in Rules,
// each with the manual it comes from. A user may allow a listed name for
// themselves (Allow, filled from their own git config); nothing in a committed
// file can.
//
// Every check of an env name in the tool calls this package (Check, or Valid
// where only the syntax matters), so there is exactly one list and one rule.
package envname

import (
	"runtime"
	"strconv"
	"strings"
)

// Valid reports whether name is a portable environment variable name:
// [A-Za-z_][A-Za-z0-9_]*. (A loop, not a package-level regexp: those are
// compiled on every start of the binary, and `env` runs at every prompt.)
func Valid(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '_', 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z':
		case '0' <= c && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// On Windows an environment name means one variable in any case: setting "Path" sets
// PATH, and "worktree_ports_root" replaces WORKTREE_PORTS_ROOT. So every comparison of
// names here is made as the system makes it (SameOn). The functions named ...On take
// the system (a GOOS value), so that tests on any system can drive each; the others
// use the running one.

// FoldsCase reports whether environment names are case-insensitive on goos.
func FoldsCase(goos string) bool { return goos == "windows" }

// Same reports whether a and b name one variable on the running system.
func Same(a, b string) bool { return SameOn(runtime.GOOS, a, b) }

// SameOn reports whether a and b name one variable on goos: equal bytes, or, where
// names fold case (Windows), equal but for the case of ASCII letters. Valid names are
// ASCII.
func SameOn(goos, a, b string) bool {
	if a == b {
		return true
	}
	if !FoldsCase(goos) || len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if lowerASCII(a[i]) != lowerASCII(b[i]) {
			return false
		}
	}
	return true
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// hasPrefixOn reports whether name starts with prefix, compared as SameOn compares.
func hasPrefixOn(goos, name, prefix string) bool {
	return len(name) >= len(prefix) && SameOn(goos, name[:len(prefix)], prefix)
}

// Reserved are the names git-worktree-ports exports itself (config.EnvRoot and
// config.EnvSlot, held equal by TestReservedMatchConfig). Callers refuse them by name;
// Check refuses, where names fold case, another spelling of one.
var Reserved = []string{"WORKTREE_PORTS_ROOT", "WORKTREE_PORTS_SLOT"}

// Refused returns the first rule in Rules that lists name, exactly or by a
// prefix, and whether there is one. Names a rule's prefix would catch but
// that Spared lists are not refused.
func Refused(name string) (*Rule, bool) { return RefusedOn(runtime.GOOS, name) }

// RefusedOn is Refused with names compared as goos compares them.
func RefusedOn(goos, name string) (*Rule, bool) {
	for i := range Rules {
		r := &Rules[i]
		for _, n := range r.Names {
			if p, ok := strings.CutSuffix(n, "*"); ok {
				if hasPrefixOn(goos, name, p) && !spared(goos, name) {
					return r, true
				}
			} else if SameOn(goos, n, name) {
				return r, true
			}
		}
	}
	return nil, false
}

func spared(goos, name string) bool {
	for _, s := range Spared {
		if SameOn(goos, s.Name, name) {
			return true
		}
	}
	return false
}

// Allow is the set of names a user allowed for themselves with
// `git config --add worktree-ports.allowEnv NAME`. The zero value allows
// nothing.
type Allow map[string]bool

// allows reports whether a lists name, compared as goos compares names.
func (a Allow) allows(goos, name string) bool {
	if a[name] {
		return true
	}
	if FoldsCase(goos) {
		for n, ok := range a {
			if ok && SameOn(goos, n, name) {
				return true
			}
		}
	}
	return false
}

// Check returns nil when name may be exported to the user's environment, and
// otherwise an *Error saying why not: the name is not valid, or a rule lists it
// and allow does not.
func Check(name string, allow Allow) error { return CheckOn(runtime.GOOS, name, allow) }

// CheckOn is Check with names compared as goos compares them. Where names fold case it
// also refuses another spelling of a Reserved name, which no allowance lifts.
func CheckOn(goos, name string, allow Allow) error {
	if !Valid(name) {
		return &Error{Name: name}
	}
	for _, r := range Reserved {
		if name != r && SameOn(goos, name, r) {
			return &Error{Name: name, Reserved: r}
		}
	}
	if allow.allows(goos, name) {
		return nil
	}
	if r, ok := RefusedOn(goos, name); ok {
		return &Error{Name: name, Rule: r}
	}
	return nil
}

// GitKey is the git config key that allows a refused name, as documented (git
// itself matches the variable part case-insensitively).
const GitKey = "worktree-ports.allowEnv"

// Error says why a name may not be exported.
type Error struct {
	Name string // as given; it may be hostile
	Rule *Rule  // the rule that lists it, or nil when the name is not valid
	// Reserved is the name the tool sets itself that Name is another spelling of,
	// where names fold case.
	Reserved string
}

// Error reads, for an invalid name,
//
//	env name "A-B" is not [A-Za-z_][A-Za-z0-9_]*
//
// and for a listed one
//
//	env name MAILPATH is special to bash (bash(1), PARAMETERS, Shell Variables), so a
//	repository's files may not set it; choose another name, or allow it for
//	yourself: git config --global --add worktree-ports.allowEnv MAILPATH
//
// on one line. An invalid name is quoted and shortened, because it may hold
// terminal escapes or be arbitrarily long.
func (e *Error) Error() string {
	if e.Reserved != "" {
		return "env name " + e.Name + " is " + e.Reserved + " on this system (names are case-insensitive), which git-worktree-ports sets itself; choose another name"
	}
	if e.Rule == nil {
		return "env name " + Quote(e.Name) + " is not [A-Za-z_][A-Za-z0-9_]*"
	}
	return "env name " + e.Name + " is " + e.Rule.Reader + " (" + e.Rule.Source +
		"), so a repository's files may not set it; choose another name, or allow it for yourself: git config --global --add " +
		GitKey + " " + e.Name
}

// Quote returns name as a Go string literal, shortened to 64 bytes, for
// messages about names that may be hostile.
func Quote(name string) string {
	if len(name) > 64 {
		return strconv.Quote(name[:64]) + "..."
	}
	return strconv.Quote(name)
}
