// Package alloc chooses and writes a worktree's port bundle: it enumerates the sibling
// worktrees through git, reads their reservations, picks the hash-preferred free slot and
// writes the reservation atomically, all under the repository lock.
package alloc

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/git-worktree-ports/git-worktree-ports/internal/bundle"
	"github.com/git-worktree-ports/git-worktree-ports/internal/config"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
	"github.com/git-worktree-ports/git-worktree-ports/internal/repository"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// Outcome says how a bundle was obtained.
type Outcome string

const (
	Kept      Outcome = "kept"      // the existing reservation was valid and left untouched
	Updated   Outcome = "updated"   // same base, but the config changed the ports or env
	Preferred Outcome = "preferred" // the hash-preferred slot was free
	Moved     Outcome = "moved"     // the preferred slot was taken; stepped to another
	Pinned    Outcome = "pinned"    // --base
)

// Options control one allocation.
type Options struct {
	Dir    string // where to run git; "" is the working directory
	Env    []string
	DryRun bool
	Force  bool
	Base   int    // pin this base; 0 means choose
	Range  string // flag override of the range, "" for none
	Width  int    // flag override of the width, 0 for none
	Prober reserve.Prober
	// Warn receives one-line warnings (skipped files, tracked reservation).
	Warn func(string)
	// LockTimeout overrides git config and GIT_WORKTREE_PORTS_LOCK_TIMEOUT when non-zero.
	LockTimeout time.Duration
}

// Result is what allocate decided.
type Result struct {
	Path        string // the reservation file
	Root        string // the worktree's top level
	Reservation reserve.Reservation
	Data        []byte // the file's bytes: written, kept, or (dry run) that would be written
	Outcome     Outcome
	Message     string // one or two lines for stderr
	Wrote       bool
}

// Sibling is another worktree's reservation.
type Sibling struct {
	Worktree    gitwt.Worktree
	Path        string
	Reservation reserve.Reservation
	ModTime     time.Time
	Label       string // how messages name it, e.g. "../feature-x" or "../api-wt (repo api)"
	// Repo names the other repository a foreign sibling belongs to; "" for this one.
	Repo string
}

// ReadSiblings reads every other worktree's reservation. Files that are missing are
// silently absent; files that cannot be used are reported through warn and skipped. The
// reads run on a few goroutines, because with hundreds of worktrees they are the bulk of
// allocate's own work.
func ReadSiblings(worktrees []gitwt.Worktree, self, labelBase string, warn func(string)) []Sibling {
	type slot struct {
		s   Sibling
		ok  bool
		msg string
	}
	out := make([]slot, len(worktrees))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i, w := range worktrees {
		if w.Bare || samePathFast(w.Path, self) {
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			path := filepath.Join(w.Path, reserve.FileName)
			res, _, err := reserve.Read(path)
			if err != nil {
				if !errors.Is(err, fs.ErrNotExist) {
					out[i].msg = err.Error()
				}
				return
			}
			var mt time.Time
			if fi, err := os.Stat(path); err == nil {
				mt = fi.ModTime()
			}
			out[i] = slot{ok: true, s: Sibling{Worktree: w, Path: path, Reservation: res, ModTime: mt, Label: repository.Label(labelBase, w.Path)}}
		}()
	}
	wg.Wait()
	var sibs []Sibling
	for _, o := range out {
		if o.msg != "" && warn != nil {
			warn(o.msg)
		}
		if o.ok {
			sibs = append(sibs, o.s)
		}
	}
	return sibs
}

// samePathFast compares without touching the disk; git prints each worktree path the same
// way every time, and the current worktree was already matched by Current.
func samePathFast(a, b string) bool { return filepath.Clean(a) == filepath.Clean(b) }

