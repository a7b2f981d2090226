package inventory

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/git-worktree-ports/git-worktree-ports/hooks"
	"github.com/git-worktree-ports/git-worktree-ports/internal/bundle"
	"github.com/git-worktree-ports/git-worktree-ports/internal/claim"
	"github.com/git-worktree-ports/git-worktree-ports/internal/diag"
	"github.com/git-worktree-ports/git-worktree-ports/internal/fspath"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitfiles"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
	"github.com/git-worktree-ports/git-worktree-ports/internal/listener"
	"github.com/git-worktree-ports/git-worktree-ports/internal/names"
	"github.com/git-worktree-ports/git-worktree-ports/internal/registry"
	"github.com/git-worktree-ports/git-worktree-ports/internal/repository"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
	"github.com/git-worktree-ports/git-worktree-ports/internal/safefile"
)

// This file is where the facts come from: git (through repository.Repo, the repository
// context), the reservation files, the connection table and the hook. Everything else in
// the package is a pure function of what is gathered here.

// ListOptions say what Collect gathers.
type ListOptions struct {
	// Dir is where to run git; "" is the working directory.
	Dir string
	// Env is the environment git runs with; nil is the process's.
	Env []string
	// All adds every other repository of the per-user index.
	All bool
	// Owners looks up which process holds each listening port; Health probes the
	// health path of each listening service that has one.
	Owners bool
	Health bool
	Getenv func(string) string
	// Prober says which reserved ports are listening.
	Prober listener.Prober
	// Diag hears the warnings (a repository that did not answer, say) and, as verbose
	// lines, each time git was asked because its files could not be read with certainty,
	// saying what and why (--verbose); nil drops them.
	Diag *diag.Sink
}

// Collect gathers list's rows: this repository's worktrees, then with All every other
// registered repository's. Outside any repository only All works.
func Collect(ctx context.Context, o ListOptions) (List, error) {
	// list prints each worktree's commit, which only git's own list gives.
	repo, err := repository.Discover(ctx, gitwt.Git{Dir: o.Dir, Env: o.Env}, repository.Options{Heads: true, Diag: o.Diag})
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
		more, err := otherRepos(ctx, repo, o.Getenv, o.Diag.Lines(diag.Other))
		if err != nil {
			return List{}, err
		}
		sources = append(sources, more...)
	}
	labelSources(repo, sources, o.Getenv)
	out := Build(sources, current, o.Prober)
	if o.Owners {
		AddOwners(ctx, &out, o.Diag.Lines(diag.Other))
	}
	if o.Health && repo != nil {
		cfg, err := repo.LoadConfig("", 0)
		if err != nil {
			return List{}, err
		}
		AddHealth(ctx, &out, cfg.Spec.Services)
	}
	noteRange(repo, o.Diag)
	return out, nil
}

// labelSources gives each source its label in host names (names.RepoLabels), among the
// repositories of the per-user index when cross-repository awareness is on. repo is the
// first source's, or nil.
func labelSources(repo *repository.Repo, sources []Source, getenv func(string) string) {
	var idx *registry.Index
	entries := make([]registry.Entry, len(sources))
	for i, s := range sources {
		entries[i] = s.entry
	}
	if repo != nil && len(sources) > 0 {
		entries[0] = repo.Entry()
	}
	if repo == nil {
		repo = &repository.Repo{}
	}
	if getenv != nil {
		if i, err := repo.CrossRepo(getenv); err == nil {
			idx = i
		}
	}
	for i, l := range names.RepoLabels(idx, entries) {
		sources[i].Label = l
	}
}

// overlapSpec is the bundle the overlap rule judges this repository's worktrees by
// (claim.Winner): its config's, or, when that does not load, one that prefers no slot.
func overlapSpec(repo *repository.Repo) bundle.Spec {
	if c, err := repo.LoadConfig("", 0); err == nil {
		return c.Spec
	}
	return bundle.Spec{Range: bundle.Range{Lo: 1, Hi: bundle.MaxPort}}
}

