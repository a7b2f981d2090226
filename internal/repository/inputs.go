package repository

import (
	"fmt"
	"time"

	"github.com/git-worktree-ports/git-worktree-ports/internal/config"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
	"github.com/git-worktree-ports/git-worktree-ports/internal/registry"
)

// ConfigCrossRepoTimeout is the git config key that sets the time limit per repository
// (config.CrossRepoTimeout), for messages.
const ConfigCrossRepoTimeout = "worktree-ports.crossRepoTimeout"

// Inputs are what settings are resolved from here (config.Inputs): this repository's
// git config entries and the environment getenv reads.
func (r *Repo) Inputs(getenv func(string) string) config.Inputs {
	return config.Inputs{Git: entries(r.Config), Getenv: getenv}
}

// LockTimeout resolves the lock timeout (config.LockTimeout); opt, when more than 0,
// overrides every setting.
func (r *Repo) LockTimeout(opt time.Duration, getenv func(string) string) (time.Duration, error) {
	if opt > 0 {
		return opt, nil
	}
	return r.Inputs(getenv).Duration(config.LockTimeout, config.DefaultLockTimeout, false)
}

// CrossRepo returns the per-user index when cross-repository awareness is on
// (config.CrossRepo), or nil.
func (r *Repo) CrossRepo(getenv func(string) string) (*registry.Index, error) {
	on, err := r.Inputs(getenv).Bool(config.CrossRepo, true)
	if err != nil || !on {
		return nil, err
	}
	idx, err := r.UserIndex(getenv)
	if err != nil {
		return nil, fmt.Errorf("cross-repository index: %w (or turn it off with %s=0)", err, config.EnvCrossRepo)
	}
	return idx, nil
}

// UserIndex returns the per-user index, with its Timeout set from CrossRepoTimeout.
func (r *Repo) UserIndex(getenv func(string) string) (*registry.Index, error) {
	dir, err := registry.Dir(getenv)
	if err != nil {
		return nil, err
	}
	timeout, err := r.CrossRepoTimeout(getenv)
	if err != nil {
		return nil, err
	}
	return &registry.Index{Dir: dir, Timeout: timeout}, nil
}

// CrossRepoTimeout resolves the time limit per other repository
// (config.CrossRepoTimeout). It must be positive.
func (r *Repo) CrossRepoTimeout(getenv func(string) string) (time.Duration, error) {
	return r.Inputs(getenv).Duration(config.CrossRepoTimeout, config.DefaultCrossRepoTimeout, true)
}

// Entry is this repository's record in the per-user index.
func (r *Repo) Entry() registry.Entry {
	main := ""
	if len(r.Worktrees) > 0 {
		main = r.Worktrees[0].Path
	}
	return registry.Entry{CommonDir: r.Loc.CommonDir, MainPath: main, Name: r.RepoName()}
}

// entries converts git's config entries to the resolver's.
func entries(got []gitwt.ConfigEntry) []config.Entry {
	out := make([]config.Entry, len(got))
	for i, e := range got {
		out[i] = config.Entry{Key: e.Key, Value: e.Value}
	}
	return out
}
