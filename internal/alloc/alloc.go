// Package alloc chooses and writes a worktree's port bundle: it reads the reservations of
// the sibling worktrees (and, with cross-repository awareness, of other repositories'),
// keeps the existing bundle when it may, otherwise picks the hash-preferred free slot,
// and writes the reservation atomically, all under the locks. It is the algorithm alone:
// what a reservation means (whose it is, what it should hold, which of two overlapping
// ones keeps its bundle) and reading the others' reservations are package claim's rules,
// which list and doctor use too. What the repository is comes from package repository.
//
// The files follow the algorithm:
//
//	alloc.go    Allocate: discover, lock, list again if needed, run, exclude the file
//	keep.go     whether the existing reservation stays, as it is or updated
//	main.go     the main worktree on the ports its config names (services.<name>.main)
//	step.go     choosing a slot (preferred, stepped, pinned), and why a range ran out
//	write.go    the atomic write
//	errors.go   the errors callers tell apart
package alloc

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/git-worktree-ports/git-worktree-ports/internal/bundle"
	"github.com/git-worktree-ports/git-worktree-ports/internal/claim"
	"github.com/git-worktree-ports/git-worktree-ports/internal/config"
	"github.com/git-worktree-ports/git-worktree-ports/internal/dotenvfile"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitfiles"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
	"github.com/git-worktree-ports/git-worktree-ports/internal/listener"
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
	MainPorts Outcome = "main"      // the main worktree, on the ports its config names (services.<name>.main)
)

// Options control one allocation.
type Options struct {
	Dir string // where to run git; "" is the working directory
	// Env is the environment for git and for the settings read from it
	// (GIT_WORKTREE_PORTS_*, XDG_STATE_HOME); nil is the process's.
	Env    []string
	DryRun bool
	Force  bool
	Base   int    // pin this base; 0 means choose
	Range  string // flag override of the range, "" for none
	Width  int    // flag override of the width, 0 for none
	Prober listener.Prober
	// Warn receives one-line warnings (skipped files, a tracked reservation, another
	// repository that did not answer); nil drops them.
	Warn func(claim.Warning)
	// Now reads the clock, which dates the worktree listings that are checked under the
	// lock (claim.ListedBefore); nil is time.Now.
	Now func() time.Time
	// LockTimeout overrides git config and GIT_WORKTREE_PORTS_LOCK_TIMEOUT when non-zero.
	LockTimeout time.Duration
	// Verbose receives one line each time git was asked because its files could not be
	// read with certainty (here or in another repository), saying what and why; nil
	// drops them. It is never called from two goroutines at once.
	Verbose func(string)
	// GitOnly asks git for every fact about the repositories, reading none of git's
	// files directly (repository.Options.GitOnly): for the tests that compare the two.
	GitOnly bool
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
	// Dotenv lists the dotenv files (config "dotenv") whose block was written, as listed.
	Dotenv []string
}

