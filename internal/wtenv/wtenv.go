// Package wtenv owns what `env` and `exec` put into an environment, and the one port
// `port` prints: this worktree's variables, read from its reservation file (allocating
// first when there is none), with every entry of the file checked. The file may have been
// copied, committed or edited by anyone, and exec puts these names straight into a
// process environment, so a name a shell or program reads as code or configuration is
// dropped with a warning unless the user allowed it in their own git config (envname,
// worktree-ports.allowEnv).
//
// When the reservation exists Vars and Port read only that file and the worktree's .git file (and
// the config when it is newer than the file, to warn about a stale reservation): no git
// process, because `env` runs on every prompt of direnv users.
package wtenv

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/git-worktree-ports/git-worktree-ports/internal/claim"
	"github.com/git-worktree-ports/git-worktree-ports/internal/config"
	"github.com/git-worktree-ports/git-worktree-ports/internal/diag"
	"github.com/git-worktree-ports/git-worktree-ports/internal/envname"
	"github.com/git-worktree-ports/git-worktree-ports/internal/fspath"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitfiles"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
	"github.com/git-worktree-ports/git-worktree-ports/internal/render"
	"github.com/git-worktree-ports/git-worktree-ports/internal/repository"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
	"github.com/git-worktree-ports/git-worktree-ports/internal/trust"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// Options are the inputs of Vars.
type Options struct {
	// Dir is the directory the command runs in; "" is the working directory.
	Dir string
	// Env is the environment, for git and for what is read from it (GIT_DIR,
	// WORKTREE_PORTS_ROOT, the allocation's settings); nil is the process's.
	Env []string
	// NoAllocate refuses, with a *NoReservationError, instead of allocating when there is
	// no reservation.
	NoAllocate bool
	// Allocate runs allocate in the worktree root when there is no reservation to use
	// (cmd wires it to alloc.Allocate with Env), reporting to d (Diag); it returns the
	// reservation written and the line that says what it chose. It must be set unless
	// NoAllocate is.
	Allocate func(ctx context.Context, root string, d *diag.Sink) (res reserve.Reservation, message string, err error)
	// Diag hears the warnings; nil drops them. Allocated receives the line that says what
	// allocate chose, when Vars allocated; it may be nil.
	Diag      *diag.Sink
	Allocated func(string)
}

// NoReservationError says the worktree has no reservation of its own and allocating was
// not allowed. Foreign, when set, says why the file there is not its own (written for
// another worktree, or not by this user's tool), so it gives no variables.
type NoReservationError struct{ Path, Foreign string }

func (e *NoReservationError) Error() string {
	if e.Foreign != "" {
		return fmt.Sprintf("%s: %s, so it gives no variables; run `git worktree-ports allocate` to write your own, or drop --no-allocate", untrusted.New(e.Path), e.Foreign)
	}
	return fmt.Sprintf("%s: no reservation (run `git worktree-ports allocate`, or drop --no-allocate)", untrusted.New(e.Path))
}

// Vars returns this worktree's variables: WORKTREE_PORTS_ROOT, WORKTREE_PORTS_SLOT and
// the reservation's env entries that may reach an environment. Outside a worktree it
// returns a *repository.NotWorktreeError.
func Vars(ctx context.Context, o Options) ([]render.Var, error) {
	w, err := load(ctx, o, true)
	if err != nil {
		return nil, err
	}
	warn, root, path, res := w.warn, w.root, w.path, w.res
	if inherited := (gitwt.Git{Env: o.Env}).Getenv(config.EnvRoot); inherited != "" && !fspath.Same(inherited, root) {
		warn(fmt.Sprintf("warning: %s=%s was inherited from another worktree; printing the ports of %s", config.EnvRoot, untrusted.New(inherited), untrusted.New(root)))
	}
	vars := claim.Vars(root, reserve.Reservation{Main: res.Main, Slot: res.Slot})
	if r, bad := untrusted.Control(root); bad {
		warn(fmt.Sprintf("warning: %s: dropped: the worktree's path holds control character %s, which can hide text on a terminal; rename its directory to have it", config.EnvRoot, untrusted.ControlText(r)))
	}
	for _, e := range w.env {
		if why := Refuse(e.Name, e.Value, w.allow); why != "" {
			key := "env." + e.Name
			if !envname.Valid(e.Name) {
				key = "env." + envname.Quote(e.Name)
			}
			warn(fmt.Sprintf("warning: %s: %s: dropped: %s", untrusted.New(path), key, why))
			continue
		}
		vars = append(vars, render.Var{Name: e.Name, Value: e.Value})
	}
	return vars, nil
}

// UnknownServiceError says Port was asked for a service the reservation has no port for.
type UnknownServiceError struct {
	Service string
	Path    string   // the reservation file
	Known   []string // the services it has, in its order
}

