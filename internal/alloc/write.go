package alloc

import (
	"fmt"
	"os"

	"github.com/git-worktree-ports/git-worktree-ports/internal/claim"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
	"github.com/git-worktree-ports/git-worktree-ports/internal/trust"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

func (a *allocation) reservation(slot, base int) reserve.Reservation {
	cur, _ := a.repo.Current()
	r, err := claim.Expected(a.cfg, a.repo.RepoName(), cur.ShortBranch(), a.root, a.repo.Loc.GitDir, slot, base)
	if err != nil {
		// A var whose rendered value would carry a control character (from a branch or
		// directory name) was left out (*config.DroppedError); any other error is a
		// programming error, since Parse validated every template. Keep the ports.
		a.warn(err.Error())
	}
	r.Approval = a.approval
	r.Host = a.cfg.Host
	return r
}

// signingKey returns this user's key (trust.Store.Key), made on first use (a dry run
// included, so that it shows the very bytes the real run writes), or nil with a warning
// when there is none.
func signingKey(getenv func(string) string, warn func(string)) []byte {
	store, err := trust.Open(getenv)
	var key []byte
	if err == nil {
		key, err = store.Key()
	}
	if err != nil {
		warn(fmt.Sprintf("no key to sign the reservation with (%v), so env gives it no variables", err))
		return nil
	}
	return key
}

// sealed reports whether own carries this user's proof (trust.Sealed); with no key,
// nothing can be told, and nothing is rewritten for it.
func (a *allocation) sealed(own reserve.Reservation) bool {
	return a.key == nil || trust.Sealed(a.key, own)
}

func (a *allocation) write(prev []byte, r reserve.Reservation, outcome Outcome, msg string, dryRun bool) (*Result, error) {
	if a.key != nil {
		var err error
		if r, err = trust.Seal(a.key, r); err != nil {
			return nil, err
		}
	}
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
