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
//	alloc.go    Allocate's phases: prepare (discover, config, the other repositories),
//	            lock (and list again if needed), choose (run), finish (exclude, dotenv)
//	keep.go     whether the existing reservation stays, as it is or updated
//	main.go     the main worktree on the ports its config names (services.<name>.main)
//	step.go     choosing a slot (preferred, stepped, pinned), and why a range ran out
//	write.go    the atomic write, signed
//	record.go   noting where the main worktree is (a step of finish)
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
	"github.com/git-worktree-ports/git-worktree-ports/internal/diag"
	"github.com/git-worktree-ports/git-worktree-ports/internal/dotenvfile"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitfiles"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
	"github.com/git-worktree-ports/git-worktree-ports/internal/listener"
	"github.com/git-worktree-ports/git-worktree-ports/internal/registry"
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
	// Diag hears the warnings (skipped files, a tracked reservation, another repository
	// that did not answer), the notices (waiting for a lock, a config not approved) and,
	// as verbose lines, each time git was asked because its files could not be read with
	// certainty (here or in another repository), saying what and why; nil drops them all.
	// It is never called from two goroutines at once.
	Diag *diag.Sink
	// Now reads the clock, which dates the worktree listings that are checked under the
	// lock (claim.ListedBefore); nil is time.Now.
	Now func() time.Time
	// LockTimeout overrides git config and GIT_WORKTREE_PORTS_LOCK_TIMEOUT when non-zero.
	LockTimeout time.Duration
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
	// DotenvFailed lists the dotenv files whose write failed (a full or read-only file
	// system): the reservation stands, and they lag it.
	DotenvFailed []string
}

// Allocate runs the whole algorithm of SPEC "Choosing a bundle", in four phases: prepare
// (discover the repository, load the config, list the other repositories), lock and list
// again, choose (allocation.run), and finish (note the main worktree, exclude the file,
// write the dotenv files).
func Allocate(ctx context.Context, o Options) (*Result, error) {
	say := func(w diag.Warning) { o.Diag.Warn(w) }
	warn := o.Diag.Lines(diag.Other)
	waiting := o.Diag.Lines(diag.LockWait)
	p, err := prepare(ctx, o, say, warn)
	if err != nil {
		return nil, err
	}
	if !o.DryRun {
		release, err := p.lock(ctx, o, warn, waiting)
		if err != nil {
			return nil, err
		}
		defer release()
	}
	res, err := p.allocation(ctx, o, warn).run(o)
	if err != nil {
		return nil, err
	}
	if note := p.cfg.RangeNote(); note != "" {
		// A personal range over the committed one is never silent.
		res.Message += "; " + note
	}
	if !o.DryRun {
		p.finish(ctx, o, res, warn)
	}
	return res, nil
}

// prepared is what the prepare phase found: the repository, this worktree, its config as
// this user's approval allows it, and the other repositories' reservations.
type prepared struct {
	g          gitwt.Git
	repo       *repository.Repo
	root, path string
	cfg        config.Config
	// listed is the dotenv files the config lists, approved or not: finish withdraws the
	// block of those the approved config (cfg) no longer has.
	listed []string
	// approval names the approval the config stands under (repository.Approval.ID).
	approval string
	key      []byte
	// cross is the per-user index, nil when cross-repository awareness is off; foreign
	// the other repositories' reservations, listed from it.
	cross   *registry.Index
	foreign *claim.Foreign
	// listStart is when the worktrees were listed, which lock checks (claim.ListedBefore).
	listStart time.Time
}

// prepare discovers the repository and this worktree, loads the config under this user's
// approval, and lists the other repositories, all before any lock. The worktrees are
// listed together with everything else, because one more git process in sequence is a
// third of allocate's time; lock checks the list and takes it again only if a worktree
// may have been added since, or one added and allocated in between would go unseen.
func prepare(ctx context.Context, o Options, say func(diag.Warning), warn func(string)) (*prepared, error) {
	p := &prepared{g: gitwt.Git{Dir: o.Dir, Env: o.Env}}
	now := o.Now
	if now == nil {
		now = time.Now
	}
	p.listStart = now()
	if err := p.discover(ctx, o); err != nil {
		return nil, err
	}
	if err := p.loadConfig(o, say, warn); err != nil {
		return nil, err
	}
	cross, err := p.repo.CrossRepo(p.g.Getenv)
	if err != nil {
		return nil, err
	}
	if cross != nil {
		// Before the per-user lock, so that a slow repository holds up only this
		// allocation, not every one waiting for that lock (claim.Foreign).
		p.cross = cross
		p.foreign = claim.ListForeignFor(ctx, *cross, p.repo.Loc.CommonDir, o.Env, claim.Listing{Diag: o.Diag, Now: now, FromFiles: !o.GitOnly})
	}
	return p, nil
}

