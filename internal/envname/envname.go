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

// Refused returns the first rule in Rules that lists name, exactly or by a
// prefix, and whether there is one. Names a rule's prefix would catch but
// that Spared lists are not refused.
func Refused(name string) (*Rule, bool) {
	for i := range Rules {
		r := &Rules[i]
		for _, n := range r.Names {
			if p, ok := strings.CutSuffix(n, "*"); ok {
				if strings.HasPrefix(name, p) && !spared(name) {
					return r, true
				}
			} else if n == name {
				return r, true
			}
		}
	}
	return nil, false
}

func spared(name string) bool {
	for _, s := range Spared {
		if s.Name == name {
			return true
		}
	}
	return false
}

// Allow is the set of names a user allowed for themselves with
// `git config --add worktree-ports.allowEnv NAME`. The zero value allows
// nothing.
type Allow map[string]bool

// Check returns nil when name may be exported to the user's environment, and
// otherwise an *Error saying why not: the name is not valid, or a rule lists it
// and allow does not.
func Check(name string, allow Allow) error {
	if !Valid(name) {
		return &Error{Name: name}
	}
	if allow[name] {
		return nil
	}
	if r, ok := Refused(name); ok {
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
