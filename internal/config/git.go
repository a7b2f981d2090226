package config

import (
	"errors"
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

// AllowEnv returns the env names the user allowed for themselves: every
// worktree-ports.allowEnv value, each a comma- or space-separated list of
// names (`git config --global --add worktree-ports.allowEnv MAILCHECK`).
// Only git config can allow a name, never a committed file: git never reads
// configuration from the working tree. An invalid name is an *Error naming
// the key (File is GitConfig).
func AllowEnv(entries []Entry) (envname.Allow, error) {
	var allow envname.Allow
	words, from := Inputs{Git: entries}.Words(AllowEnvSetting)
	for i, name := range words {
		if !envname.Valid(name) {
			return nil, from[i].Errorf("%s", (&envname.Error{Name: name}).Error())
		}
		if allow == nil {
			allow = envname.Allow{}
		}
		allow[name] = true
	}
	return allow, nil
}

// TrustedPaths returns every worktree-ports.trustedPath value, in git's order: the
// directories under which the user trusts every repository (trust.UnderTrustedPath).
func TrustedPaths(entries []Entry) []string {
	var dirs []string
	for _, v := range (Inputs{Git: entries}).All(TrustedPath) {
		dirs = append(dirs, v.Text)
	}
	return dirs
}

// ApplyGit applies per-machine overrides from git config on top of c:
// worktree-ports.range ("lo-hi") and worktree-ports.width replace the
// file's values, the last entry winning as git's own last-one-wins rule
// does (only that one is read, as for every setting: Inputs.Lookup); each worktree-ports.avoid value is a comma- or space-separated list
// of ports and "lo-hi" ranges, appended to the file's avoid. Other
// worktree-ports.* keys are ignored. Keys are matched case-insensitively,
// as git does. The result is validated again, since a narrower width can
// orphan a file's offsets. On error c is unchanged, and the *Error names
// the git key (File is GitConfig).
func (c *Config) ApplyGit(entries []Entry) error {
	in := Inputs{Git: entries}
	n := *c
	n.Spec.Avoid = slices.Clone(c.Spec.Avoid)
	rv, setRange := in.Lookup(Range)
	if setRange {
		r, err := bundle.ParseRange(rv.Text)
		if err != nil {
			return rv.Errorf("%v", err)
		}
		n.Spec.Range, n.RangeFrom = r, GitConfig+" "+Range.Key
	}
	wv, setWidth := in.Lookup(Width)
	if setWidth {
		w, err := strconv.Atoi(strings.TrimSpace(wv.Text))
		if err != nil {
			return wv.Errorf("%q is not an integer", wv.Text)
		}
		n.Spec.Width = w
	}
	words, from := in.Words(Avoid)
	for i, it := range words {
		r, err := bundle.ParseRange(it)
		if err != nil {
			return from[i].Errorf("%v", err)
		}
		n.Spec.Avoid = append(n.Spec.Avoid, r)
	}
	if k, msg := n.check(); msg != "" {
		// Blame the override: the file on its own was valid. A range or
		// width problem belongs to whichever of the two git set.
		v := wv
		if !setWidth {
			v = Value{From: FromGit, setting: Width}
		}
		if setRange && (k == "range" || !setWidth) {
			v = rv
		}
		if k != "range" && k != "width" {
			src := c.Source
			if src == "" {
				src = "the default config"
			}
			msg += " (" + k + " in " + src + ")"
		}
		return v.Errorf("%s", msg)
	}
	*c = n
	return nil
}

// ApplyFlags applies the flags in in (--range, --width) on top of c, after ApplyGit,
// since a flag beats git config. Both apply before the check: --range A-B --width W is
// valid when B-A+1 >= W, whatever width the config has. An error names the flags as
// given, not the file: "--range 5-6: ...". On error c is unchanged.
func (c *Config) ApplyFlags(in Inputs) error {
	n := *c
	var given []string
	if v, ok := in.Lookup(Range); ok && v.From == FromFlag {
		r, err := bundle.ParseRange(v.Text)
		if err != nil {
			return v.Errorf("%v", err)
		}
		n.Spec.Range, n.RangeFrom, given = r, v.Origin(), append(given, v.Origin())
	}
	if v, ok := in.Lookup(Width); ok && v.From == FromFlag {
		w, err := strconv.Atoi(strings.TrimSpace(v.Text))
		if err != nil {
			return v.Errorf("%q is not an integer", v.Text)
		}
		n.Spec.Width, given = w, append(given, v.Origin())
	}
	if len(given) == 0 {
		return nil
	}
	if err := n.Validate(); err != nil {
		return flagError(strings.Join(given, " "), err)
	}
	*c = n
	return nil
}

// flagError blames the flags, not the config file, for a spec they made invalid.
func flagError(flags string, err error) error {
	var ce *Error
	if errors.As(err, &ce) {
		if ce.File != "" && ce.File != GitConfig && ce.Key != "" && ce.Key != "range" && ce.Key != "width" {
			return fmt.Errorf("%s: %s (%s in %s)", flags, ce.Msg, ce.Key, ce.File)
		}
		return fmt.Errorf("%s: %s", flags, ce.Msg)
	}
	return fmt.Errorf("%s: %w", flags, err)
}
