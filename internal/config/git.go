package config

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/git-worktree-ports/git-worktree-ports/internal/bundle"
	"github.com/git-worktree-ports/git-worktree-ports/internal/envname"
)

// Entry is one line of `git config --get-regexp '^worktree-ports\.'`.
type Entry struct {
	Key   string
	Value string
}

// The git config keys ApplyGit and AllowEnv read, lower-cased as git prints them.
const (
	GitKeyRange    = "worktree-ports.range"
	GitKeyWidth    = "worktree-ports.width"
	GitKeyAvoid    = "worktree-ports.avoid"
	GitKeyAllowEnv = "worktree-ports.allowenv" // envname.GitKey, as git prints it
)

// AllowEnv returns the env names the user allowed for themselves: every
// worktree-ports.allowEnv value, each a comma- or space-separated list of
// names (`git config --global --add worktree-ports.allowEnv MAILCHECK`).
// Only git config can allow a name, never a committed file: git never reads
// configuration from the working tree. An invalid name is an *Error naming
// the key (File is GitConfig).
func AllowEnv(entries []Entry) (envname.Allow, error) {
	var allow envname.Allow
	for _, e := range entries {
		if strings.ToLower(e.Key) != GitKeyAllowEnv {
			continue
		}
		for _, name := range strings.FieldsFunc(e.Value, func(r rune) bool {
			return r == ',' || r == ' ' || r == '\t'
		}) {
			if !envname.Valid(name) {
				return nil, &Error{File: GitConfig, Key: GitKeyAllowEnv, Msg: (&envname.Error{Name: name}).Error()}
			}
			if allow == nil {
				allow = envname.Allow{}
			}
			allow[name] = true
		}
	}
	return allow, nil
}

// ApplyGit applies per-machine overrides from git config on top of c:
// worktree-ports.range ("lo-hi") and worktree-ports.width replace the
// file's values, the last entry winning as git's own last-one-wins rule
// does; each worktree-ports.avoid value is a comma- or space-separated list
// of ports and "lo-hi" ranges, appended to the file's avoid. Other
// worktree-ports.* keys are ignored. Keys are matched case-insensitively,
// as git does. The result is validated again, since a narrower width can
// orphan a file's offsets. On error c is unchanged, and the *Error names
// the git key (File is GitConfig).
func (c *Config) ApplyGit(entries []Entry) error {
	n := *c
	n.Spec.Avoid = slices.Clone(c.Spec.Avoid)
	var setRange, setWidth bool
	for _, e := range entries {
		key := strings.ToLower(e.Key)
		gitErr := func(format string, args ...any) error {
			return &Error{File: GitConfig, Key: key, Msg: fmt.Sprintf(format, args...)}
		}
		switch key {
		case GitKeyRange:
			r, err := bundle.ParseRange(e.Value)
			if err != nil {
				return gitErr("%v", err)
			}
			n.Spec.Range, setRange = r, true
		case GitKeyWidth:
			w, err := strconv.Atoi(strings.TrimSpace(e.Value))
			if err != nil {
				return gitErr("%q is not an integer", e.Value)
			}
			n.Spec.Width, setWidth = w, true
		case GitKeyAvoid:
			items := strings.FieldsFunc(e.Value, func(r rune) bool {
				return r == ',' || r == ' ' || r == '\t'
			})
			for _, it := range items {
				r, err := bundle.ParseRange(it)
				if err != nil {
					return gitErr("%v", err)
				}
				n.Spec.Avoid = append(n.Spec.Avoid, r)
			}
		}
	}
	if k, msg := n.check(); msg != "" {
		// Blame the override: the file on its own was valid. A range or
		// width problem belongs to whichever of the two git set.
		gk := GitKeyWidth
		if setRange && (k == "range" || !setWidth) {
			gk = GitKeyRange
		}
		if k != "range" && k != "width" {
			src := c.Source
			if src == "" {
				src = "the default config"
			}
			msg += " (" + k + " in " + src + ")"
		}
		return &Error{File: GitConfig, Key: gk, Msg: msg}
	}
	*c = n
	return nil
}
