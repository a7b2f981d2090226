package repository

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/git-worktree-ports/git-worktree-ports/internal/bundle"
	"github.com/git-worktree-ports/git-worktree-ports/internal/config"
	"github.com/git-worktree-ports/git-worktree-ports/internal/envname"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// LoadConfig reads the spec from the worktree's config file and applies git config and
// flag overrides, in that order of precedence (flags win).
func (r *Repo) LoadConfig(rangeFlag string, widthFlag int) (config.Config, error) {
	var entries []config.Entry
	for _, e := range r.Config {
		entries = append(entries, config.Entry{Key: e.Key, Value: e.Value})
	}
	// The user's own allowances, read before the file so that it is checked once, with them.
	allow, err := config.AllowEnv(entries)
	if err != nil {
		return config.Config{}, err
	}
	c, err := config.Load(filepath.Join(r.Loc.Toplevel, config.FileName), allow)
	if err != nil {
		return c, err
	}
	if err := c.ApplyGit(entries); err != nil {
		return c, err
	}
	// Both flags apply before the check: --range A-B --width W is valid when B-A+1 >= W,
	// whatever width the config has.
	var flags []string
	if rangeFlag != "" {
		rg, err := bundle.ParseRange(rangeFlag)
		if err != nil {
			return c, fmt.Errorf("--range %s: %w", untrusted.New(rangeFlag), err)
		}
		c.Spec.Range = rg
		flags = append(flags, "--range "+rangeFlag)
	}
	if widthFlag != 0 {
		c.Spec.Width = widthFlag
		flags = append(flags, fmt.Sprintf("--width %d", widthFlag))
	}
	if len(flags) > 0 {
		if err := c.Validate(); err != nil {
			return c, flagError(strings.Join(flags, " "), err)
		}
	}
	return c, nil
}

// flagError blames the flag, not the config file, for a spec the flag made invalid.
func flagError(flag string, err error) error {
	var ce *config.Error
	if errors.As(err, &ce) {
		if ce.File != "" && ce.File != config.GitConfig && ce.Key != "" && ce.Key != "range" && ce.Key != "width" {
			return fmt.Errorf("%s: %s (%s in %s)", flag, ce.Msg, ce.Key, ce.File)
		}
		return fmt.Errorf("%s: %s", flag, ce.Msg)
	}
	return fmt.Errorf("%s: %w", flag, err)
}

// AllowEnv returns the env names the user allowed in their git config
// (worktree-ports.allowEnv), asking git for that key alone: for callers that need no
// other setting and run no other git (env, exec).
func AllowEnv(ctx context.Context, g gitwt.Git) (envname.Allow, error) {
	got, err := g.Config(ctx, `^worktree-ports\.allowenv$`)
	if err != nil {
		return nil, err
	}
	entries := make([]config.Entry, len(got))
	for i, e := range got {
		entries[i] = config.Entry{Key: e.Key, Value: e.Value}
	}
	return config.AllowEnv(entries)
}
