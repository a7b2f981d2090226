// Package gitwt turns git's porcelain into values: pure parsers over the bytes
// git prints, and a thin runner (Git) that calls the real git binary.
//
// Every fact here comes from git itself rather than from a Go reimplementation,
// because go-git cannot list linked worktrees and refuses repositories with
// extensions.worktreeConfig or extensions.relativeWorktrees. Reading git's files
// directly, where that can be done as git does, is package gitfiles; its answers are
// the values defined here (Location, Worktree, ConfigEntry), so the two agree by type.
package gitwt

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
)

// Worktree is one record of `git worktree list --porcelain -z`.
type Worktree struct {
	// Path is the worktree's directory exactly as git prints it. Git normally
	// prints an absolute path; git before 2.48 prints a hand-written relative
	// link (see the package tests) verbatim, relative to nothing in particular.
	Path string
	// Head is the commit id HEAD resolves to; "" for a bare main worktree and
	// git's null id (all zeros) on an unborn branch.
	Head string
	// Branch is the full ref HEAD points to, e.g. "refs/heads/main"; "" when
	// detached or bare.
	Branch   string
	Bare     bool
	Detached bool
	Locked   bool
	// LockReason is the trimmed content of the lock file; "" when locked
	// without a reason.
	LockReason string
	Prunable   bool
	// PrunableReason is git's explanation, e.g. "gitdir file points to
	// non-existent location".
	PrunableReason string
	// ListedPath is the path git printed when Path was corrected: for a main
	// worktree that git lists by its git directory, Path is the real working
	// tree (Git.Worktrees, and repository.Discover run in the main worktree).
	// It is "" when Path is git's own line.
	ListedPath string
}

// Listed returns the path exactly as git listed it.
func (w Worktree) Listed() string {
	if w.ListedPath != "" {
		return w.ListedPath
	}
	return w.Path
}

// Name returns the base name of the worktree's directory, which the rest of
// the tool uses as the worktree's name.
func (w Worktree) Name() string { return filepath.Base(w.Path) }

// ShortBranch returns Branch without its "refs/heads/" prefix, so "main" for
// refs/heads/main. It returns "" when the worktree is detached or bare, and
// the full ref unchanged when HEAD points outside refs/heads/ (possible with
// `git symbolic-ref`), because shortening it further would be ambiguous.
func (w Worktree) ShortBranch() string {
	return strings.TrimPrefix(w.Branch, "refs/heads/")
}

// SetPath replaces the path git listed with the real working tree, keeping git's line in
// ListedPath.
func (w *Worktree) SetPath(p string) {
	if p == w.Path {
		return
	}
	if w.ListedPath == "" {
		w.ListedPath = w.Path
	}
	w.Path = p
}

// ParseWorktreesZ parses the output of `git worktree list --porcelain -z`.
//
// Each attribute is terminated by NUL and each record ends with an empty
// attribute. A record starts with "worktree <path>"; "locked" and "prunable"
// carry an optional reason after a space. Unknown attributes are ignored so
// that newer versions of git keep working. Empty input yields no worktrees.
// Input that is truncated, lacks the leading "worktree" attribute, repeats an
// attribute or has an empty path or ref is reported as an error.
func ParseWorktreesZ(b []byte) ([]Worktree, error) {
	var (
		out    []Worktree
		cur    Worktree
		inRec  bool
		seen   = map[string]bool{}
		offset int
	)
	for len(b) > 0 {
		i := bytes.IndexByte(b, 0)
		if i < 0 {
			return nil, fmt.Errorf("worktree list: byte %d: attribute not NUL-terminated (truncated output?)", offset)
		}
		attr := string(b[:i])
		at := offset
		b = b[i+1:]
		offset += i + 1

		if attr == "" {
			if !inRec {
				return nil, fmt.Errorf("worktree list: byte %d: empty record", at)
			}
			out = append(out, cur)
			cur, inRec = Worktree{}, false
			clear(seen)
			continue
		}

		key, val, _ := strings.Cut(attr, " ")
		if !inRec {
			if key != "worktree" {
				return nil, fmt.Errorf("worktree list: byte %d: record starts with %q, want \"worktree\"", at, key)
			}
			inRec = true
		}
		if seen[key] {
			return nil, fmt.Errorf("worktree list: byte %d: repeated attribute %q", at, key)
		}
		seen[key] = true

		if err := cur.set(key, val, at); err != nil {
			return nil, err
		}
	}
	if inRec {
		return nil, fmt.Errorf("worktree list: record for %q not terminated (truncated output?)", cur.Path)
	}
	return out, nil
}

