// Package lease gives agents and tools that never run git an extra port each (`lease
// NAME`), that no worktree, repository or other lease on the machine holds, and frees it
// (`release NAME`, its TTL, or the worktree going away).
//
// A lease is recorded where the overlap rules already look: in this worktree's
// reservation file, under "leases" (reserve.Lease), written under the same locks as an
// allocation (the per-user lock, then the repository lock) after reading every other
// reservation the same way allocate reads them (claim.ReadSiblings, claim.Foreign). So
// allocate, list, doctor and every other repository count a leased port as claimed
// (reserve.Reservation.Claimed), and two leases taken at once never share a port.
//
// Leases are packed from the top of the range down, so that they fill few slots: a
// slot holding a lease is taken for allocation like any other that overlaps a
// reservation, and the hash-preferred slots of new worktrees lie anywhere in the range.
package lease

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/git-worktree-ports/git-worktree-ports/internal/bundle"
	"github.com/git-worktree-ports/git-worktree-ports/internal/claim"
	"github.com/git-worktree-ports/git-worktree-ports/internal/diag"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
	"github.com/git-worktree-ports/git-worktree-ports/internal/listener"
	"github.com/git-worktree-ports/git-worktree-ports/internal/registry"
	"github.com/git-worktree-ports/git-worktree-ports/internal/repository"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// Options say where a lease is taken or released.
type Options struct {
	Dir string   // where to run git; "" is the working directory
	Env []string // the environment for git and the settings; nil is the process's
	// Prober says whether a port is bound; nil is listener.SystemProber.
	Prober listener.Prober
	// Warn receives one-line warnings (a skipped file, a repository that did not
	// answer); nil drops them.
	Warn func(string)
	// Now reads the clock for TTLs; nil is time.Now.
	Now func() time.Time
	// Allocate gives the worktree its reservation when it has none (cmd wires it to
	// alloc.Allocate), since a lease lives in that file; nil refuses instead.
	Allocate func(ctx context.Context, root string) error
	// LockTimeout overrides the configured lock timeout when non-zero.
	LockTimeout time.Duration
}

// Result is a lease taken.
type Result struct {
	Name    string
	Port    int
	Expires time.Time // zero for no TTL
	Renewed bool      // the worktree held the lease already: same port, TTL restarted
	Path    string    // the reservation file that records it
}

// ErrNoReservation is returned when the worktree has no reservation and Options.Allocate
// is nil.
var ErrNoReservation = errors.New("this worktree has no reservation")

// NotFoundError is returned by Release for a name this worktree does not lease.
type NotFoundError struct {
	Name   string
	Leases []string // the names it does lease
}

func (e *NotFoundError) Error() string {
	if len(e.Leases) == 0 {
		return fmt.Sprintf("no lease %s in this worktree (it holds none)", untrusted.New(e.Name))
	}
	return fmt.Sprintf("no lease %s in this worktree; it holds %s", untrusted.New(e.Name), untrusted.New(fmt.Sprint(e.Leases)))
}

// ExhaustedError is returned when no port of the range is free for a lease.
type ExhaustedError struct{ Range bundle.Range }

func (e *ExhaustedError) Error() string {
	return fmt.Sprintf("no free port in %s for a lease: every port is reserved, leased, avoided or bound; release leases you no longer use (git worktree-ports list --all shows the worktrees)", e.Range)
}

// CheckName returns an error naming name unless it is a lease name: 1-64 letters,
// digits, '.', '_' and '-', starting with a letter or digit.
func CheckName(name string) error {
	if !validName(name) {
		return fmt.Errorf("lease name %s: use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit", untrusted.New(fmt.Sprintf("%q", name)))
	}
	return nil
}

// Take leases a port under name for this worktree, for ttl (0: until released). A name
// the worktree leases already keeps its port, and its TTL starts again.
func Take(ctx context.Context, o Options, name string, ttl time.Duration) (*Result, error) {
	if err := CheckName(name); err != nil {
		return nil, err
	}
	var res *Result
	err := locked(ctx, o, true, func(s *state) error {
		now := s.now()
		exp := time.Time{}
		if ttl > 0 {
			exp = now.Add(ttl).Truncate(time.Second)
		}
		leases := s.own.Leases
		for i, l := range leases {
			if l.Name == name {
				leases[i].Expires = exp
				res = &Result{Name: name, Port: l.Port, Expires: exp, Renewed: true, Path: s.path}
				return s.write(leases)
			}
		}
		port, err := s.free()
		if err != nil {
			return err
		}
		res = &Result{Name: name, Port: port, Expires: exp, Path: s.path}
		return s.write(append(leases, reserve.Lease{Name: name, Port: port, Expires: exp}))
	})
	return res, err
}

