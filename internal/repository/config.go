package repository

import (
	"context"
	"path/filepath"
	"strconv"

	"github.com/git-worktree-ports/git-worktree-ports/internal/config"
	"github.com/git-worktree-ports/git-worktree-ports/internal/envname"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
)

// LoadConfig reads the spec from the worktree's config file and applies git config and
// flag overrides, in that order of precedence (flags win: config.Inputs.Lookup).
func (r *Repo) LoadConfig(rangeFlag string, widthFlag int) (config.Config, error) {
	in := config.Inputs{Git: entries(r.Config), Flags: map[string]string{}}
	if rangeFlag != "" {
		in.Flags[config.Range.Flag] = rangeFlag
	}
	if widthFlag != 0 {
		in.Flags[config.Width.Flag] = strconv.Itoa(widthFlag)
	}
	// The user's own allowances, read before the file so that it is checked once, with them.
	allow, err := config.AllowEnv(in.Git)
	if err != nil {
		return config.Config{}, err
	}
	c, err := config.Load(filepath.Join(r.Loc.Toplevel, config.FileName), allow)
	if err != nil {
		return c, err
	}
	if err := c.ApplyGit(in.Git); err != nil {
		return c, err
	}
	return c, c.ApplyFlags(in)
}

// AllowEnv returns the env names the user allowed in their git config
// (worktree-ports.allowEnv), asking git for that key alone: for callers that need no
// other setting and run no other git (env, exec).
func AllowEnv(ctx context.Context, g gitwt.Git) (envname.Allow, error) {
	got, err := g.Config(ctx, config.AllowEnvSetting.Pattern())
	if err != nil {
		return nil, err
	}
	return config.AllowEnv(entries(got))
}

// TrustedPaths returns the directories under which the user's git config trusts every
// repository (config.TrustedPath), asking git for that key alone, as AllowEnv does.
func TrustedPaths(ctx context.Context, g gitwt.Git) ([]string, error) {
	got, err := g.Config(ctx, config.TrustedPath.Pattern())
	if err != nil {
		return nil, err
	}
	return config.TrustedPaths(entries(got)), nil
}
