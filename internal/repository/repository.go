// Package repository owns what the tool knows about the repository a command runs in:
// where it is (top level, git directory, common directory, bare or not), its worktrees
// with the main one placed at its real working tree, its git config entries, whether the
// reservation file is tracked, and the settings read from them: the identity and name
// used for the preferred slot, the config file with git config and flag overrides, the
// lock timeout and the cross-repository index with its time limit.
//
// Discover learns all of it from git in one wave of processes. Every command that needs
// the repository starts here; the allocator, list and doctor take a *Repo from it.
package repository

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/git-worktree-ports/git-worktree-ports/internal/bundle"
	"github.com/git-worktree-ports/git-worktree-ports/internal/fspath"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// Repo is what git says about the repository, learnt in one round of processes.
type Repo struct {
	Loc       gitwt.Location
	Worktrees []gitwt.Worktree
	Config    []gitwt.ConfigEntry
	// Tracked says the reservation file at this worktree's top level is in git's index.
	Tracked bool
}

// Discover asks git about the repository; in a bare repository Loc.Toplevel is "".
//
// Its git processes run concurrently: they are independent, and their start-up cost
// dominates allocation time.
func Discover(ctx context.Context, g gitwt.Git) (*Repo, error) {
	var (
		r          Repo
		wg         sync.WaitGroup
		locErr     error
		wtErr      error
		cfgErr     error
		trackedErr error
	)
	wg.Add(4)
	go func() { defer wg.Done(); r.Loc, locErr = g.Locate(ctx) }()
	go func() { defer wg.Done(); r.Worktrees, wtErr = g.Worktrees(ctx) }()
	go func() {
		defer wg.Done()
		r.Config, cfgErr = g.Config(ctx, `^(worktree-ports\.|remote\.origin\.url$)`)
	}()
	// Only an existing reservation can be tracked (a committed one is checked out into
	// every new worktree), and the hook runs only where there is none: skip the process
	// then. The guess of the top level is checked against git's answer below.
	guess, guessed := gitwt.GuessToplevel(g.Dir, g.Getenv)
	skipTracked := guessed && !exists(filepath.Join(guess, reserve.FileName))
	go func() {
		defer wg.Done()
		if !skipTracked {
			r.Tracked, trackedErr = g.IsTrackedAtTop(ctx, reserve.FileName)
		}
	}()
	wg.Wait()
	if skipTracked && locErr == nil && r.Loc.Toplevel != guess && exists(filepath.Join(r.Loc.Toplevel, reserve.FileName)) {
		r.Tracked, trackedErr = g.IsTrackedAtTop(ctx, reserve.FileName)
	}
	if locErr != nil {
		return nil, locErr
	}
	for _, err := range []error{wtErr, cfgErr} {
		if err != nil {
			return nil, err
		}
	}
	placeMain(r.Worktrees, r.Loc)
	if trackedErr != nil {
		r.Tracked = false // only a warning depends on it
	}
	return &r, nil
}

// Relist lists the worktrees again, as Discover does.
func (r *Repo) Relist(ctx context.Context, g gitwt.Git) error {
	wts, err := g.Worktrees(ctx)
	if err != nil {
		return err
	}
	r.Worktrees = wts
	placeMain(r.Worktrees, r.Loc)
	return nil
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// GitConfig returns the last value of key, as git would, and whether it was set.
func (r *Repo) GitConfig(key string) (string, bool) {
	val, ok := "", false
	for _, e := range r.Config {
		if strings.EqualFold(e.Key, key) {
			val, ok = e.Value, true
		}
	}
	return val, ok
}

// RepoID is the repository identity for the preferred-slot hash.
func (r *Repo) RepoID() string {
	origin, _ := r.GitConfig("remote.origin.url")
	// git's own line for the main worktree, not its corrected path: every worktree
	// then agrees on the identity, even one that cannot tell where a separate git
	// dir's main worktree is (gitwt.Worktree.ListedPath).
	main := ""
	if len(r.Worktrees) > 0 {
		main = r.Worktrees[0].Listed()
	}
	return bundle.RepoID(origin, main)
}

// RepoName is the short repository name used for the {repo} placeholder.
func (r *Repo) RepoName() string {
	id := strings.TrimRight(r.RepoID(), "/")
	return id[strings.LastIndex(id, "/")+1:]
}

// Current returns the worktree record for the top level the command runs in.
func (r *Repo) Current() (gitwt.Worktree, bool) {
	for _, w := range r.Worktrees {
		if fspath.Same(w.Path, r.Loc.Toplevel) {
			return w, true
		}
	}
	return gitwt.Worktree{Path: r.Loc.Toplevel}, false
}

// Label names a worktree relative to base, the way a user would type it, for messages:
// control characters in it are escaped (untrusted).
func Label(base, path string) string {
	return untrusted.New(label(base, path)).String()
}

func label(base, path string) string {
	if rel, err := filepath.Rel(base, path); err == nil && !strings.HasPrefix(rel, "../../../") {
		if rel == "." {
			// Name the worktree itself the way its siblings would see it.
			return "../" + filepath.Base(path)
		}
		if !strings.HasPrefix(rel, "..") {
			rel = "./" + rel
		}
		return rel
	}
	return path
}
