package wtenv

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/git-worktree-ports/git-worktree-ports/internal/config"
	"github.com/git-worktree-ports/git-worktree-ports/internal/envname"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
	"github.com/git-worktree-ports/git-worktree-ports/internal/repository"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
	"github.com/git-worktree-ports/git-worktree-ports/internal/safefile"
	"github.com/git-worktree-ports/git-worktree-ports/internal/trust"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// approvalCheck asks whether the approval a reservation's env was rendered under still
// stands, for a file this user's tool wrote here. It reads the approval's file and, only
// when the config is newer than the reservation, the config; git runs only for a
// trusted directory (config.TrustedPath), when no approval file says yes.
type approvalCheck struct {
	ctx        context.Context
	o          Options
	root, path string
	store      trust.Store
	storeErr   error
	allow      func() envname.Allow
	byPath     func() bool
	// pathOK says the file was written under a trusted directory (trust.PathPrefix).
	pathOK bool
}

// approved reports whether the approval id stands: recorded, or, for a file written
// under a trusted directory, the worktree still lies under one in git config.
func (a *approvalCheck) approved(id string) bool {
	if a.storeErr == nil && a.store.Approved(id) {
		return true
	}
	if !a.pathOK {
		return false
	}
	if a.byPath == nil {
		a.byPath = sync.OnceValue(func() bool {
			dirs, err := repository.TrustedPaths(a.ctx, gitwt.Git{Dir: a.root, Env: a.o.Env})
			if err != nil {
				return false
			}
			return trust.UnderTrustedPath(a.root, dirs, (gitwt.Git{Env: a.o.Env}).Getenv("HOME"))
		})
	}
	return a.byPath()
}

// check sets w.env to what may reach an environment, and says the one line when that
// is the ports alone for want of an approval. It returns true when the file holds the
// ports alone but its config has been approved since, and allocating may write it
// again.
func (a *approvalCheck) check(w *loaded) (again bool) {
	id := w.res.Approval
	if id == "" {
		// Written by hand or by an older version, and kept by allocate since it was
		// valid: it holds what allocate would have written, the ports.
		return false
	}
	pending := strings.HasPrefix(id, trust.PendingPrefix)
	// Only a file written under a trusted directory makes env ask git config whether it
	// still is one: every other check reads one file.
	a.pathOK = strings.HasPrefix(id, trust.PathPrefix)
	id = strings.TrimPrefix(strings.TrimPrefix(id, trust.PendingPrefix), trust.PathPrefix)
	digest := trust.DigestOf(id)
	cur, changed := a.configDigest(digest)
	if !changed {
		switch {
		case !pending && (digest == "" || a.approved(id)):
			return false
		case pending && a.approved(id):
			if !a.o.NoAllocate {
				return true
			}
			w.warn(fmt.Sprintf("note: %s was approved after %s was written; run `git worktree-ports allocate` to use all of it", config.FileName, untrusted.New(a.path)))
			return false
		case pending:
			w.warn(repository.UnapprovedNote("", false))
			return false
		}
		// Revoked.
		cfg, ok := a.config()
		w.env, w.portsAlone = portsAlone(w.res, cfg, ok), true
		w.warn(repository.UnapprovedNote("", false))
		return false
	}
	cfg, ok := a.config()
	if ok && len(cfg.Beyond()) == 0 {
		// It asks for the ports alone now: nothing to approve. claim.ConfigDrift says whether the
		// file is stale.
		return false
	}
	if cur != "" && a.approved(trust.Repo(id)+"-"+cur) {
		// Approved in its new content too: the file is only stale, which ConfigDrift says,
		// or it holds the ports alone and allocate writes the rest.
		return pending && !a.o.NoAllocate
	}
	w.env, w.portsAlone = portsAlone(w.res, cfg, ok), true
	summary := ""
	if ok {
		summary = cfg.BeyondSummary()
	}
	w.warn(repository.UnapprovedNote(summary, digest != "" && !pending))
	return false
}

// configDigest returns the config's digest and whether it differs from want: the file is
// read only when it is newer than the reservation, since a checkout or a pull that
// changes it gives it a new modification time. A missing config has digest "".
func (a *approvalCheck) configDigest(want string) (string, bool) {
	cfgPath := filepath.Join(a.root, config.FileName)
	cfgInfo, err := os.Stat(cfgPath)
	if errors.Is(err, fs.ErrNotExist) {
		return "", want != ""
	}
	if resInfo, rerr := os.Stat(a.path); err == nil && rerr == nil && !cfgInfo.ModTime().After(resInfo.ModTime()) {
		return want, false
	}
	data, err := safefile.Read(cfgPath, config.MaxFileSize)
	if err != nil {
		return "", true
	}
	d := config.DigestOf(data)
	return d, d != want
}

// config loads the config, with the user's allowances only when it needs them.
func (a *approvalCheck) config() (config.Config, bool) {
	cfgPath := filepath.Join(a.root, config.FileName)
	cfg, err := config.Load(cfgPath, nil)
	if err != nil {
		cfg, err = config.Load(cfgPath, a.allow())
	}
	return cfg, err == nil
}

// portsAlone is what a reservation gives without an approval: each port under the name
// rule's name (the config's ports-only names where it loads), nothing else.
func portsAlone(res reserve.Reservation, cfg config.Config, ok bool) []reserve.EnvVar {
	names := map[string]string{}
	if ok {
		for _, sv := range cfg.PortsOnly().Spec.Services {
			names[sv.Name] = sv.Env
		}
	}
	var env []reserve.EnvVar
	for _, p := range res.Ports {
		name, found := names[p.Name]
		if !found {
			name = config.DefaultEnvName(p.Name)
		}
		env = append(env, reserve.EnvVar{Name: name, Value: fmt.Sprint(p.Port)})
	}
	return env
}
