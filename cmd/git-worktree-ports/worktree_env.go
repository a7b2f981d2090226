package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/git-worktree-ports/git-worktree-ports/internal/alloc"
	"github.com/git-worktree-ports/git-worktree-ports/internal/config"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
	"github.com/git-worktree-ports/git-worktree-ports/internal/render"
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
	case err == nil || errors.Is(err, fs.ErrNotExist):
		// No file, or one written without env (by hand, or by an older version):
		// allocate fills it in, keeping the base.
		if noAllocate {
			if err == nil {
				return nil, fmt.Errorf("%s: has no \"env\" object; run `git worktree-ports allocate` to refresh it", untrusted.New(path))
			}
			return nil, &noReservationError{path: path}
		}
		a, err := alloc.Allocate(ctx, alloc.Options{Dir: root, Prober: f.Prober, Warn: warnTo(f)})
		if err != nil {
			return nil, err
		}
		fmt.Fprintln(f.ErrOut, untrusted.Lines(a.Message))
		res = a.Reservation
	default:
		return nil, err
	}
	if res.Worktree != "" && res.Worktree != filepath.Base(root) {
		// Copied with a worktree directory, or committed and checked out everywhere:
		// another worktree may hold the same ports. Reading only this file, env cannot
		// tell; allocate can, and moves if so.
		fmt.Fprintf(f.ErrOut, "git-worktree-ports: warning: %s was written for worktree %q, not %q (copied or committed?); run `git worktree-ports allocate` here\n", untrusted.New(path), res.Worktree, filepath.Base(root))
	}
	if inherited := f.Getenv("WORKTREE_PORTS_ROOT"); inherited != "" && !sameDir(inherited, root) {
		fmt.Fprintf(f.ErrOut, "git-worktree-ports: warning: WORKTREE_PORTS_ROOT=%s was inherited from another worktree; printing the ports of %s\n", untrusted.New(inherited), untrusted.New(root))
	}
	vars := []render.Var{
		{Name: "WORKTREE_PORTS_ROOT", Value: root},
		{Name: "WORKTREE_PORTS_SLOT", Value: strconv.Itoa(res.Slot)},
	}
	for _, e := range res.Env {
		// The file may have been copied or edited by anyone: exec puts these names
		// straight into a process environment, where render's checks never run, so
		// check them here for every consumer.
		if why := refuseEnvVar(e.Name, e.Value); why != "" {
			return nil, fmt.Errorf("%s: env: %q %s", untrusted.New(path), e.Name, why)
		}
		vars = append(vars, render.Var{Name: e.Name, Value: e.Value})
	}
	return vars, nil
}

// refuseEnvVar says why a variable from a reservation file must not reach an
// environment, or returns "".
func refuseEnvVar(name, value string) string {
	switch {
	case !render.ValidName(name):
		return "is not a valid variable name ([A-Za-z_][A-Za-z0-9_]*)"
	case render.Reserved(name):
		return "is a reserved name: setting it could make shells or programs run other code"
	case name == config.EnvRoot || name == config.EnvSlot:
		return "is set by git-worktree-ports itself"
	case strings.IndexByte(value, 0) >= 0:
		return "has a value with a NUL byte"
	}
	return ""
}

// findRoot finds the worktree's top level: by walking up to the nearest .git when it can
// (gitwt.GuessToplevel), otherwise by asking git. In a bare repository or inside a git
// directory it returns an *alloc.NotWorktreeError.
func findRoot(ctx context.Context, f *Factory) (string, error) {
	if top, ok := gitwt.GuessToplevel(f.Dir, f.Getenv); ok {
		return top, nil
	}
	loc, err := gitwt.Git{Dir: f.Dir}.Locate(ctx)
	if err != nil {
		return "", err
	}
	return alloc.Toplevel(loc, f.Dir)
}

func evalSymlinks(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	return p
}

// sameDir reports whether two paths name one directory, through symlinks or not.
func sameDir(a, b string) bool {
	if filepath.Clean(a) == filepath.Clean(b) {
		return true
	}
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(fa, fb)
}