// Release frees this worktree's lease name, returning its port. A name it does not
// lease, in a worktree with or without a reservation, is a *NotFoundError.
func Release(ctx context.Context, o Options, name string) (int, error) {
	port := 0
	err := locked(ctx, o, false, func(s *state) error {
		var keep []reserve.Lease
		var names []string
		for _, l := range s.own.Leases {
			if l.Name == name {
				port = l.Port
				continue
			}
			keep = append(keep, l)
			names = append(names, l.Name)
		}
		if port == 0 {
			return &NotFoundError{Name: name, Leases: names}
		}
		return s.write(keep)
	})
	if errors.Is(err, ErrNoReservation) {
		return 0, &NotFoundError{Name: name}
	}
	return port, err
}

// List returns this worktree's leases that have not expired, reading its file alone.
func List(ctx context.Context, o Options) ([]reserve.Lease, error) {
	repo, err := repository.Discover(ctx, gitwt.Git{Dir: o.Dir, Env: o.Env}, repository.Options{PathsOnly: true})
	if err != nil {
		return nil, err
	}
	root, err := repository.Toplevel(repo.Loc, o.Dir)
	if err != nil {
		return nil, err
	}
	own, _, err := reserve.Read(filepath.Join(root, reserve.FileName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return own.Leases, err
}

// state is what a lease decides on, read under the locks.
type state struct {
	o      Options
	spec   bundle.Spec
	path   string
	own    reserve.Reservation
	prev   []byte
	since  time.Time // the file's modification time, kept across the write
	sibs   []claim.Sibling
	prober listener.Prober
}

func (s *state) now() time.Time {
	if s.o.Now != nil {
		return s.o.Now()
	}
	return time.Now()
}

// locked reads everything a lease needs under the locks allocate takes, in the same
// order, and runs fn there. others says whether the other worktrees' and repositories'
// reservations are needed (to take a port; not to give one back).
func locked(ctx context.Context, o Options, others bool, fn func(*state) error) error {
	warn := o.Warn
	if warn == nil {
		warn = func(string) {}
	}
	now := o.Now
	if now == nil {
		now = time.Now
	}
	st, err := prepare(ctx, o, others, warn, now)
	if err != nil {
		return err
	}
	timeout, err := st.repo.LockTimeout(o.LockTimeout, st.g.Getenv)
	if err != nil {
		return err
	}
	// Lock order (docs/DESIGN.md "Locks"): the user lock, then the repository lock.
	if st.cross != nil {
		release, err := st.cross.LockUser(ctx, timeout, warn)
		if err != nil {
			return err
		}
		defer release()
	}
	lk, err := reserve.AcquireLock(ctx, filepath.Join(st.repo.Loc.CommonDir, reserve.LockFileName), timeout, warn)
	if err != nil {
		return err
	}
	defer func() { _ = lk.Release() }()
	s, err := st.read(ctx, o, others, warn)
	if err != nil {
		return err
	}
	return fn(s)
}

// site is where a lease is taken, as found before the locks: the repository, the
// worktree's reservation file, the config and, when others count, the other
// repositories (listed before the per-user lock, as allocate lists them).
type site struct {
	g         gitwt.Git
	repo      *repository.Repo
	root      string
	path      string
	spec      bundle.Spec
	cross     *registry.Index
	foreign   *claim.Foreign
	listStart time.Time
}

// prepare finds the site, allocating first when the worktree has no reservation and
// others count (allocate takes the locks itself, so before them).
func prepare(ctx context.Context, o Options, others bool, warn func(string), now func() time.Time) (*site, error) {
	st := &site{g: gitwt.Git{Dir: o.Dir, Env: o.Env}, listStart: now()}
	repo, err := repository.Discover(ctx, st.g, repository.Options{PathsOnly: true})
	if err != nil {
		return nil, err
	}
	st.repo = repo
	if st.root, err = repository.Toplevel(repo.Loc, o.Dir); err != nil {
		return nil, err
	}
	st.path = filepath.Join(st.root, reserve.FileName)
	if _, err := os.Lstat(st.path); errors.Is(err, fs.ErrNotExist) && others {
		if o.Allocate == nil {
			return nil, ErrNoReservation
		}
		if err := o.Allocate(ctx, st.root); err != nil {
			return nil, err
		}
	}
	cfg, err := repo.LoadConfig("", 0)
	if err != nil {
		return nil, err
	}
	st.spec = cfg.Spec
	if st.cross, err = repo.CrossRepo(st.g.Getenv); err != nil {
		return nil, err
	}
	if st.cross != nil && others {
		st.foreign = claim.ListForeignFor(ctx, *st.cross, repo.Loc.CommonDir, o.Env, claim.Listing{
			Diag: diag.New(func(err error) { warn(err.Error()) }, nil), Now: now, FromFiles: true,
		})
	}
	return st, nil
}

// read reads, under the locks, the worktree's reservation and, when others count, every
// other reservation (listing this repository's worktrees again if one may have come
// since prepare listed them).
func (st *site) read(ctx context.Context, o Options, others bool, warn func(string)) (*state, error) {
	s := &state{o: o, spec: st.spec, path: st.path, prober: o.Prober}
	if s.prober == nil {
		s.prober = listener.SystemProber{}
	}
	own, prev, err := reserve.Read(st.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNoReservation
	}
	if err != nil {
		return nil, fmt.Errorf("%w; run `git worktree-ports allocate` first", err)
	}
	s.own, s.prev = own, prev
	if fi, err := os.Stat(st.path); err == nil {
		s.since = fi.ModTime()
	}
	if !others {
		return s, nil
	}
	if !claim.ListedBefore(st.repo.Loc.CommonDir, st.repo.Loc.GitDir, len(st.repo.Worktrees)-1, st.listStart) {
		if err := st.repo.Relist(ctx, st.g); err != nil {
			return nil, err
		}
	}
	s.sibs = claim.ReadSiblings(st.repo.Worktrees, st.root, st.root, warn)
	if st.foreign != nil {
		s.sibs = append(s.sibs, st.foreign.Siblings(ctx, st.root)...)
	}
	return s, nil
}

// free returns the highest port of the range that nothing claims: no reservation of any
// worktree (their bundles, ports and leases, this worktree's included), no avoided port,
// no main port of the config, and no listener.
func (s *state) free() (int, error) {
	one := s.spec
	one.Width = 1
	mains := map[int]bool{}
	for _, p := range s.spec.MainPorts() {
		mains[p.Port] = true
	}
	for p := s.spec.Range.Hi; p >= s.spec.Range.Lo; p-- {
		if s.own.Claimed(p) || mains[p] {
			continue
		}
		if _, avoided := one.Avoided(p); avoided {
			continue
		}
		taken := false
		for _, sib := range s.sibs {
			if sib.Reservation.Claimed(p) {
				taken = true
				break
			}
		}
		if taken || s.prober.Bound(p) {
			continue
		}
		return p, nil
	}
	return 0, &ExhaustedError{Range: s.spec.Range}
}

// write records leases in the worktree's file, keeping every other member byte for byte
// and the file's age, which the overlap rule compares: a lease must not hand the
// worktree's bundle to a newer copy elsewhere.
func (s *state) write(leases []reserve.Lease) error {
	data, err := reserve.SetLeases(s.prev, leases)
	if err != nil {
		return err
	}
	if err := reserve.WriteAtomic(s.path, data); err != nil {
		return err
	}
	if !s.since.IsZero() {
		if err := os.Chtimes(s.path, s.since, s.since); err != nil && s.o.Warn != nil {
			s.o.Warn(fmt.Sprintf("%s: could not keep its modification time: %v", untrusted.New(s.path), err))
		}
	}
	return nil
}

// validName is CheckName's rule. It is not a regexp: a package-level one would cost
// every start of the binary its compilation, env's included.
func validName(name string) bool {
	if len(name) == 0 || len(name) > 64 {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if !alnum && (i == 0 || c != '.' && c != '_' && c != '-') {
			return false
		}
	}
	return true
}
