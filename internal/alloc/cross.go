package alloc

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
	"github.com/git-worktree-ports/git-worktree-ports/internal/registry"
)

// CrossRepo returns the per-user index when cross-repository awareness is on, or nil.
func (r *Repo) CrossRepo(getenv func(string) string) (*registry.Index, error) {
	v, _ := r.GitConfig(registry.ConfigCrossRepo)
	on, err := registry.Enabled(getenv, v)
	if err != nil || !on {
		return nil, err
	}
	dir, err := registry.Dir(getenv)
	if err != nil {
		return nil, fmt.Errorf("cross-repository index: %w (or turn it off with %s=0)", err, registry.EnvCrossRepo)
	}
	return &registry.Index{Dir: dir}, nil
}

// Entry is this repository's record in the per-user index.
func (r *Repo) Entry() registry.Entry {
	main := ""
	if len(r.Worktrees) > 0 {
		main = r.Worktrees[0].Path
	}
	return registry.Entry{CommonDir: r.Loc.CommonDir, MainPath: main, Name: r.RepoName()}
}

// ForeignSiblings reads the reservations of every other registered repository's
// worktrees, so that two repositories on one machine never share a port either. Each
// repository's worktrees come from its own `git worktree list`, run concurrently; a
// repository that cannot be read is a warning, never a failure.
func ForeignSiblings(ctx context.Context, idx registry.Index, ownCommonDir, labelBase string, env []string, warn func(string)) []Sibling {
	entries, dropped, warnings, err := idx.Entries()
	if err != nil {
		warn(fmt.Sprintf("cross-repository index %s: %v", idx.Dir, err))
		return nil
	}
	for _, w := range warnings {
		warn(w)
	}
	_ = dropped // gone for good: Entries removed them, and their bundles are free again
	own := registry.Canonical(ownCommonDir)
	type result struct {
		sibs []Sibling
		msgs []string
	}
	results := make([]result, len(entries))
	// Another repository is listed from its own common dir, with nothing inherited that
	// names this one: an inherited GIT_DIR (git exports it to hooks) would make git list
	// this repository again, under the other's name.
	env = gitwt.WithoutLocation(env)
	var wg sync.WaitGroup
	for i, e := range entries {
		if e.CommonDir == own {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			wts, err := gitwt.Git{Dir: e.CommonDir, Env: env}.Worktrees(ctx)
			if err != nil {
				results[i].msgs = []string{fmt.Sprintf("cannot list the worktrees of repository %s (%s): %v; skipping it", e.Name, e.MainPath, firstLine(err))}
				return
			}
			sibs := ReadSiblings(wts, labelBase, labelBase, func(m string) { results[i].msgs = append(results[i].msgs, m) })
			for j := range sibs {
				sibs[j].Repo = e.Name
				sibs[j].Label += " (repo " + e.Name + ")"
			}
			results[i].sibs = sibs
		}()
	}
	wg.Wait()
	var out []Sibling
	for _, r := range results {
		for _, m := range r.msgs {
			warn(m)
		}
		out = append(out, r.sibs...)
	}
	return out
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}

// holdersText names the repositories whose reservations filled the range, most first.
func (a *allocation) holdersText() string {
	if len(a.holders) == 0 {
		return ""
	}
	names := make([]string, 0, len(a.holders))
	for n := range a.holders {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		if a.holders[names[i]] != a.holders[names[j]] {
			return a.holders[names[i]] > a.holders[names[j]]
		}
		return names[i] < names[j]
	})
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = fmt.Sprintf("%s (%d)", n, a.holders[n])
	}
	return "\nSlots reserved by the worktrees of: " + strings.Join(parts, ", ")
}