func (e *UnknownServiceError) Error() string {
	known := make([]string, len(e.Known))
	for i, k := range e.Known {
		known[i] = untrusted.New(k).String()
	}
	if len(known) == 0 {
		return fmt.Sprintf("unknown service %s: %s lists no services", strconv.Quote(e.Service), untrusted.New(e.Path))
	}
	return fmt.Sprintf("unknown service %s (known: %s)", strconv.Quote(e.Service), strings.Join(known, ", "))
}

// Port returns this worktree's port for service, reading its reservation as Vars does
// (allocating first when there is none, unless NoAllocate), and a *UnknownServiceError
// when the reservation has no such service.
func Port(ctx context.Context, o Options, service string) (int, error) {
	w, err := load(ctx, o, false)
	if err != nil {
		return 0, err
	}
	var known []string
	for _, p := range w.res.Ports {
		if p.Name == service {
			return p.Port, nil
		}
		known = append(known, p.Name)
	}
	return 0, &UnknownServiceError{Service: service, Path: w.path, Known: known}
}

// loaded is this worktree's reservation as load found it.
type loaded struct {
	root, path string
	res        reserve.Reservation
	// env is what the file gives an environment: its env when this user's tool wrote
	// it here under an approval that still stands, else its ports alone (portsAlone).
	env []reserve.EnvVar
	// portsAlone says env is the ports alone because the approval does not stand.
	portsAlone bool
	warn       func(string)
	// allow gives the user's env-name allowances, asking git the first time only.
	allow func() envname.Allow
}

// load finds the worktree and reads its reservation, allocating first when there is
// none (or one that must be chosen again), and warns when the file is a copy, was moved
// here, or is older than a config that now gives other variables. forEnv says the
// caller puts the file's env into an environment (Vars), which only a file this user's
// tool wrote for this worktree may give (trust.Sealed, claim.OriginOf): any other is
// allocated anew, or refused with NoAllocate. Port needs only the ports.
func load(ctx context.Context, o Options, forEnv bool) (*loaded, error) {
	warn := o.Diag.Lines(diag.Other)
	g := gitwt.Git{Dir: o.Dir, Env: o.Env}
	root, err := repository.FindRoot(ctx, g)
	if err != nil {
		return nil, err
	}
	s := site{root: root, path: filepath.Join(root, reserve.FileName)}
	s.store, s.storeErr = trust.Open(g.Getenv)
	res, allocated, err := s.reservation(ctx, o, forEnv)
	if err != nil {
		return nil, err
	}
	origin := warnOrigin(res, root, s.path, warn)
	// The user's allowances are read from git config only when a name needs them, so
	// `env` normally runs no git at all.
	allow := sync.OnceValue(func() envname.Allow {
		allow, err := repository.AllowEnv(ctx, gitwt.Git{Dir: root, Env: o.Env})
		if err != nil {
			warn(fmt.Sprintf("warning: %v; allowing no refused env name", err))
		}
		return allow
	})
	w := &loaded{root: root, path: s.path, res: res, env: res.Env, warn: warn, allow: allow}
	if forEnv && !allocated {
		a := approvalCheck{ctx: ctx, o: o, root: root, path: s.path, store: s.store, storeErr: s.storeErr, allow: allow}
		if again := a.check(w); again {
			// Approved since the file was written with the ports alone: write it again.
			if res, err = allocate(ctx, o, root); err != nil {
				return nil, err
			}
			w.res, w.env = res, res.Env
		}
	}
	if origin != claim.Copied {
		w.warnDrift()
	}
	return w, nil
}

// site is the worktree load reads: its top level, its reservation file, and this user's
// trust store (or why it could not be opened).
type site struct {
	root, path string
	store      trust.Store
	storeErr   error
}

// reservation reads the worktree's reservation, or allocates when there is none to use:
// no file, one written without env (by hand, or by an older version), one with values no
// config allows, or, when forEnv, one this user's tool did not write here (foreign).
// allocate fills it in, signs it, or chooses again; with NoAllocate each is refused, in
// its own words. allocated says allocate ran.
func (s site) reservation(ctx context.Context, o Options, forEnv bool) (res reserve.Reservation, allocated bool, err error) {
	res, _, err = reserve.Read(s.path)
	foreign := "" // why the file's env may not reach an environment
	if err == nil && forEnv && len(res.Env) > 0 {
		foreign = s.foreign(res)
	}
	switch {
	case err == nil && len(res.Env) > 0 && foreign == "":
		return res, false, nil
	case err == nil || errors.Is(err, fs.ErrNotExist) || errors.Is(err, reserve.ErrOutOfBounds):
		if o.NoAllocate {
			return res, false, refusal(s.path, err, foreign)
		}
		if res, err = allocate(ctx, o, s.root); err != nil {
			return res, false, err
		}
		return res, true, nil
	}
	return res, false, err
}

