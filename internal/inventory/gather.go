package inventory

import (
	"context"
	"errors"

	"github.com/git-worktree-ports/git-worktree-ports/internal/alloc"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
)

// This file is where the facts come from: git (through alloc.Repo, the repository
// context), the reservation files, and the connection table. Everything else in
// the package is a pure function of what is gathered here.

// ListOptions say what Collect gathers.
type ListOptions struct {
	// Dir is where to run git; "" is the working directory.
	Dir string
	// All adds every other repository of the per-user index.
	All bool
	// Owners looks up which process holds each listening port; Health probes the
	// health path of each listening service that has one.
	Owners bool
	Health bool
	Getenv func(string) string
	// Prober says which reserved ports are listening.
	Prober reserve.Prober
	// Warn receives one-line warnings (a repository that did not answer, say).
	Warn func(string)
}

// Collect gathers list's rows: this repository's worktrees, then with All every other
// registered repository's. Outside any repository only All works.
func Collect(ctx context.Context, o ListOptions) (List, error) {
	repo, err := alloc.Discover(ctx, gitwt.Git{Dir: o.Dir})
	var sources []Source
	current := ""
	switch {
	case err == nil:
		sources = []Source{{Name: repo.RepoName(), Worktrees: repo.Worktrees}}
		current = repo.Loc.Toplevel
	case o.All && errors.Is(err, gitwt.ErrNotRepository):
		// The index is per user, so --all needs no repository to start from.
	default:
		return List{}, err
	}
	if o.All {
		more, err := otherRepos(ctx, repo, o.Getenv, o.Warn)
		if err != nil {
			return List{}, err
		}
		sources = append(sources, more...)
	}
	out := Build(sources, current, o.Prober)
	if o.Owners {
		AddOwners(ctx, &out, o.Warn)
	}
	if o.Health && repo != nil {
		cfg, err := repo.LoadConfig("", 0)
		if err != nil {
			return List{}, err
		}
		AddHealth(ctx, &out, cfg.Spec.Services)
	}
	return out, nil
}

// otherRepos lists the worktrees of every other repository in the per-user index, each
// within the time limit of cross-repository awareness (alloc.ListForeign). repo is the
// one already listed, or nil outside any repository.
func otherRepos(ctx context.Context, repo *alloc.Repo, getenv func(string) string, warn func(string)) ([]Source, error) {
	if repo == nil {
		// No repository, so no git config of its own: the environment and the defaults
		// still apply.
		repo = &alloc.Repo{}
	}
	idx, err := repo.UserIndex(getenv)
	if err != nil {
		return nil, err
	}
	var out []Source
	for _, r := range alloc.ListForeign(ctx, *idx, repo.Loc.CommonDir, nil, warn).Repos {
		if r.Worktrees != nil {
			out = append(out, Source{Name: r.Entry.Name, Worktrees: r.Worktrees})
		}
	}
	return out, nil
}
