package alloc

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

func (a *allocation) reservation(slot, base int) reserve.Reservation {
	cur, _ := a.repo.Current()
	r, err := Expected(a.cfg, a.repo.RepoName(), cur.ShortBranch(), a.root, a.repo.Loc.GitDir, slot, base)
	if err != nil {
		// A var whose rendered value would carry a control character (from a branch or
		// directory name) was left out (*config.DroppedError); any other error is a
		// programming error, since Parse validated every template. Keep the ports.
		a.warn(err.Error())
	}
	return r
}

// recordable returns p when it can be recorded in a reservation file, and "" (not
// recorded) otherwise, so an unusual path never keeps a worktree from getting ports.
func recordable(p string) string {
	if p = filepath.Clean(p); reserve.ValidPath(p) {
		return p
	}
	return ""
}

func (a *allocation) write(prev []byte, r reserve.Reservation, outcome Outcome, msg string, dryRun bool) (*Result, error) {
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