// foreign says why the file's env, res.Env, may not reach an environment: it carries no
// valid proof of this user's tool, or it was written for another worktree. It returns ""
// when it may.
func (s site) foreign(res reserve.Reservation) string {
	var key []byte
	if s.storeErr == nil {
		key, _ = s.store.ReadKey()
	}
	here := func() (string, bool) { gd, reg, _ := gitfiles.GitDirOf(s.root); return gd, reg }
	switch {
	case !trust.Sealed(key, res):
		return "was not written by your git-worktree-ports (no valid proof: committed, crafted, or from an older version)"
	case claim.OriginOf(res, s.root, here) == claim.Copied:
		return "was written for the worktree at " + untrusted.New(res.Root).String()
	}
	return ""
}

// refusal is NoAllocate's error for the file at path that reserve.Read read with err
// (nil, not there, or out of bounds) and that gives no variables, foreign saying why
// when it is not this user's.
func refusal(path string, err error, foreign string) error {
	switch {
	case err == nil && foreign != "":
		return &NoReservationError{Path: path, Foreign: foreign}
	case err == nil:
		return fmt.Errorf("%s: has no \"env\" object; run `git worktree-ports allocate` to refresh it", untrusted.New(path))
	case errors.Is(err, reserve.ErrOutOfBounds):
		var fe *reserve.FileError
		errors.As(err, &fe)
		return fmt.Errorf("%s: %s; run `git worktree-ports allocate` to choose again", untrusted.New(path), fe.Reason)
	}
	return &NoReservationError{Path: path}
}

// warnDrift warns when the file is older than a config that now gives other ports or
// variables. Cheap: the config is parsed only when it is newer than the file, and git
// runs only if it needs the allowances.
func (w *loaded) warnDrift() {
	portsOnly := w.res.Approval == "" || strings.HasPrefix(w.res.Approval, trust.PendingPrefix) || w.portsAlone
	given := w.res
	given.Env = w.env // what env gives, the ports alone or all of the file
	if d := claim.ConfigDrift(w.root, w.path, given, w.allow, portsOnly); !d.Empty() {
		w.warn(fmt.Sprintf("warning: %s is older than %s and does not match it (%s); run `git worktree-ports allocate` to update it, or `allocate --all` to update every worktree", untrusted.New(w.path), config.FileName, d))
	}
}

// allocate runs allocate in the worktree root for env, exec and port.
func allocate(ctx context.Context, o Options, root string) (reserve.Reservation, error) {
	if o.Allocate == nil {
		return reserve.Reservation{}, errors.New("wtenv: no Allocate in Options")
	}
	res, msg, err := o.Allocate(ctx, root, o.Diag)
	if err != nil {
		return reserve.Reservation{}, err
	}
	if o.Allocated != nil {
		o.Allocated(msg)
	}
	return res, nil
}

// warnOrigin warns when the reservation res, found at path in the worktree root, holds
// another worktree's ports: copied with a worktree directory, cloned or committed. The
// place it records tells, from a few small files and without git (claim.OriginOf);
// allocate then moves off it. It returns what it found.
func warnOrigin(res reserve.Reservation, root, path string, warn func(string)) claim.Origin {
	origin := claim.OriginOf(res, root, func() (string, bool) { gd, reg, _ := gitfiles.GitDirOf(root); return gd, reg })
	switch origin {
	case claim.Copied:
		warn(claim.CopiedWarning(path, res.Root))
	case claim.MovedHere:
		// Its ports are still its own; only values derived from the old place are stale.
		warn(fmt.Sprintf("note: %s was written at %s, before this worktree moved; its ports stay the same; run `git worktree-ports allocate` to update it", untrusted.New(path), untrusted.New(res.Root)))
	default:
		if res.Worktree != "" && res.Worktree != filepath.Base(root) {
			// A file that records no place: only the name can tell.
			warn(fmt.Sprintf("warning: %s was written for worktree %q, not %q (copied or committed?); run `git worktree-ports allocate` here", untrusted.New(path), res.Worktree, filepath.Base(root)))
		}
	}
	return origin
}

// Refuse says why a variable from a reservation file must not reach an environment, or
// returns "". allow gives the user's allowances; it is called only for a valid name that
// the policy refuses.
func Refuse(name, value string, allow func() envname.Allow) string {
	switch {
	case name == config.EnvRoot || name == config.EnvSlot:
		return "it is set by git-worktree-ports itself"
	case strings.IndexByte(value, 0) >= 0:
		return "its value has a NUL byte"
	}
	if r, bad := untrusted.Control(value); bad {
		// Printed by env, it could move the cursor and hide a line (issue 17).
		return "its value holds control character " + untrusted.ControlText(r) + ", which can hide text on a terminal"
	}
	err := envname.Check(name, nil)
	if err != nil && envname.Valid(name) {
		err = envname.Check(name, allow())
	}
	if err != nil {
		return err.Error()
	}
	return ""
}