// otherRepos lists the worktrees of every other repository in the per-user index, each
// within the time limit of cross-repository awareness (claim.ListForeign). repo is the
// one already listed, or nil outside any repository.
func otherRepos(ctx context.Context, repo *repository.Repo, getenv func(string) string, warn func(string)) ([]Source, error) {
	if repo == nil {
		// No repository, so no git config of its own: the environment and the defaults
		// still apply.
		repo = &repository.Repo{}
	}
	idx, err := repo.UserIndex(getenv)
	if err != nil {
		return nil, err
	}
	var out []Source
	for _, r := range claim.ListForeign(ctx, *idx, repo.Loc.CommonDir, nil, warn).Repos {
		if r.Worktrees != nil {
			out = append(out, Source{Name: r.Entry.Name, Worktrees: r.Worktrees, entry: r.Entry})
		}
	}
	return out, nil
}

// DoctorOptions say where Examine looks.
type DoctorOptions struct {
	// Dir is where to run git; "" is the working directory.
	Dir    string
	Env    []string // the environment git and allocate's dry run see; nil is the process's
	Getenv func(string) string
	// DryRun runs allocate in a dry run in the worktree dir, to tell whether a worktree
	// without ports can get any (cmd wires it to alloc.Allocate); nil does not ask.
	DryRun func(ctx context.Context, dir string) error
	// Hook is where install-hook puts the hook, from the same gathering install-hook
	// does; HookErr says why git could not tell (then the hook is not checked).
	Hook    hooks.Options
	HookErr error
	// Diag hears the verbose lines, as in ListOptions.
	Diag *diag.Sink
}

// Examine gathers doctor's facts about the repository at o.Dir.
func Examine(ctx context.Context, o DoctorOptions) (Facts, error) {
	g := gitwt.Git{Dir: o.Dir, Env: o.Env}
	repo, err := repository.Discover(ctx, g, repository.Options{Diag: o.Diag})
	if err != nil {
		return Facts{}, err
	}
	top := repo.Loc.Toplevel
	f := Facts{Toplevel: top, Tracked: repo.Tracked, Listed: true}
	if top != "" {
		if _, listed := repo.Current(); !listed {
			f.Listed, f.RecordedAt = false, recordedAt(repo.Loc.GitDir)
		}
	}

	f.Siblings = claim.ReadSiblings(repo.Worktrees, "", top, nil)
	f.Worktrees = examineWorktrees(repo, top, f.Siblings, o.Env)
	findUnignored(ctx, f.Worktrees, o.Env)
	if top != "" {
		if cfg, err := repo.LoadConfig("", 0); err == nil {
			f.Range = cfg.Spec.Range
		}
	}

	if o.Getenv != nil {
		f.Foreign, f.ForeignWarnings = foreignSiblings(ctx, repo, top, o.Getenv, o.Env)
	}
	// Every pair list --all flags "conflicting": this repository's, and across the
	// repositories of the per-user index.
	all := append(slices.Clip(f.Siblings), f.Foreign...)
	f.Overlaps = overlaps(repo, all)
	f.Listeners, f.ListenersErr = listeners(ctx, f.Siblings, repo.Worktrees, f.Range)
	f.NoPorts = noPorts(ctx, f.Worktrees, o.DryRun)
	f.Hook = hookFacts(ctx, top, o.Hook, o.HookErr, o.Env)
	if o.Getenv != nil {
		f.RootEnv = o.Getenv("WORKTREE_PORTS_ROOT")
		f.RootEnvHere = f.RootEnv != "" && top != "" && fspath.Same(f.RootEnv, top)
	}
	return f, nil
}