// Allocate runs the whole algorithm of SPEC "Choosing a bundle".
func Allocate(ctx context.Context, o Options) (*Result, error) {
	warn := o.Warn
	if warn == nil {
		warn = func(string) {}
	}
	g := gitwt.Git{Dir: o.Dir, Env: o.Env}
	// The worktrees are listed together with everything else, before the lock, because one
	// more git process in sequence is a third of allocate's time. Under the lock the list
	// is checked (listedBefore) and taken again only if a worktree may have been added
	// since, or one added and allocated in between would go unseen.
	listStart := time.Now()
	repo, err := repository.Discover(ctx, g)
	if err != nil {
		return nil, err
	}
	root, err := repository.Toplevel(repo.Loc, o.Dir)
	if err != nil {
		return nil, err
	}
	if err := checkName(root); err != nil {
		return nil, err
	}
	path := filepath.Join(root, reserve.FileName)
	if fi, err := os.Lstat(path); err == nil && fi.IsDir() {
		// No write can replace a directory, --force or not: say so before anything else.
		return nil, fmt.Errorf("%s is a directory, not a reservation file; remove it", untrusted.New(path))
	}
	cfg, err := repo.LoadConfig(o.Range, o.Width)
	if err != nil {
		return nil, err
	}
	if repo.Tracked {
		warn(fmt.Sprintf("WARNING: %s is tracked by git: a committed reservation is copied into every new worktree. Run: git rm --cached %s && git commit", untrusted.New(path), reserve.FileName))
	}

	getenv := g.Getenv
	cross, err := repo.CrossRepo(getenv)
	if err != nil {
		return nil, err
	}
	var foreign *Foreign
	if cross != nil {
		// Before the per-user lock, so that a slow repository holds up only this
		// allocation, not every one waiting for that lock (Foreign).
		foreign = ListForeign(ctx, *cross, repo.Loc.CommonDir, o.Env, warn)
	}
	if !o.DryRun {
		timeout, err := repo.LockTimeout(o.LockTimeout, getenv)
		if err != nil {
			return nil, err
		}
		// Lock order (docs/DESIGN.md): the user lock, then the repository lock.
		if cross != nil {
			release, err := cross.LockUser(ctx, timeout, warn)
			if err != nil {
				return nil, err
			}
			defer release()
		}
		lock, err := reserve.AcquireLock(ctx, filepath.Join(repo.Loc.CommonDir, reserve.LockFileName), timeout, warn)
		if err != nil {
			return nil, err
		}
		defer func() { _ = lock.Release() }()
		if !listedBefore(repo.Loc.CommonDir, repo.Loc.GitDir, len(repo.Worktrees)-1, listStart) {
			if err := repo.Relist(ctx, g); err != nil {
				return nil, err
			}
		}
		if cross != nil {
			if _, err := cross.Register(repo.Entry()); err != nil {
				warn(fmt.Sprintf("could not register this repository in %s: %v", cross.Dir, err))
			}
		}
	}

	prober := o.Prober
	if prober == nil {
		prober = reserve.SystemProber{}
	}
	a := &allocation{
		repo: repo, cfg: cfg, root: root, path: path, prober: prober, warn: warn,
		name: filepath.Base(root), foreign: foreign, ctx: ctx,
	}
	res, err := a.run(o)
	if err != nil {
		return nil, err
	}
	if !o.DryRun {
		if res.Wrote || res.Outcome == Kept {
			if _, err := reserve.EnsureExcluded(repo.Loc.CommonDir); err != nil {
				warn(fmt.Sprintf("could not add %s to %s: %v", reserve.FileName, untrusted.New(filepath.Join(repo.Loc.CommonDir, "info", "exclude")), err))
			}
		}
	}
	return res, nil
}

// listedBefore reports whether a worktree list taken at (or after) start is still
// complete: every worktree of the repository has an administrative directory
// <common>/worktrees/<id>, created by `git worktree add` before its checkout (and so before
// its hook allocates). The list is complete when there are exactly as many such
// directories as linked worktrees listed (git silently skips a half-made one) and none was
// created or changed since start. Directory timestamps come from a coarse kernel clock, so
// start is taken a margin early. Our own directory (gitDir) is exempt from the time check:
// in a post-checkout hook git has only just written it, and we are certainly listed.
// Anything unexpected means "no": the caller lists again.
func listedBefore(commonDir, gitDir string, linked int, start time.Time) bool {
	dir := filepath.Join(commonDir, "worktrees")
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return linked == 0
	}
	if err != nil {
		return false
	}
	since := start.Add(-50 * time.Millisecond)
	n := 0
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		n++
		path := filepath.Join(dir, e.Name())
		if path == gitDir {
			continue
		}
		fi, err := os.Lstat(path)
		if err != nil || !changedBefore(fi, since) {
			return false
		}
	}
	return n == linked
}

type allocation struct {
	repo   *repository.Repo
	cfg    config.Config
	root   string
	path   string
	name   string
	prober reserve.Prober
	warn   func(string)
	sibs   []Sibling
	// foreign holds the other repositories; nil when cross-repository awareness is off.
	foreign *Foreign
	ctx     context.Context
	// keptSince is the modification time of a kept reservation that is being rewritten
	// in place, restored after the write.
	keptSince time.Time
	// holders counts, per repository name, the slots its worktrees' reservations took
	// during stepping, for the "range exhausted" message.
	holders map[string]int
	// files counts, per reservation file, the slots it took during stepping, so that the
	// "range exhausted" message can name one file that takes most of the range.
	files map[string]*fileHold
	// movedFrom is the top level the worktree's reservation was written at, when it was
	// moved since (git worktree move).
	movedFrom string
}

