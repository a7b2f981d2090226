package repository

import (
	"fmt"
	"strconv"
	"time"

	"github.com/git-worktree-ports/git-worktree-ports/internal/registry"
)

// DefaultLockTimeout is how long allocate waits for another allocation to finish.
// Allocation holds the lock for milliseconds, so ten seconds means something is wrong.
const DefaultLockTimeout = 10 * time.Second

// LockTimeout resolves the lock timeout: option, then environment, then git config.
func (r *Repo) LockTimeout(opt time.Duration, getenv func(string) string) (time.Duration, error) {
	if opt > 0 {
		return opt, nil
	}
	if v := getenv("GIT_WORKTREE_PORTS_LOCK_TIMEOUT"); v != "" {
		d, err := parseTimeout(v)
		if err != nil {
			return 0, fmt.Errorf("GIT_WORKTREE_PORTS_LOCK_TIMEOUT: %w", err)
		}
		return d, nil
	}
	if v, ok := r.GitConfig("worktree-ports.lockTimeout"); ok {
		d, err := parseTimeout(v)
		if err != nil {
			return 0, fmt.Errorf("git config worktree-ports.lockTimeout: %w", err)
		}
		return d, nil
	}
	return DefaultLockTimeout, nil
}

func parseTimeout(v string) (time.Duration, error) {
	if n, err := strconv.ParseFloat(v, 64); err == nil && n >= 0 {
		return time.Duration(n * float64(time.Second)), nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%q is not a duration (use 10s, 1m or a number of seconds)", v)
	}
	return d, nil
}

// DefaultCrossRepoTimeout is how long allocation waits for any one other repository to
// answer (its `git worktree list`, the check that its directory exists, the reads of its
// reservations). Listing one takes a few milliseconds; one that takes seconds is on a
// hung network mount or a FIFO, and waiting for it would hold up every allocation on the
// machine.
const DefaultCrossRepoTimeout = 2 * time.Second

// The environment variable and git config key that set the time limit per repository.
const (
	EnvCrossRepoTimeout    = "GIT_WORKTREE_PORTS_CROSS_REPO_TIMEOUT"
	ConfigCrossRepoTimeout = "worktree-ports.crossRepoTimeout"
)

// CrossRepo returns the per-user index when cross-repository awareness is on, or nil.
func (r *Repo) CrossRepo(getenv func(string) string) (*registry.Index, error) {
	v, _ := r.GitConfig(registry.ConfigCrossRepo)
	on, err := registry.Enabled(getenv, v)
	if err != nil || !on {
		return nil, err
	}
	idx, err := r.UserIndex(getenv)
	if err != nil {
		return nil, fmt.Errorf("cross-repository index: %w (or turn it off with %s=0)", err, registry.EnvCrossRepo)
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

// CrossRepoTimeout resolves the time limit per other repository: the environment, then
// git config, then DefaultCrossRepoTimeout. It must be positive.
func (r *Repo) CrossRepoTimeout(getenv func(string) string) (time.Duration, error) {
	name, v := EnvCrossRepoTimeout, getenv(EnvCrossRepoTimeout)
	if v == "" {
		var ok bool
		if v, ok = r.GitConfig(ConfigCrossRepoTimeout); !ok {
			return DefaultCrossRepoTimeout, nil
		}
		name = "git config " + ConfigCrossRepoTimeout
	}
	d, err := parseTimeout(v)
	if err == nil && d <= 0 {
		err = fmt.Errorf("%q: must be more than 0", v)
	}
	if err != nil {
		return 0, fmt.Errorf("%s: %w", name, err)
	}
	return d, nil
}

// Entry is this repository's record in the per-user index.
func (r *Repo) Entry() registry.Entry {
	main := ""
	if len(r.Worktrees) > 0 {
		main = r.Worktrees[0].Path
	}
	return registry.Entry{CommonDir: r.Loc.CommonDir, MainPath: main, Name: r.RepoName()}
}