// Allocate runs the whole algorithm of SPEC "Choosing a bundle".
func Allocate(ctx context.Context, o Options) (*Result, error) {
	say := o.Warn
	if say == nil {
		say = func(claim.Warning) {}
	}
	warn := func(s string) { say(claim.Warning{Kind: claim.OtherWarning, Text: s}) }
	g := gitwt.Git{Dir: o.Dir, Env: o.Env}
	// The worktrees are listed together with everything else, before the lock, because one
	// more git process in sequence is a third of allocate's time. Under the lock the list
	// is checked (claim.ListedBefore) and taken again only if a worktree may have been added
	// since, or one added and allocated in between would go unseen.
	now := o.Now
	if now == nil {
		now = time.Now
	}
	listStart := now()
	// Of the other worktrees, allocation reads only their reservations, so it needs only
	// where they are.
	repo, err := repository.Discover(ctx, g, repository.Options{PathsOnly: true, GitOnly: o.GitOnly, Fallback: o.Verbose})
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
	// What the config asks beyond the ports waits for this user's approval (package
	// trust); until then the ports alone, and one line that says so.
	approval := repo.Approve(cfg, g.Getenv)
	cfg = approval.Config
	if approval.Note != "" {
		say(claim.Warning{Kind: claim.UnapprovedNote, Text: approval.Note})
	}
	key := signingKey(g.Getenv, warn)
	if repo.Tracked {
		say(claim.Warning{Kind: claim.TrackedWarning, Text: fmt.Sprintf("WARNING: %s is tracked by git: a committed reservation is copied into every new worktree. Run: git rm --cached %s && git commit", untrusted.New(path), reserve.FileName)})
	}

	getenv := g.Getenv
	cross, err := repo.CrossRepo(getenv)
	if err != nil {
		return nil, err
	}
	var foreign *claim.Foreign
	if cross != nil {
		// Before the per-user lock, so that a slow repository holds up only this
		// allocation, not every one waiting for that lock (claim.Foreign).
		foreign = claim.ListForeignFor(ctx, *cross, repo.Loc.CommonDir, o.Env, claim.Listing{Warn: say, Now: now, FromFiles: !o.GitOnly, Note: o.Verbose})
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
		if !claim.ListedBefore(repo.Loc.CommonDir, repo.Loc.GitDir, len(repo.Worktrees)-1, listStart) {
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
		prober = listener.SystemProber{}
	}
	a := &allocation{
		repo: repo, cfg: cfg, root: root, path: path, prober: prober, warn: warn,
		name: filepath.Base(root), foreign: foreign, ctx: ctx,
		approval: approval.ID, key: key,
	}
	res, err := a.run(o)
	if err != nil {
		return nil, err
	}
	if !o.DryRun {
		recordMain(repo.Loc)
		if res.Wrote || res.Outcome == Kept {
			if _, err := reserve.EnsureExcluded(repo.Loc.CommonDir); err != nil {
				warn(fmt.Sprintf("could not add %s to %s: %v", reserve.FileName, untrusted.New(filepath.Join(repo.Loc.CommonDir, "info", "exclude")), err))
			}
		}
		// Still under the lock, so two allocations in this worktree never interleave
		// their writes of a file.
		if changed := dotenvfile.Keep(ctx, dotenvfile.Options{Root: root, Files: cfg.Dotenv, Env: o.Env, Warn: warn}, claim.Vars(root, res.Reservation)); len(changed) > 0 {
			res.Message += "; wrote " + untrusted.New(strings.Join(changed, ", ")).String()
			res.Dotenv = changed
		}
	}
	return res, nil
}

type allocation struct {
	repo   *repository.Repo
	cfg    config.Config
	root   string
	path   string
	name   string
	prober listener.Prober
	warn   func(string)
	sibs   []claim.Sibling
	// foreign holds the other repositories; nil when cross-repository awareness is off.
	foreign *claim.Foreign
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
	// approval names the approval the config stands under (repository.Approval.ID), ""
	// for the ports alone; key is this user's signing key (trust.Store.Key), nil when
	// there is none, and then files are written without a proof.
	approval string
	key      []byte
}

func (a *allocation) run(o Options) (*Result, error) {
	spec := a.cfg.Spec
	a.sibs = claim.ReadSiblings(a.repo.Worktrees, a.root, a.root, a.warn)
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
		switch claim.OriginOf(own, a.root, a.here) {
		case claim.Copied:
			// The original's bundle: never this worktree's to keep, and taken by the
			// original wherever it is, which this worktree may not see (another
			// repository, another machine). A tracked file already had its warning.
			if !a.repo.Tracked {
				a.warn(fmt.Sprintf("%s was written for the worktree at %s (copied, cloned or committed?); choosing a bundle of its own", untrusted.New(a.path), untrusted.New(own.Root)))
			}
			a.sibs = append(a.sibs, claim.Sibling{
				Worktree: gitwt.Worktree{Path: own.Root}, Path: a.path, Reservation: own,
				Label: repository.Label(a.root, own.Root) + " (copied from there)",
			})
			hasOwn = false
			// The original's leases stay the original's: a rewrite must not copy them.
			prev = reserve.WithoutLeases(prev)
		case claim.MovedHere:
			a.movedFrom = own.Root
		}
	}
	if spec.HasMain() && gitfiles.InMain(a.repo.Loc) {
		want := a.mainReservation()
		held, port := a.mainHeldElsewhere(want, own, hasOwn)
		if held == nil {
			return a.mainPorts(o, want, own, hasOwn, prev)
		}
		// Another repository's earlier reservation keeps a main port: this main worktree
		// takes a bundle of its range, as a linked worktree would, until that is free.
		a.warn(fmt.Sprintf("%s: main port %d (%s) is reserved by %s, an earlier reservation of another repository, which keeps it; taking a bundle of the range instead until it is free", untrusted.New(a.name), port.Port, untrusted.New(port.Name), held.Label))
		if hasOwn && own.Main {
			hasOwn = false // its old main ports, given up
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
			widen := ""
			if w := spec.Range.Widened(); w != spec.Range {
				widen = fmt.Sprintf("Widen the range (git config worktree-ports.range %s), ", w)
			}
			way := "narrow the width, or free slots"
			if widen == "" {
				way = "Narrow the width, or free slots"
			}
			return nil, fmt.Errorf("%w%s\n%s%s with `git worktree-ports release` in worktrees you no longer use (`git worktree-ports list --all` shows them)", err, a.holdersText(), widen, way)
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
	return a.write(prev, a.reservation(choice.Slot, choice.Base), outcome, msg, o.DryRun)
}

// here is claim.OriginOf's question, answered from git: this worktree's git directory,
// and whether git lists this top level as a worktree.
func (a *allocation) here() (string, bool) {
	_, listed := a.repo.Current()
	return a.repo.Loc.GitDir, listed
}