func (a *allocation) run(o Options) (*Result, error) {
	spec := a.cfg.Spec
	a.sibs = ReadSiblings(a.repo.Worktrees, a.root, a.root, a.warn)
	if a.foreign != nil {
		a.sibs = append(a.sibs, a.foreign.Siblings(a.ctx, a.root)...)
	}

	own, prev, ownErr := reserve.Read(a.path)
	switch {
	case ownErr == nil:
	case errors.Is(ownErr, fs.ErrNotExist):
		prev = nil
	case errors.Is(ownErr, reserve.ErrOutOfBounds):
		// Well-formed, so a rewrite keeps the user's fields (prev), but no config wrote
		// these values: choose again, as for a bundle that no longer fits the config.
		var fe *reserve.FileError
		errors.As(ownErr, &fe)
		a.warn(fmt.Sprintf("%s: %s; choosing again", untrusted.New(fe.Path), fe.Reason))
	case o.Force:
		a.warn(ownErr.Error() + "; replacing it (--force)")
		prev = nil
	default:
		// Never overwrite a file we cannot read: it may hold a user's fields.
		reason := ownErr.Error()
		var fe *reserve.FileError
		if errors.As(ownErr, &fe) {
			reason = fe.Reason
		}
		return nil, fmt.Errorf("%s: %s; refusing to overwrite it: fix or remove it, or run `git worktree-ports allocate --force` to replace it", untrusted.New(a.path), reason)
	}
	hasOwn := ownErr == nil
	if hasOwn {
		switch OriginOf(own, a.root, a.here) {
		case Copied:
			// The original's bundle: never this worktree's to keep, and taken by the
			// original wherever it is, which this worktree may not see (another
			// repository, another machine). A tracked file already had its warning.
			if !a.repo.Tracked {
				a.warn(fmt.Sprintf("%s was written for the worktree at %s (copied, cloned or committed?); choosing a bundle of its own", untrusted.New(a.path), untrusted.New(own.Root)))
			}
			a.sibs = append(a.sibs, Sibling{
				Worktree: gitwt.Worktree{Path: own.Root}, Path: a.path, Reservation: own,
				Label: repository.Label(a.root, own.Root) + " (copied from there)",
			})
			hasOwn = false
		case MovedHere:
			a.movedFrom = own.Root
		}
	}
	preferred := bundle.Preferred(a.repo.RepoID(), a.name, spec.Slots())

	if o.Base != 0 {
		return a.pinned(o, prev)
	}
	if hasOwn && !o.Force {
		if r, ok := a.keep(own, prev, preferred, o.DryRun); ok {
			return r, nil
		}
	}

	choice, err := bundle.Choose(spec, preferred, a.taken)
	if err != nil {
		var ex *bundle.ExhaustedError
		if errors.As(err, &ex) {
			return nil, fmt.Errorf("%w%s\nWiden the range (git config worktree-ports.range 20000-39999), narrow the width, or free slots with `git worktree-ports release` in worktrees you no longer use (`git worktree-ports list --all` shows them)", err, a.holdersText())
		}
		return nil, err
	}
	outcome := Preferred
	msg := fmt.Sprintf("%s: slot %d, ports %s (preferred slot)", untrusted.New(a.name), choice.Slot, portRange(choice.Base, spec.Width))
	if choice.Slot != choice.Preferred {
		outcome = Moved
		why := fmt.Sprintf("slot %d (%d) taken", choice.Preferred, spec.BaseOf(choice.Preferred))
		if len(choice.FirstSkips) > 0 {
			s := choice.FirstSkips[0]
			why = fmt.Sprintf("slot %d (%d) %s", s.Slot, s.Base, s.Detail)
		}
		more := ""
		if choice.Skipped > 1 {
			more = fmt.Sprintf(" (%d slots skipped)", choice.Skipped)
		}
		msg = fmt.Sprintf("%s: %s; using slot %d, ports %s%s", untrusted.New(a.name), why, choice.Slot, portRange(choice.Base, spec.Width), more)
	}
	return a.write(prev, choice.Slot, choice.Base, outcome, msg, o.DryRun)
}

