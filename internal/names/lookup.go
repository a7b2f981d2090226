package names

import (
	"os"
	"path/filepath"
	"time"

	"github.com/git-worktree-ports/git-worktree-ports/internal/fspath"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitfiles"
	"github.com/git-worktree-ports/git-worktree-ports/internal/registry"
	"github.com/git-worktree-ports/git-worktree-ports/internal/repository"
	"github.com/git-worktree-ports/git-worktree-ports/internal/slug"
)

// WorktreeAt returns the label of the worktree at top, whose repository's main worktree
// is at mainPath: the main worktree's from its name, a linked one's from the name of the
// administrative directory its .git file names (gitfiles.GitDirOf). It reads that file
// and nothing else; where it cannot (no .git file, a copy), the worktree is labelled by
// its directory's name with a hash of its path, which no other worktree shares.
func WorktreeAt(mainPath, top string) string {
	mainName := filepath.Base(mainPath)
	if fspath.Equal(mainPath, top) {
		return Worktree(mainName, "")
	}
	gitDir, registered, err := gitfiles.GitDirOf(top)
	if err == nil && registered && filepath.Base(filepath.Dir(gitDir)) == "worktrees" {
		return Worktree(mainName, filepath.Base(gitDir))
	}
	return hashed(slug.Make(filepath.Base(top)), "path:"+top)
}

// RepoLabel returns the label of the repository self among the repositories registered
// in idx (nil when cross-repository awareness is off: then self's name alone).
func RepoLabel(idx *registry.Index, self registry.Entry) string {
	return RepoLabels(idx, []registry.Entry{self})[0]
}

// RepoLabels returns the label of each of repos among the repositories registered in idx
// (Repos), reading the index once. A repository's registration time is its entry file's
// age; one not registered yet counts as the latest.
func RepoLabels(idx *registry.Index, repos []registry.Entry) []string {
	var all []Repo
	at := map[string]int{}
	add := func(e registry.Entry, since time.Time, indexed bool) int {
		dir := e.CommonDir
		if !indexed {
			// The index's entries are canonical already: resolving theirs again could
			// block on a mount that stopped answering.
			dir = fspath.Canonical(dir)
		}
		if i, ok := at[dir]; ok {
			return i
		}
		at[dir] = len(all)
		all = append(all, Repo{Name: e.Name, CommonDir: dir, Since: since})
		return len(all) - 1
	}
	now := time.Now()
	if idx != nil {
		entries, _, _ := idx.Registered()
		for _, e := range entries {
			add(e, entryTime(idx, e), true)
		}
	}
	want := make([]int, len(repos))
	for i, e := range repos {
		want[i] = add(e, now, false)
	}
	labels := Repos(all)
	out := make([]string, len(repos))
	for i, j := range want {
		out[i] = labels[j]
	}
	return out
}

// entryTime is when e was registered, or the zero time when that cannot be told.
func entryTime(idx *registry.Index, e registry.Entry) time.Time {
	fi, err := os.Stat(idx.EntryPath(e))
	if err != nil {
		return time.Time{}
	}
	return fi.ModTime()
}

// Of returns the labels of the worktree at top in repo and of repo itself, among the
// repositories registered in idx (nil when cross-repository awareness is off).
func Of(repo *repository.Repo, idx *registry.Index, top string) (worktree, repoLabel string) {
	mainPath := top
	if len(repo.Worktrees) > 0 {
		mainPath = repo.Worktrees[0].Path
	}
	return WorktreeAt(mainPath, top), RepoLabel(idx, repo.Entry())
}