// foreignSiblings reads the reservations of every other repository in the per-user
// index as allocate reads them (claim.ListForeign, Foreign.Siblings: within the time
// limit per repository, symlinks not followed), with the warnings that reading gave. It
// reads nothing when cross-repository awareness is off: then no repository counts
// another's ports, and list --all's flags are only a view.
func foreignSiblings(ctx context.Context, repo *repository.Repo, top string, getenv func(string) string, env []string) ([]claim.Sibling, []string) {
	idx, err := repo.CrossRepo(getenv)
	if err != nil {
		return nil, []string{err.Error()}
	}
	if idx == nil {
		return nil, nil
	}
	var warnings []string
	var mu sync.Mutex
	warn := func(m string) { mu.Lock(); warnings = append(warnings, m); mu.Unlock() }
	sibs := claim.ListForeign(ctx, *idx, repo.Loc.CommonDir, env, warn).Siblings(ctx, top)
	return sibs, warnings
}

// examineWorktree fills in what doctor knows about one worktree with a directory: its
// config (its own checkout of the file, so a branch may have other services), whose its
// reservation is, what allocate would write there, crash leftovers, and its .git file.
func examineWorktree(repo *repository.Repo, w *Worktree, s *claim.Sibling, getenv func(string) string) {
	root := w.Row.Path
	there := *repo
	there.Loc.Toplevel = root
	cfg, cfgErr := there.LoadConfig("", 0)
	w.ConfigErr = cfgErr
	if cfgErr == nil {
		// What allocate writes there is what this user approved of its config.
		ap := there.Approve(cfg, getenv)
		cfg, w.Unapproved, w.ConfigDigest = ap.Config, ap.Config.Unapproved, cfg.Digest
	}
	if s != nil {
		res := s.Reservation
		w.Reservation = &res
		w.Origin = claim.OriginOf(res, root, func() (string, bool) { gd, reg, _ := gitfiles.GitDirOf(root); return gd, reg })
		if cfgErr == nil {
			slot, ok := cfg.Spec.SlotOf(res.Base)
			if !ok {
				slot = res.Slot
			}
			want, err := claim.Expected(cfg, repo.RepoName(), w.Row.Branch, root, "", slot, res.Base)
			if claim.HoldsMain(cfg, w.Row.Branch, !w.Linked) {
				// The main worktree keeps the ports its config names.
				want, err = claim.ExpectedMain(cfg, repo.RepoName(), w.Row.Branch, root, "")
			}
			if err == nil {
				w.Expected, w.BranchVars, w.dotenv = &want, cfg.BranchVars(), cfg.Dotenv
				w.mainByGit = cfg.Spec.HasMain() && cfg.MainBranch == ""
			}
		}
	}
	if ents, err := os.ReadDir(root); err == nil {
		for _, e := range ents {
			if reserve.IsTempName(e.Name()) {
				w.Leftovers = append(w.Leftovers, filepath.Join(root, e.Name()))
			}
		}
	}
	if w.Linked {
		// git worktree repair's other case: the main worktree moved, and this one's .git
		// file still names the old place.
		if gd, err := gitfiles.ReadGitFile(root); err == nil {
			if _, err := os.Stat(gd); errors.Is(err, fs.ErrNotExist) {
				w.GitDirGone = gd
			}
		}
	}
}

// recordedAt is where git's records put the worktree whose git directory is gitDir: the
// top level its administrative gitdir file names, or "".
func recordedAt(gitDir string) string {
	data, err := safefile.Read(filepath.Join(gitDir, "gitdir"), 64<<10)
	if err != nil {
		return ""
	}
	p := strings.TrimRight(string(data), "\r\n")
	if p == "" {
		return ""
	}
	if !filepath.IsAbs(p) {
		// extensions.relativeWorktrees writes it relative to the git directory.
		p = filepath.Join(gitDir, p)
	}
	return filepath.Dir(filepath.Clean(p))
}

// listeners looks up who listens on the ports the reservations claim and on every port
// of rg (for checkStray), in one scan, and which worktree each runs in.
func listeners(ctx context.Context, sibs []claim.Sibling, wts []gitwt.Worktree, rg bundle.Range) (map[int][]Listener, error) {
	ports, _ := claimedPorts(sibs)
	for p := rg.Lo; rg.Lo > 0 && p <= rg.Hi; p++ {
		ports = append(ports, p)
	}
	if len(ports) == 0 {
		return nil, nil
	}
	found, err := listener.Lookup(ctx, ports)
	if err != nil {
		return nil, err
	}
	var paths []string
	for _, w := range wts {
		paths = append(paths, w.Path)
	}
	out := map[int][]Listener{}
	for p, ls := range found {
		for _, l := range ls {
			holder := ""
			if !l.Hidden {
				holder = listener.Attribute(l.Cwd, paths)
			}
			out[p] = append(out[p], Listener{Listener: l, Holder: holder})
		}
	}
	return out, nil
}

