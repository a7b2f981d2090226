// Package repository owns what the tool knows about the repository a command runs in:
// where it is (top level, git directory, common directory, bare or not), its worktrees
// with the main one placed at its real working tree, its git config entries, whether the
// reservation file is tracked, and the settings read from them: the identity and name
// used for the preferred slot, the config file with git config and flag overrides, the
// lock timeout and the cross-repository index with its time limit.
//
// Discover learns all of it from git's own files where it can be sure to read them as
// git would (gitfiles.Files), and from git's porcelain, in one wave of processes, where it
// cannot. Every command that needs the repository starts here; the allocator, list and
// doctor take a *Repo from it.
package repository

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/git-worktree-ports/git-worktree-ports/internal/diag"
	"github.com/git-worktree-ports/git-worktree-ports/internal/fspath"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitfiles"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
	"github.com/git-worktree-ports/git-worktree-ports/internal/repoid"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// Repo is what git says about the repository, learnt in one round of reads.
type Repo struct {
	Loc gitwt.Location
	// Worktrees is git's list. Head is "" in each unless Options.Heads asked for it.
	Worktrees []gitwt.Worktree
	Config    []gitwt.ConfigEntry
	// Tracked says the reservation file at this worktree's top level is in git's index.
	Tracked bool

	how Options
}

// Options say how Discover learns about the repository.
type Options struct {
	// Heads asks for each worktree's commit id (Worktree.Head), which only git's own list
	// gives: list prints it. Without it, Head is "".
	Heads bool
	// PathsOnly says the caller needs no more of the worktrees other than the current one
	// and the main one than where they are (allocation): their Branch, Detached and
	// Prunable may then be left unset (gitfiles.Files.PathsOnly), which halves the reads.
	PathsOnly bool
	// GitOnly asks git for everything, reading none of its files directly: the tests hold
	// the two ways to each other.
	GitOnly bool
	// Diag hears, as a verbose line, each time git was asked because its files could not
	// be read with certainty, saying what was asked and why (--verbose); nil drops them.
	// It is called from the goroutine that called Discover or Relist.
	Diag *diag.Sink
}

func (o Options) fellBack(what string, err error) {
	if say := o.Diag.VerboseLines(); say != nil {
		say(fmt.Sprintf("asked git %s: %s", what, gitfiles.FallbackReason(err)))
	}
}

// configPattern selects the keys the tool reads: its own, and the origin's URL for the
// repository's identity.
const configPattern = `^(worktree-ports\.|remote\.origin\.url$)`

// Discover learns where the repository is, its worktrees and its config; in a bare
// repository Loc.Toplevel is "".
//
// It reads git's files directly (gitfiles.Files) wherever it can be sure to read them as
// git would, and runs git for the rest: in the usual worktree no git process at all (the
// index is read too, to tell whether a reservation is tracked; `git ls-files` runs only
// where it cannot be: a split or sparse index, GIT_INDEX_FILE, ...). Where the location
// itself cannot be read (GIT_DIR set, a bare repository, inside .git, ...), everything
// is asked of git, in one wave of concurrent processes: they are independent, and their
// start-up cost dominates allocation time.
func Discover(ctx context.Context, g gitwt.Git, o Options) (*Repo, error) {
	if !o.GitOnly {
		loc, err := gitfiles.Files{Env: g.Env}.Locate(g.Dir)
		if err == nil {
			return discoverAt(ctx, g, o, loc)
		}
		o.fellBack("where the repository is, its worktrees and its config (git rev-parse, git worktree list, git config)", err)
	}
	return discoverWithGit(ctx, g, o)
}

// discoverAt learns the rest where the location was read from git's files: the config,
// the worktrees and the tracked check (when there is a file to check) from the files too
// where they can be, each falling back to git, concurrently.
func discoverAt(ctx context.Context, g gitwt.Git, o Options, loc gitwt.Location) (*Repo, error) {
	r := &Repo{Loc: loc, how: o}
	var (
		wg                        sync.WaitGroup
		wtErr, cfgErr, trackedErr error
	)
	files := gitfiles.Files{Loc: loc, Env: g.Env, PathsOnly: o.PathsOnly}
	if exists(filepath.Join(loc.Toplevel, reserve.FileName)) {
		// Only an existing reservation can be tracked (a committed one is checked out
		// into every new worktree), and the hook runs only where there is none.
		if tracked, err := files.Tracked([]string{reserve.FileName}); err == nil {
			r.Tracked = tracked[reserve.FileName]
		} else {
			o.fellBack("whether the reservation is tracked (git ls-files)", err)
			wg.Go(func() { r.Tracked, trackedErr = g.IsTrackedAtTop(ctx, reserve.FileName) })
		}
	}
	if all, err := files.Config(); err == nil {
		r.Config, cfgErr = gitfiles.MatchConfig(all, configPattern)
	} else {
		o.fellBack("for its config (git config)", err)
		wg.Go(func() { r.Config, cfgErr = g.Config(ctx, configPattern) })
	}
	if o.Heads {
		wg.Go(func() { r.Worktrees, wtErr = gitfiles.ListWorktrees(ctx, g) })
	} else if wts, err := files.Worktrees(); err == nil {
		r.Worktrees = wts
	} else {
		o.fellBack("for the worktree list (git worktree list)", err)
		wg.Go(func() { r.Worktrees, wtErr = gitfiles.ListWorktrees(ctx, g) })
	}
	wg.Wait()
	for _, err := range []error{wtErr, cfgErr} {
		if err != nil {
			return nil, err
		}
	}
	placeMain(r.Worktrees, r.Loc)
	if trackedErr != nil {
		r.Tracked = false // only a warning depends on it
	}
	return r, nil
}

// discoverWithGit asks git everything, in one wave of processes.
func discoverWithGit(ctx context.Context, g gitwt.Git, o Options) (*Repo, error) {
	var (
		r          = Repo{how: o}
		wg         sync.WaitGroup
		locErr     error
		wtErr      error
		cfgErr     error
		trackedErr error
	)
	wg.Add(3)
	go func() {
		defer wg.Done()
		r.Loc, locErr = g.Locate(ctx)
		// As in discoverAt, the tracked check needs a reservation; it runs while the
		// list and the config are still being read.
		if locErr == nil && r.Loc.Toplevel != "" && exists(filepath.Join(r.Loc.Toplevel, reserve.FileName)) {
			r.Tracked, trackedErr = g.IsTrackedAtTop(ctx, reserve.FileName)
		}
	}()
	go func() { defer wg.Done(); r.Worktrees, wtErr = gitfiles.ListWorktrees(ctx, g) }()
	go func() {
		defer wg.Done()
		r.Config, cfgErr = g.Config(ctx, configPattern)
	}()
	wg.Wait()
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

// Relist lists the worktrees again, as Discover did.
func (r *Repo) Relist(ctx context.Context, g gitwt.Git) error {
	var wts []gitwt.Worktree
	var err error
	if r.how.GitOnly || r.how.Heads {
		wts, err = gitfiles.ListWorktrees(ctx, g)
	} else if wts, err = (gitfiles.Files{Loc: r.Loc, Env: g.Env, PathsOnly: r.how.PathsOnly}).Worktrees(); err != nil {
		r.how.fellBack("for the worktree list (git worktree list)", err)
		wts, err = gitfiles.ListWorktrees(ctx, g)
	}
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
	return repoid.Of(origin, main)
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