// discover finds the repository and this worktree's top level, and refuses a worktree
// whose reservation could not be written: a name no file can record, or a directory
// where the file goes.
func (p *prepared) discover(ctx context.Context, o Options) error {
	// Of the other worktrees, allocation reads only their reservations, so it needs only
	// where they are.
	repo, err := repository.Discover(ctx, p.g, repository.Options{PathsOnly: true, GitOnly: o.GitOnly, Diag: o.Diag})
	if err != nil {
		return err
	}
	root, err := repository.Toplevel(repo.Loc, o.Dir)
	if err != nil {
		return err
	}
	if err := checkName(root); err != nil {
		return err
	}
	path := filepath.Join(root, reserve.FileName)
	if fi, err := os.Lstat(path); err == nil && fi.IsDir() {
		// No write can replace a directory, --force or not: say so before anything else.
		return fmt.Errorf("%s is a directory, not a reservation file; remove it", untrusted.New(path))
	}
	p.repo, p.root, p.path = repo, root, path
	return nil
}

// loadConfig loads the config (with the flags' range and width), applies this user's
// approval to it, finds the signing key, and warns about a tracked reservation file.
func (p *prepared) loadConfig(o Options, say func(diag.Warning), warn func(string)) error {
	cfg, err := p.repo.LoadConfig(o.Range, o.Width)
	if err != nil {
		return err
	}
	// What the config asks beyond the ports waits for this user's approval (package
	// trust); until then the ports alone, and one line that says so.
	approval := p.repo.Approve(cfg, p.g.Getenv)
	p.listed = cfg.Dotenv // the dotenv files the config lists, approved or not
	p.cfg, p.approval = approval.Config, approval.ID
	if approval.Note != "" {
		say(diag.Warning{Kind: diag.Unapproved, Text: approval.Note})
	}
	p.key = signingKey(p.g.Getenv, warn)
	if p.repo.Tracked {
		say(diag.Warning{Kind: diag.Tracked, Text: fmt.Sprintf("WARNING: %s is tracked by git: a committed reservation is copied into every new worktree. Run: git rm --cached %s && git commit", untrusted.New(p.path), reserve.FileName)})
	}
	return nil
}

// lock takes the locks in their order (docs/DESIGN.md: the user lock, then the
// repository lock), lists the worktrees again if one may have been added since prepare
// listed them, and registers this repository in the per-user index. A wait for a lock
// is said to waiting, once. It returns what releases the locks.
func (p *prepared) lock(ctx context.Context, o Options, warn, waiting func(string)) (release func(), err error) {
	timeout, err := p.repo.LockTimeout(o.LockTimeout, p.g.Getenv)
	if err != nil {
		return nil, err
	}
	releaseUser := func() {}
	if p.cross != nil {
		if releaseUser, err = p.cross.LockUser(ctx, timeout, waiting); err != nil {
			return nil, err
		}
	}
	lock, err := reserve.AcquireLock(ctx, filepath.Join(p.repo.Loc.CommonDir, reserve.LockFileName), timeout, waiting)
	if err != nil {
		releaseUser()
		return nil, err
	}
	release = func() {
		_ = lock.Release()
		releaseUser()
	}
	if !claim.ListedBefore(p.repo.Loc.CommonDir, p.repo.Loc.GitDir, len(p.repo.Worktrees)-1, p.listStart) {
		if err := p.repo.Relist(ctx, p.g); err != nil {
			release()
			return nil, err
		}
	}
	if p.cross != nil {
		if _, err := p.cross.Register(p.repo.Entry()); err != nil {
			warn(fmt.Sprintf("could not register this repository in %s: %v", p.cross.Dir, err))
		}
	}
	return release, nil
}