// noPorts asks allocate, in a dry run, whether the first worktree without a reservation
// can get one, and returns its *bundle.ExhaustedError when the range is full. They all
// see the same reservations, so one answer holds for all of them. Whatever else could
// fail there (a config that does not load, a broken .git file) is reported on its own.
func noPorts(ctx context.Context, wts []Worktree, dryRun func(context.Context, string) error) error {
	if dryRun == nil {
		return nil
	}
	for _, w := range wts {
		if !w.Row.Has(FlagMissing) || w.ConfigErr != nil || w.GitDirGone != "" {
			continue
		}
		err := dryRun(ctx, w.Row.Path)
		if ex := (*bundle.ExhaustedError)(nil); errors.As(err, &ex) {
			return err
		}
		return nil
	}
	return nil
}

// hookFacts looks at the hook where install-hook puts it.
func hookFacts(ctx context.Context, top string, o hooks.Options, optErr error, env []string) HookFacts {
	if optErr != nil || o.HooksDir == "" {
		return HookFacts{}
	}
	h := HookFacts{Known: true, Options: o}
	h.State, h.Err = hooks.Inspect(o)
	if hp := o.HooksPath; top != "" && hp != "" && !filepath.IsAbs(hp) && !strings.HasPrefix(hp, "~") {
		// A relative core.hooksPath is resolved in each worktree. If that folder is not
		// committed (husky's generated .husky/_), a fresh worktree has no hooks at all.
		if tracked, err := (gitwt.Git{Dir: top, Env: env}).IsTracked(ctx, hp); err == nil && !tracked {
			h.HooksPathUntracked = true
		}
	}
	return h
}

// examineWorktrees is each worktree's row and facts, its reservation (from siblings)
// and its files checked in parallel; a bare or prunable one has nothing to check.
func examineWorktrees(repo *repository.Repo, top string, siblings []claim.Sibling, env []string) []Worktree {
	rows := Build([]Source{{Name: repo.RepoName(), Worktrees: repo.Worktrees}}, top, nil).Worktrees
	bySibling := map[string]*claim.Sibling{}
	for i := range siblings {
		bySibling[filepath.Clean(siblings[i].Worktree.Path)] = &siblings[i]
	}
	out := make([]Worktree, len(rows))
	var wg sync.WaitGroup
	for i, r := range rows {
		out[i] = Worktree{Row: r, Label: repository.Label(top, r.Path), Linked: i > 0}
		if r.Bare || r.Prunable {
			continue
		}
		wg.Add(1)
		go func(w *Worktree, s *claim.Sibling) {
			defer wg.Done()
			examineWorktree(repo, w, s, gitwt.Git{Env: env}.Getenv)
		}(&out[i], bySibling[filepath.Clean(r.Path)])
	}
	wg.Wait()
	return out
}

// overlaps is every pair of reservations in all whose bundles overlap, with the one
// that keeps its bundle (claim.Winner).
func overlaps(repo *repository.Repo, all []claim.Sibling) []Overlap {
	var out []Overlap
	// The config is loaded only when two reservations overlap.
	spec := sync.OnceValue(func() bundle.Spec { return overlapSpec(repo) })
	for i := range all {
		for j := i + 1; j < len(all); j++ {
			a, b := all[i], all[j]
			if a.Reservation.Overlaps(b.Reservation) {
				keeper, _, judged := claim.Winner(spec(), repo.RepoID(), a, b)
				out = append(out, Overlap{A: a, B: b, AKeeps: keeper.Path == a.Path, Unjudged: !judged})
			}
		}
	}
	return out
}