// keep decides whether the existing reservation stays. It stays when it sits on a slot
// of the current spec and overlaps no sibling (or wins the overlap rule); it is rewritten
// at the same base when only the derived ports or env differ.
func (a *allocation) keep(own reserve.Reservation, prev []byte, preferred int, dryRun bool) (*Result, bool) {
	spec := a.cfg.Spec
	slot, aligned := spec.SlotOf(own.Base)
	if !aligned || own.Width != spec.Width {
		a.warn(fmt.Sprintf("%s: base %d width %d does not fit the current config (range %d-%d, width %d); choosing again", untrusted.New(a.path), own.Base, own.Width, spec.Range.Lo, spec.Range.Hi, spec.Width))
		return nil, false
	}
	if p, bad := spec.Avoided(own.Base); bad {
		a.warn(fmt.Sprintf("%s: port %d is on the avoid list; choosing again", untrusted.New(a.path), p))
		return nil, false
	}
	ownMod := modTime(a.path)
	for _, s := range a.sibs {
		if !own.Overlaps(s.Reservation) {
			continue
		}
		if keeps(slot == preferred, ownMod, a.root, s, spec, a.repo.RepoID()) {
			continue
		}
		a.warn(fmt.Sprintf("%s: bundle %s overlaps %s (%s), which keeps it; choosing again", untrusted.New(a.name), portRange(own.Base, own.Width), s.Label, portRange(s.Reservation.Base, s.Reservation.Width)))
		return nil, false
	}
	want := a.reservation(slot, own.Base)
	if sameContent(own, want) {
		return &Result{
			Path: a.path, Root: a.root, Reservation: own, Data: prev, Outcome: Kept,
			Message: fmt.Sprintf("%s: kept slot %d, ports %s", untrusted.New(a.name), slot, portRange(own.Base, own.Width)),
		}, true
	}
	why := "updated ports/env from the config"
	switch {
	case !samePorts(own, want):
	case a.movedFrom != "":
		why = "updated for its new place (moved from " + untrusted.New(a.movedFrom).String() + ")"
	default:
		why = "updated its file"
	}
	a.keptSince = ownMod
	r, err := a.write(prev, slot, own.Base, Updated, fmt.Sprintf("%s: kept slot %d, ports %s; %s", untrusted.New(a.name), slot, portRange(own.Base, own.Width), why), dryRun)
	if err != nil {
		a.warn(err.Error())
		return nil, false
	}
	return r, true
}

// keeps is the documented overlap rule (docs/DESIGN.md): when two reservations overlap,
// the one on its own preferred slot keeps it; otherwise the older file keeps it; on a tie
// the path that sorts first keeps it. Both sides evaluate the same rule, so exactly one
// moves, and the winner's file is never touched.
func keeps(ownPreferred bool, ownMod time.Time, ownPath string, s Sibling, spec bundle.Spec, repoID string) bool {
	// Another repository's preferred slot depends on its identity and config, which
	// this side cannot see; both sides then skip straight to the age rule, so they
	// still agree.
	if s.Repo == "" {
		sibSlot, _ := spec.SlotOf(s.Reservation.Base)
		sibPreferred := sibSlot == bundle.Preferred(repoID, s.Worktree.Name(), spec.Slots()) && s.Reservation.Width == spec.Width
		if ownPreferred != sibPreferred {
			return ownPreferred
		}
	}
	if !ownMod.Equal(s.ModTime) {
		return ownMod.Before(s.ModTime)
	}
	return ownPath < s.Worktree.Path
}

// Winner applies the overlap rule to two reservations of this repository and returns
// the one that keeps its bundle first.
func Winner(repo *repository.Repo, a, b Sibling) (keeper, loser Sibling) {
	spec := bundle.Spec{Range: bundle.Range{Lo: 1, Hi: 65535}}
	if c, err := repo.LoadConfig("", 0); err == nil {
		spec = c.Spec
	}
	slotA, _ := spec.SlotOf(a.Reservation.Base)
	aPreferred := a.Reservation.Width == spec.Width && slotA == bundle.Preferred(repo.RepoID(), a.Worktree.Name(), spec.Slots())
	if keeps(aPreferred, a.ModTime, a.Worktree.Path, b, spec, repo.RepoID()) {
		return a, b
	}
	return b, a
}

func modTime(path string) time.Time {
	if fi, err := os.Stat(path); err == nil {
		return fi.ModTime()
	}
	return time.Time{}
}

func (a *allocation) pinned(o Options, prev []byte) (*Result, error) {
	spec := a.cfg.Spec
	slot, ok := spec.SlotOf(o.Base)
	if !ok {
		return nil, fmt.Errorf("--base %d: not a slot base of range %d-%d with width %d (bases are %d, %d, ...)", o.Base, spec.Range.Lo, spec.Range.Hi, spec.Width, spec.Range.Lo, spec.Range.Lo+spec.Width)
	}
	if p, bad := spec.Avoided(o.Base); bad {
		return nil, fmt.Errorf("--base %d: port %d is on the avoid list", o.Base, p)
	}
	if s, taken := a.reservedBy(o.Base, spec.Width); taken {
		return nil, fmt.Errorf("--base %d: ports %s are reserved by %s (%s)", o.Base, portRange(o.Base, spec.Width), s.Label, portRange(s.Reservation.Base, s.Reservation.Width))
	}
	return a.write(prev, slot, o.Base, Pinned, fmt.Sprintf("%s: pinned slot %d, ports %s", untrusted.New(a.name), slot, portRange(o.Base, spec.Width)), o.DryRun)
}