// allocation starts the choose phase with what prepare found.
func (p *prepared) allocation(ctx context.Context, o Options, warn func(string)) *allocation {
	prober := o.Prober
	if prober == nil {
		prober = listener.SystemProber{}
	}
	return &allocation{
		repo: p.repo, cfg: p.cfg, root: p.root, path: p.path, prober: prober, warn: warn,
		name: filepath.Base(p.root), foreign: p.foreign, ctx: ctx,
		approval: p.approval, key: p.key,
	}
}

// finish is the last phase, under the locks: it notes where the main worktree is
// (recordMain), adds the reservation file to the repository's exclude file, writes the
// dotenv files the approved config names, adding them to res, and withdraws the block
// from those it lists but may no longer write (dotenvfile.Withdraw).
func (p *prepared) finish(ctx context.Context, o Options, res *Result, warn func(string)) {
	recordMain(p.repo.Loc)
	if res.Wrote || res.Outcome == Kept {
		if _, err := reserve.EnsureExcluded(p.repo.Loc.CommonDir); err != nil {
			warn(fmt.Sprintf("could not add %s to %s: %v", reserve.FileName, untrusted.New(filepath.Join(p.repo.Loc.CommonDir, "info", "exclude")), err))
		}
	}
	// Still under the lock, so two allocations in this worktree never interleave their
	// writes of a file.
	changed, failed := dotenvfile.Keep(ctx, dotenvfile.Options{Root: p.root, Files: p.cfg.Dotenv, Env: o.Env, Warn: warn}, claim.Vars(p.root, res.Reservation))
	if len(changed) > 0 {
		res.Message += "; wrote " + untrusted.New(strings.Join(changed, ", ")).String()
		res.Dotenv = changed
	}
	res.DotenvFailed = failed
	// A block an earlier approval wrote goes with the approval.
	if gone := dotenvfile.Withdraw(ctx, dotenvfile.Options{Root: p.root, Files: p.listed, Env: o.Env, Warn: warn}, p.cfg.Dotenv); len(gone) > 0 {
		res.Message += "; removed the block from " + untrusted.New(strings.Join(gone, ", ")).String() + " (the config is not approved)"
	}
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
	// named counts the bound slots whose holder was looked up during stepping (heldBy).
	named int
	// movedFrom is the top level the worktree's reservation was written at, when it was
	// moved since (git worktree move).
	movedFrom string
	// approval names the approval the config stands under (repository.Approval.ID), ""
	// for the ports alone; key is this user's signing key (trust.Store.Key), nil when
	// there is none, and then files are written without a proof.
	approval string
	key      []byte
	// ownLeases are this worktree's own live leases, which a new bundle steps around as
	// it steps around the siblings' claims: one port must not be a service's and a
	// lease's within one file.
	ownLeases []reserve.Lease
}