// IsHex reports whether s is a non-empty run of hexadecimal digits, as git writes object
// ids; the readers of git's files share it with the porcelain parser.
func IsHex(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// ConfigEntry is one key and value from `git config -z`.
type ConfigEntry struct{ Key, Value string }

// ParseConfigZ parses the output of `git config -z --get-regexp`: entries are
// NUL-terminated, and each is the key, a newline and the value. A key written
// without "=" in the config file (git's shorthand for boolean true) has no
// newline and yields an empty Value, the same as "key =" does; callers that
// read booleans should treat both as git does. Keys keep git's spelling
// (section and name lower-cased, subsection as written). A last entry with no
// NUL is kept, and empty entries are skipped, so the parser never fails.
func ParseConfigZ(b []byte) []ConfigEntry {
	var out []ConfigEntry
	for _, rec := range strings.Split(string(b), "\x00") {
		if rec == "" {
			continue
		}
		k, v, _ := strings.Cut(rec, "\n")
		out = append(out, ConfigEntry{Key: k, Value: v})
	}
	return out
}

// ParseVersion parses the output of `git version`, such as
// "git version 2.39.5", "git version 2.45.1.windows.1" or
// "git version 2.39.3 (Apple Git-146)", into its major and minor numbers.
func ParseVersion(s string) (major, minor int, err error) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(s), "git version ")
	if !ok {
		return 0, 0, fmt.Errorf("git version: unrecognised output %q", s)
	}
	fields := strings.Fields(rest)
	if len(fields) == 0 {
		return 0, 0, fmt.Errorf("git version: no version number in %q", s)
	}
	parts := strings.SplitN(fields[0], ".", 3)
	if len(parts) < 2 {
		return 0, 0, fmt.Errorf("git version: no minor version in %q", s)
	}
	if !isDigits(parts[0]) || !isDigits(parts[1]) {
		return 0, 0, fmt.Errorf("git version: bad version number in %q", s)
	}
	major, err1 := strconv.Atoi(parts[0])
	minor, err2 := strconv.Atoi(parts[1])
	if err := errors.Join(err1, err2); err != nil {
		return 0, 0, fmt.Errorf("git version: bad version number in %q: %w", s, err)
	}
	return major, minor, nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// set records one attribute of git's record, at byte at of the output: the table of the
// attributes git writes.
func (w *Worktree) set(key, val string, at int) error {
	switch key {
	case "worktree":
		if val == "" {
			return fmt.Errorf("worktree list: byte %d: empty worktree path", at)
		}
		w.Path = val
	case "HEAD":
		if !IsHex(val) {
			return fmt.Errorf("worktree list: byte %d: HEAD %q is not a commit id", at, val)
		}
		w.Head = val
	case "branch":
		if val == "" {
			return fmt.Errorf("worktree list: byte %d: empty branch", at)
		}
		w.Branch = val
	case "bare":
		w.Bare = true
	case "detached":
		w.Detached = true
	case "locked":
		w.Locked = true
		w.LockReason = val
	case "prunable":
		w.Prunable = true
		w.PrunableReason = val
	default:
		// Forward compatible: a newer git may add attributes we do not
		// need, and refusing them would break every command.
	}
	return nil
}
