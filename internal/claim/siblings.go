package claim

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/git-worktree-ports/git-worktree-ports/internal/fspath"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
	"github.com/git-worktree-ports/git-worktree-ports/internal/repository"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
)

// Sibling is another worktree's reservation.
type Sibling struct {
	Worktree    gitwt.Worktree
	Path        string
	Reservation reserve.Reservation
	ModTime     time.Time
	Label       string // how messages name it, e.g. "../feature-x" or "../api-wt (repo api)"
	// Repo names the other repository a foreign sibling belongs to; "" for this one.
	Repo string
	// Main: the worktree is its repository's main worktree (git lists it first).
	Main bool
}

// KeepsMain reports whether s is a main worktree keeping its main ports: its file says
// so (reserve.Reservation.Main), and git lists it as the main worktree. A linked
// worktree's file that claims to be one does not win the overlap rule with it.
func (s Sibling) KeepsMain() bool { return s.Main && s.Reservation.Main }

// ReadSiblings reads every other worktree's reservation; worktrees is git's list, the
// main worktree first. Files that are missing are silently absent; files that cannot be
// used are reported through warn and skipped, a symlink among them: it is never followed
// (reserve.ReadNoFollow), so it counts as nothing, and list and doctor call it invalid. The
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
		if w.Bare || fspath.Equal(w.Path, self) {
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			path := filepath.Join(w.Path, reserve.FileName)
			res, _, err := reserve.ReadNoFollow(path)
			if err != nil {
				if !errors.Is(err, fs.ErrNotExist) {
					out[i].msg = err.Error()
				}
				return
			}
			var mt time.Time
			if fi, err := os.Lstat(path); err == nil {
				mt = fi.ModTime()
			}
			out[i] = slot{ok: true, s: Sibling{Worktree: w, Path: path, Reservation: res, ModTime: mt, Label: repository.Label(labelBase, w.Path), Main: i == 0}}
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