// run is the choose phase (SPEC "Choosing a bundle"): it reads the siblings' and its own
// reservations, then takes the first that applies of the main worktree's ports
// (mainPorts), a pinned base (pinned), the existing bundle (keep), and the preferred
// slot or the next free one (choose), and writes the result.
func (a *allocation) run(o Options) (*Result, error) {
	a.readSiblings()
	own, prev, hasOwn, err := a.readOwn(o.Force)
	if err != nil {
		return nil, err
	}
	if hasOwn && !a.ownHere(own) {
		hasOwn = false
		// The original's leases stay the original's: a rewrite must not copy them.
		prev = reserve.WithoutLeases(prev)
	} else if prev != nil {
		a.ownLeases = own.Leases
	}
	spec := a.cfg.Spec
	cur, _ := a.repo.Current()
	if claim.HoldsMain(a.cfg, cur.ShortBranch(), gitfiles.InMain(a.repo.Loc)) {
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
	return a.choose(prev, preferred, o.DryRun)
}

// readSiblings reads the reservations of the other worktrees of this repository and,
// with cross-repository awareness, of the other repositories'.
func (a *allocation) readSiblings() {
	a.sibs = claim.ReadSiblings(a.repo.Worktrees, a.root, a.root, a.warn)
	if a.foreign != nil {
		a.sibs = append(a.sibs, a.foreign.Siblings(a.ctx, a.root)...)
	}
}

// readOwn reads this worktree's reservation: own and hasOwn when it is valid, and prev,
// the bytes a rewrite keeps the user's fields from. A file that cannot be read is an
// error, since it may hold a user's fields, unless force replaces it; one with values no
// config wrote is chosen again, keeping its fields.
func (a *allocation) readOwn(force bool) (own reserve.Reservation, prev []byte, hasOwn bool, err error) {
	own, prev, ownErr := reserve.Read(a.path)
	switch {
	case ownErr == nil:
		return own, prev, true, nil
	case errors.Is(ownErr, fs.ErrNotExist):
		return own, nil, false, nil
	case errors.Is(ownErr, reserve.ErrOutOfBounds):
		// Well-formed, so a rewrite keeps the user's fields (prev), but no config wrote
		// these values: choose again, as for a bundle that no longer fits the config.
		var fe *reserve.FileError
		errors.As(ownErr, &fe)
		a.warn(fmt.Sprintf("%s: %s; choosing again", untrusted.New(fe.Path), fe.Reason))
		return own, prev, false, nil
	case force:
		a.warn(ownErr.Error() + "; replacing it (--force)")
		return own, nil, false, nil
	}
	// Never overwrite a file we cannot read: it may hold a user's fields.
	reason := ownErr.Error()
	var fe *reserve.FileError
	if errors.As(ownErr, &fe) {
		reason = fe.Reason
	}
	return own, nil, false, fmt.Errorf("%s: %s; refusing to overwrite it: fix or remove it, or run `git worktree-ports allocate --force` to replace it", untrusted.New(a.path), reason)
}

// ownHere reports whether this worktree's valid reservation own is its own to keep
// (claim.OriginOf). A copy is not: the original's bundle joins the siblings, taken by the
// original wherever it is, which this worktree may not see (another repository, another
// machine). A file moved here with its worktree is, and notes where it was written.
func (a *allocation) ownHere(own reserve.Reservation) bool {
	switch claim.OriginOf(own, a.root, a.here) {
	case claim.Copied:
		// A tracked file already had its warning.
		if !a.repo.Tracked {
			a.warn(fmt.Sprintf("%s was written for the worktree at %s (copied, cloned or committed?); choosing a bundle of its own", untrusted.New(a.path), untrusted.New(own.Root)))
		}
		a.sibs = append(a.sibs, claim.Sibling{
			Worktree: gitwt.Worktree{Path: own.Root}, Path: a.path, Reservation: own,
			Label: repository.Label(a.root, own.Root) + " (copied from there)",
		})
		return false
	case claim.MovedHere:
		a.movedFrom = own.Root
	}
	return true
}

// choose takes the preferred slot, or steps to the next free one (bundle.Choose with
// taken), and writes it; when the range is full it says which repositories and files
// hold it, and how to make room.
func (a *allocation) choose(prev []byte, preferred int, dryRun bool) (*Result, error) {
	spec := a.cfg.Spec
	choice, err := bundle.Choose(spec, preferred, a.taken)
	if err != nil {
		var ex *bundle.ExhaustedError
		if errors.As(err, &ex) {
			return nil, a.exhausted(err)
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
	return a.write(prev, a.reservation(choice.Slot, choice.Base), outcome, msg, dryRun)
}

// exhausted adds to bundle.Choose's error err who holds the range (holdersText) and
// what to do: widen the range when it can be, narrow the width, or free slots.
func (a *allocation) exhausted(err error) error {
	spec := a.cfg.Spec
	widen := ""
	if w := spec.Range.Widened(); w != spec.Range {
		widen = fmt.Sprintf("Widen the range (git config worktree-ports.range %s), ", w)
	}
	way := "narrow the width, or free slots"
	if widen == "" {
		way = "Narrow the width, or free slots"
	}
	return fmt.Errorf("%w%s\n%s%s with `git worktree-ports release` in worktrees you no longer use (`git worktree-ports list --all` shows them)", err, a.holdersText(), widen, way)
}

// here is claim.OriginOf's question, answered from git: this worktree's git directory,
// and whether git lists this top level as a worktree.
func (a *allocation) here() (string, bool) {
	_, listed := a.repo.Current()
	return a.repo.Loc.GitDir, listed
}
