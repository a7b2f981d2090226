package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/git-worktree-ports/git-worktree-ports/internal/alloc"
	"github.com/git-worktree-ports/git-worktree-ports/internal/config"
	"github.com/git-worktree-ports/git-worktree-ports/internal/envname"
	"github.com/git-worktree-ports/git-worktree-ports/internal/fspath"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
	"github.com/git-worktree-ports/git-worktree-ports/internal/inventory"
	"github.com/git-worktree-ports/git-worktree-ports/internal/render"
	"github.com/git-worktree-ports/git-worktree-ports/internal/repository"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// worktreeVars returns this worktree's variables. When the reservation exists it reads
// only that file: no git process and no config parse, because `env` runs on every prompt
// of direnv users. Without one it allocates first, unless noAllocate.
func worktreeVars(ctx context.Context, f *Factory, noAllocate bool) ([]render.Var, error) {
	root, err := findRoot(ctx, f)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(root, reserve.FileName)
	res, _, err := reserve.Read(path)
	switch {
	case err == nil && len(res.Env) > 0:
	case err == nil || errors.Is(err, fs.ErrNotExist) || errors.Is(err, reserve.ErrOutOfBounds):
		// No file, one written without env (by hand, or by an older version), or one with
		// values no config allows: allocate fills it in or chooses again.
		if noAllocate {
			switch {
			case err == nil:
				return nil, fmt.Errorf("%s: has no \"env\" object; run `git worktree-ports allocate` to refresh it", untrusted.New(path))
			case errors.Is(err, reserve.ErrOutOfBounds):
				var fe *reserve.FileError
				errors.As(err, &fe)
				return nil, fmt.Errorf("%s: %s; run `git worktree-ports allocate` to choose again", untrusted.New(path), fe.Reason)
			}
			return nil, &noReservationError{path: path}
		}
		a, err := alloc.Allocate(ctx, alloc.Options{Dir: root, Prober: f.Prober, Warn: allocWarnTo(f)})
		if err != nil {
			return nil, err
		}
		fmt.Fprintln(f.ErrOut, untrusted.Lines(a.Message))
		res = a.Reservation
	default:
		return nil, err
	}
	// Copied with a worktree directory, cloned or committed: the file holds another
	// worktree's ports. The place it records tells, from a few small files and without
	// git (alloc.OriginOf); allocate then moves off it.
	origin := alloc.OriginOf(res, root, func() (string, bool) { gd, reg, _ := gitwt.GitDirOf(root); return gd, reg })
	switch origin {
	case alloc.Copied:
		fmt.Fprintln(f.ErrOut, "git-worktree-ports: "+alloc.CopiedWarning(path, res.Root))
	case alloc.MovedHere:
		// Its ports are still its own; only values derived from the old place are stale.
		fmt.Fprintf(f.ErrOut, "git-worktree-ports: note: %s was written at %s, before this worktree moved; its ports stay the same; run `git worktree-ports allocate` to update it\n", untrusted.New(path), untrusted.New(res.Root))
	default:
		if res.Worktree != "" && res.Worktree != filepath.Base(root) {
			// A file that records no place: only the name can tell.
			fmt.Fprintf(f.ErrOut, "git-worktree-ports: warning: %s was written for worktree %q, not %q (copied or committed?); run `git worktree-ports allocate` here\n", untrusted.New(path), res.Worktree, filepath.Base(root))
		}
	}
	// Where git lists a separate git dir instead of this main worktree, note it for the
	// other worktrees (gitwt.RecordMain); a few small reads, no git.
	gitwt.RecordMainOf(root)
	if inherited := f.Getenv("WORKTREE_PORTS_ROOT"); inherited != "" && !fspath.Same(inherited, root) {
		fmt.Fprintf(f.ErrOut, "git-worktree-ports: warning: WORKTREE_PORTS_ROOT=%s was inherited from another worktree; printing the ports of %s\n", untrusted.New(inherited), untrusted.New(root))
	}
	vars := []render.Var{
		{Name: "WORKTREE_PORTS_ROOT", Value: root},
		{Name: "WORKTREE_PORTS_SLOT", Value: strconv.Itoa(res.Slot)},
	}
	// The file may have been copied, committed or edited by anyone, and exec puts these
	// names straight into a process environment, so every entry is checked here, for every
	// consumer. A refused one is dropped with a warning; the rest still work. The user's
	// allowances are read from git config only when a name needs them, so `env` normally
	// runs no git at all.
	allow := sync.OnceValue(func() envname.Allow {
		allow, err := userAllowEnv(ctx, root)
		if err != nil {
			fmt.Fprintf(f.ErrOut, "git-worktree-ports: warning: %v; allowing no refused env name\n", err)
		}
		return allow
	})
	if origin != alloc.Copied {
		// Written before a service or var was added? Cheap: the config is parsed only
		// when it is newer than the file, and git runs only if it needs the allowances.
		if d := inventory.ConfigDrift(root, path, res, allow); !d.Empty() {
			fmt.Fprintf(f.ErrOut, "git-worktree-ports: warning: %s is older than %s and does not match it (%s); run `git worktree-ports allocate` to update it\n", untrusted.New(path), config.FileName, d)
		}
	}
	for _, e := range res.Env {
		if why := refuseEnvVar(e.Name, e.Value, allow); why != "" {
			key := "env." + e.Name
			if !envname.Valid(e.Name) {
				key = "env." + envname.Quote(e.Name)
			}
			fmt.Fprintf(f.ErrOut, "git-worktree-ports: warning: %s: %s: dropped: %s\n", untrusted.New(path), key, why)
			continue
		}
		vars = append(vars, render.Var{Name: e.Name, Value: e.Value})
	}
	return vars, nil
}

// refuseEnvVar says why a variable from a reservation file must not reach an
// environment, or returns "". allow gives the user's allowances.
func refuseEnvVar(name, value string, allow func() envname.Allow) string {
	switch {
	case name == config.EnvRoot || name == config.EnvSlot:
		return "it is set by git-worktree-ports itself"
	case strings.IndexByte(value, 0) >= 0:
		return "its value has a NUL byte"
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

// userAllowEnv returns the env names the user allowed in their git config
// (worktree-ports.allowEnv).
func userAllowEnv(ctx context.Context, root string) (envname.Allow, error) {
	got, err := gitwt.Git{Dir: root}.Config(ctx, `^worktree-ports\.allowenv$`)
	if err != nil {
		return nil, err
	}
	entries := make([]config.Entry, len(got))
	for i, e := range got {
		entries[i] = config.Entry{Key: e.Key, Value: e.Value}
	}
	return config.AllowEnv(entries)
}

// findRoot finds the worktree's top level: by walking up to the nearest .git when it can
// (gitwt.GuessToplevel), otherwise by asking git. In a bare repository or inside a git
// directory it returns an *repository.NotWorktreeError.
func findRoot(ctx context.Context, f *Factory) (string, error) {
	if top, ok := gitwt.GuessToplevel(f.Dir, f.Getenv); ok {
		return top, nil
	}
	loc, err := gitwt.Git{Dir: f.Dir}.Locate(ctx)
	if err != nil {
		return "", err
	}
	return repository.Toplevel(loc, f.Dir)
}