func (a *allocation) reservedBy(base, width int) (Sibling, bool) {
	for _, s := range a.sibs {
		for p := base; p < base+width; p++ {
			if s.Reservation.Claimed(p) {
				return s, true
			}
		}
	}
	return Sibling{}, false
}

// taken is the predicate bundle.Choose steps with: reserved first (cheap and
// authoritative), then bound.
func (a *allocation) taken(base int) bundle.Verdict {
	w := a.cfg.Spec.Width
	if s, ok := a.reservedBy(base, w); ok {
		if a.holders == nil {
			a.holders = map[string]int{}
		}
		repo := s.Repo
		if repo == "" {
			repo = a.repo.RepoName()
		}
		a.holders[repo]++
		a.countFile(s)
		return bundle.Verdict{Taken: true, Kind: "reserved", Detail: "reserved by " + s.Label}
	}
	for p := base; p < base+w; p++ {
		if a.prober.Bound(p) {
			return bundle.Verdict{Taken: true, Kind: "bound", Detail: fmt.Sprintf("port %d is in use", p)}
		}
	}
	return bundle.Verdict{}
}

func (a *allocation) reservation(slot, base int) reserve.Reservation {
	cur, _ := a.repo.Current()
	r, err := Expected(a.cfg, a.repo.RepoName(), cur.ShortBranch(), a.root, a.repo.Loc.GitDir, slot, base)
	if err != nil {
		// Parse validated every template, so this is a programming error; keep the ports.
		a.warn(err.Error())
	}
	return r
}

// sameContent reports whether the file own needs no rewrite to hold want. A file that
// records no place (written by hand or by an older version) is not rewritten just to
// add one: a valid reservation is kept exactly.
func sameContent(own, want reserve.Reservation) bool {
	if own.Root != "" && own.Root != want.Root || own.GitDir != "" && own.GitDir != want.GitDir {
		return false
	}
	return own.Version == want.Version && own.Worktree == want.Worktree && samePorts(own, want)
}

// samePorts reports whether two reservations hold the same bundle, ports and env.
func samePorts(a, b reserve.Reservation) bool {
	return a.Base == b.Base && a.Width == b.Width && a.Slot == b.Slot &&
		slices.Equal(a.Ports, b.Ports) && slices.Equal(a.Env, b.Env)
}

// here is OriginOf's question, answered from git: this worktree's git directory, and
// whether git lists this top level as a worktree.
func (a *allocation) here() (string, bool) {
	_, listed := a.repo.Current()
	return a.repo.Loc.GitDir, listed
}

// recordable returns p when it can be recorded in a reservation file, and "" (not
// recorded) otherwise, so an unusual path never keeps a worktree from getting ports.
func recordable(p string) string {
	if p = filepath.Clean(p); reserve.ValidPath(p) {
		return p
	}
	return ""
}

func (a *allocation) write(prev []byte, slot, base int, outcome Outcome, msg string, dryRun bool) (*Result, error) {
	r := a.reservation(slot, base)
	data, err := reserve.Marshal(prev, r)
	if err != nil {
		return nil, err
	}
	res := &Result{Path: a.path, Root: a.root, Reservation: r, Data: data, Outcome: outcome, Message: msg}
	if dryRun {
		res.Message = "dry run: " + msg
		return res, nil
	}
	if err := reserve.WriteAtomic(a.path, data); err != nil {
		return nil, err
	}
	res.Wrote = true
	if outcome == Updated && !a.keptSince.IsZero() {
		// The same bundle, rewritten: it keeps its age, which the overlap rule compares.
		// A fresh mtime would hand the bundle to a newer copy elsewhere, and both would
		// then keep it.
		if err := os.Chtimes(a.path, a.keptSince, a.keptSince); err != nil {
			a.warn(fmt.Sprintf("%s: could not keep its modification time: %v", untrusted.New(a.path), err))
		}
	}
	return res, nil
}

func portRange(base, width int) string {
	if width == 1 {
		return strconv.Itoa(base)
	}
	return fmt.Sprintf("%d-%d", base, base+width-1)
}
