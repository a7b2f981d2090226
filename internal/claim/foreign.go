package claim

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/git-worktree-ports/git-worktree-ports/internal/diag"
	"github.com/git-worktree-ports/git-worktree-ports/internal/fspath"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitfiles"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
	"github.com/git-worktree-ports/git-worktree-ports/internal/registry"
	"github.com/git-worktree-ports/git-worktree-ports/internal/repository"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// Foreign is what allocation knows of the other registered repositories, so that two
// repositories on one machine never share a port either. ListForeign lists their
// worktrees before the per-user lock is taken; Siblings, under that lock, checks that the
// lists still hold and reads the reservations.
//
// Every other repository is a place where the tool can hang: git there reads files that
// may be FIFOs (.git/worktrees/<id>/locked) or sit on a network mount that no longer
// answers, where even a stat blocks in the kernel. So each repository is asked at the
// same time as the others, and given idx.Timeout to answer each time; one that does not
// is skipped with a warning naming it (its git is killed), never waited on. Listing
// before the lock means a stuck repository costs each allocation that time once, in
// parallel with every other allocation, instead of being waited on in turn while the
// per-user lock is held.
type Foreign struct {
	idx     registry.Index
	own     string   // this repository's common dir, canonical
	env     []string // for git in other repositories
	indexed time.Time
	now     func() time.Time
	// Repos are the other repositories in the index, in its order. Worktrees is nil for
	// one that could not be listed, which is then skipped.
	Repos []ForeignRepo
	// known holds the common dirs of all repositories in the index when it was read,
	// listed or not, and this one's.
	known  map[string]bool
	warned map[string]bool
	warn   func(diag.Warning)
	direct direct
}

// direct says whether the other repositories' worktrees are read from git's files
// (gitfiles.Files) before git is asked, and where to say that git was asked instead.
type direct struct {
	on   bool
	note func(string) // nil drops the notes
}

// ForeignRepo is one other registered repository and its worktrees.
type ForeignRepo struct {
	Entry     registry.Entry
	Worktrees []gitwt.Worktree
	listed    time.Time // when the listing began
}

// ListForeign lists the worktrees of every other repository in idx with `git worktree
// list`, which gives each worktree's commit (Head) as list prints it, at most
// idx.Timeout for the check that they exist and at most idx.Timeout more for their
// listings (when it is positive). ownCommonDir is this repository's common dir, left
// out; "" lists them all. Warnings go to warn, one line each, naming the repository or
// file.
func ListForeign(ctx context.Context, idx registry.Index, ownCommonDir string, env []string, warn func(string)) *Foreign {
	return listForeign(ctx, idx, ownCommonDir, env, func(w diag.Warning) {
		if warn != nil {
			warn(w.Text)
		}
	}, time.Now, direct{})
}

// Listing is how allocation lists the other repositories (ListForeignFor): where its
// warnings go, with their kind, and its verbose lines (Diag: that git was asked instead
// of reading its files), a clock, and, since allocation needs no commit ids, whether
// their worktrees are read from git's files where they can be (FromFiles).
type Listing struct {
	Diag      *diag.Sink
	Now       func() time.Time
	FromFiles bool
}

// ListForeignFor is ListForeign as allocation lists: see Listing.
func ListForeignFor(ctx context.Context, idx registry.Index, ownCommonDir string, env []string, how Listing) *Foreign {
	warn := func(w diag.Warning) { how.Diag.Warn(w) }
	return listForeign(ctx, idx, ownCommonDir, env, warn, how.Now, direct{on: how.FromFiles, note: how.Diag.VerboseLines()})
}

// listForeign is ListForeign with warnings that say their kind, a clock, and, for
// allocation, which needs no commit ids, the worktrees read from git's files where
// they can be.
func listForeign(ctx context.Context, idx registry.Index, ownCommonDir string, env []string, warn func(diag.Warning), now func() time.Time, how direct) *Foreign {
	own := ""
	if ownCommonDir != "" {
		own = fspath.Canonical(ownCommonDir)
	}
	f := &Foreign{
		idx: idx, own: own, indexed: now(), now: now,
		// Another repository is listed from its own common dir, with nothing inherited
		// that names this one: an inherited GIT_DIR (git exports it to hooks) would make
		// git list this repository again, under the other's name.
		env:    gitwt.WithoutLocation(env),
		warned: map[string]bool{},
		warn:   warn,
		direct: how,
	}
	// Every repository recorded now, whether Entries lets it through or not (one whose
	// stat hangs, say), is known: Siblings asks only those registered later.
	recorded, _, _ := idx.Registered()
	f.known = map[string]bool{f.own: true}
	for _, e := range recorded {
		f.known[e.CommonDir] = true
	}
	entries, _, warnings, err := idx.Entries()
	if err != nil {
		f.once(warning(fmt.Sprintf("cross-repository index %s: %v", idx.Dir, err)))
		return f
	}
	for _, w := range warnings {
		f.once(warning(w))
	}
	// Gone entries were removed by Entries, and their bundles are free again.
	f.Repos = f.list(ctx, entries)
	return f
}

// warning is a diag.Warning of kind Other.
func warning(text string) diag.Warning { return diag.Warning{Kind: diag.Other, Text: text} }

// once passes each distinct warning to warn once: the index is read again under the
// lock, and a repository that is stuck would be reported twice.
func (f *Foreign) once(w diag.Warning) {
	if !f.warned[w.Text] && f.warn != nil {
		f.warned[w.Text] = true
		f.warn(w)
	}
}

// list lists the worktrees of each entry but this repository's, all at once, each within
// the time limit.
func (f *Foreign) list(ctx context.Context, entries []registry.Entry) []ForeignRepo {
	var repos []ForeignRepo
	for _, e := range entries {
		if e.CommonDir != f.own {
			repos = append(repos, ForeignRepo{Entry: e})
		}
	}
	msgs := make([]diag.Warning, len(repos))
	notes := make([]string, len(repos))
	var wg sync.WaitGroup
	for i := range repos {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := &repos[i]
			r.listed = f.now()
			r.Worktrees, notes[i], msgs[i] = f.worktrees(ctx, r.Entry)
		}()
	}
	wg.Wait()
	for i, m := range msgs {
		f.say(notes[i])
		if m.Text != "" {
			f.once(m)
		}
	}
	return repos
}

// say passes a note that git was asked to the caller, if it wants them.
func (f *Foreign) say(note string) {
	if note != "" && f.direct.note != nil {
		f.direct.note(note)
	}
}

// worktrees lists the worktrees of the repository of e within the time limit: from
// git's files where they can be read with certainty (then note says why git was asked
// instead), with `git worktree list` otherwise. It returns the worktrees or a warning.
func (f *Foreign) worktrees(ctx context.Context, e registry.Entry) (wts []gitwt.Worktree, note string, w diag.Warning) {
	rctx, cancel := f.limit(ctx)
	defer cancel()
	type listing struct {
		wts  []gitwt.Worktree
		note string
		err  error
	}
	// git is killed when rctx ends (exec.CommandContext), so within does not leave it
	// behind; within only stops waiting for what cannot be interrupted, such as a read
	// of the files on a mount that no longer answers.
	var askedGit atomic.Bool
	l, ok := within(rctx, func() (l listing) {
		if f.direct.on {
			wts, err := gitfiles.Files{Loc: gitwt.Location{CommonDir: e.CommonDir}, Env: f.env, PathsOnly: true}.Worktrees()
			if err == nil {
				return listing{wts: wts}
			}
			l.note = fmt.Sprintf("asked git for the worktrees of repository %s (%s) (git worktree list): %s", untrusted.New(e.Name), untrusted.New(e.MainPath), gitfiles.FallbackReason(err))
		}
		askedGit.Store(true)
		l.wts, l.err = gitfiles.ListWorktrees(rctx, gitwt.Git{Dir: e.CommonDir, Env: f.env})
		return l
	})
	switch {
	case !ok || l.err != nil && errors.Is(l.err, context.DeadlineExceeded) && ctx.Err() == nil:
		what := "`git worktree list` there"
		if !askedGit.Load() {
			what = "reading its worktrees' files"
		}
		return nil, l.note, f.stuck(e, what)
	case l.err != nil:
		return nil, l.note, warning(fmt.Sprintf("cannot list the worktrees of repository %s (%s): %v; skipping it", untrusted.New(e.Name), untrusted.New(e.MainPath), untrusted.New(firstLine(l.err))))
	}
	return l.wts, l.note, diag.Warning{}
}

// stuck is the warning for a repository that did not answer in time.
func (f *Foreign) stuck(e registry.Entry, what string) diag.Warning {
	return diag.Warning{Kind: diag.Stuck, Text: fmt.Sprintf("skipping repository %s (%s): %s did not answer within %s (a hung network mount or a FIFO?), so its ports are not counted this time (time limit: git config %s)",
		untrusted.New(e.Name), untrusted.New(e.MainPath), what, f.idx.Timeout, repository.ConfigCrossRepoTimeout)}
}

// limit returns ctx bounded by the time limit, if there is one.
func (f *Foreign) limit(ctx context.Context) (context.Context, context.CancelFunc) {
	if f.idx.Timeout > 0 {
		return context.WithTimeout(ctx, f.idx.Timeout)
	}
	return context.WithCancel(ctx)
}

// Siblings reads the reservations of the other repositories' worktrees. Call it under the
// per-user lock: it first makes sure that nothing was added since ListForeign (a
// repository registered meanwhile, a worktree added to one) and lists again where
// something was, then reads. All of it runs at once and within the time limit; a
// repository that could not be listed before is not asked again. Labels name the
// worktrees relative to labelBase, with the repository's name.
func (f *Foreign) Siblings(ctx context.Context, labelBase string) []Sibling {
	repos := f.Repos
	if !unchangedSince(f.idx.Dir, f.indexed) {
		// A repository registered meanwhile ran its first allocation while we waited for
		// the lock: its reservations count. The entry files are in the index directory
		// itself, so reading them cannot hang on another repository's file system.
		entries, warnings, err := f.idx.Registered()
		if err != nil {
			f.once(warning(fmt.Sprintf("cross-repository index %s: %v", f.idx.Dir, err)))
		}
		for _, w := range warnings {
			f.once(warning(w))
		}
		var added []registry.Entry
		for _, e := range entries {
			if !f.known[e.CommonDir] {
				added = append(added, e)
			}
		}
		if len(added) > 0 {
			repos = append(slices.Clip(repos), f.list(ctx, added)...)
		}
	}
	results := make([]foreignRead, len(repos))
	var wg sync.WaitGroup
	for i, r := range repos {
		if r.Worktrees == nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = f.read(ctx, r, labelBase)
		}()
	}
	wg.Wait()
	var out []Sibling
	for _, r := range results {
		f.say(r.note)
		for _, m := range r.msgs {
			f.once(m)
		}
		out = append(out, r.sibs...)
	}
	return out
}

// foreignRead is what Siblings found in one other repository: its reservations, and the
// warnings to print.
type foreignRead struct {
	sibs []Sibling
	msgs []diag.Warning
	note string // git was asked, and why (for --verbose)
}

// read lists r again if its worktrees changed since it was listed, and reads their
// reservations, within the time limit.
func (f *Foreign) read(ctx context.Context, r ForeignRepo, labelBase string) foreignRead {
	rctx, cancel := f.limit(ctx)
	defer cancel()
	res, ok := within(rctx, func() (res foreignRead) {
		wts := r.Worktrees
		if !ListedBefore(r.Entry.CommonDir, "", len(wts)-1, r.listed) {
			var msg diag.Warning
			if wts, res.note, msg = f.worktrees(rctx, r.Entry); msg.Text != "" {
				return foreignRead{msgs: []diag.Warning{msg}, note: res.note}
			}
		}
		res.sibs, res.msgs = f.readEach(rctx, r.Entry, wts, labelBase)
		return res
	})
	if !ok {
		return foreignRead{msgs: []diag.Warning{f.stuck(r.Entry, "reading its worktrees' reservations")}}
	}
	return res
}

// readEach reads the reservation of each of wts, the worktrees of the repository of e,
// each on its own within ctx: one that does not answer (a worktree on a mount that
// stopped answering) is skipped with a warning naming it, and the others still count.
func (f *Foreign) readEach(ctx context.Context, e registry.Entry, wts []gitwt.Worktree, labelBase string) ([]Sibling, []diag.Warning) {
	type one struct {
		sibs []Sibling
		msgs []diag.Warning
	}
	// Each read gives up before the whole read of the repository does (read's within),
	// so that a worktree that hangs is named, not the repository.
	if dl, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Until(dl)*3/4)
		defer cancel()
	}
	got := make([]one, len(wts))
	var wg sync.WaitGroup
	for i, w := range wts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o, ok := within(ctx, func() (o one) {
				o.sibs = ReadSiblings([]gitwt.Worktree{w}, labelBase, labelBase, func(m string) { o.msgs = append(o.msgs, warning(m)) })
				return o
			})
			if !ok {
				o = one{msgs: []diag.Warning{f.stuckWorktree(e, w)}}
			}
			for j := range o.sibs {
				// git lists the main worktree first.
				o.sibs[j].Main = i == 0
				o.sibs[j].Repo = e.Name
				o.sibs[j].Label += " (repo " + untrusted.New(e.Name).String() + ")"
			}
			got[i] = o
		}()
	}
	wg.Wait()
	var sibs []Sibling
	var msgs []diag.Warning
	for _, o := range got {
		sibs, msgs = append(sibs, o.sibs...), append(msgs, o.msgs...)
	}
	return sibs, msgs
}

// stuckWorktree is the warning for one worktree of another repository that did not
// answer in time.
func (f *Foreign) stuckWorktree(e registry.Entry, w gitwt.Worktree) diag.Warning {
	return diag.Warning{Kind: diag.Stuck, Text: fmt.Sprintf("skipping worktree %s of repository %s: reading its reservation did not answer within %s (a hung network mount?), so its ports are not counted this time (time limit: git config %s)",
		untrusted.New(w.Path), untrusted.New(e.Name), f.idx.Timeout, repository.ConfigCrossRepoTimeout)}
}

// within runs f on a goroutine of its own and waits for its result until ctx is done,
// and then killGrace longer. f should stop soon after ctx is done where it can: a git
// process started with ctx is killed, and the grace lets that happen and f return,
// rather than leave the process behind when we exit. Where f cannot stop (a stat on a
// hung network mount blocks in the kernel), within gives up, reports false, and the
// goroutine's late result is dropped.
func within[T any](ctx context.Context, f func() T) (T, bool) {
	done := make(chan T, 1)
	go func() { done <- f() }()
	select {
	case v := <-done:
		return v, true
	case <-ctx.Done():
	}
	grace := time.NewTimer(killGrace)
	defer grace.Stop()
	select {
	case v := <-done:
		return v, true
	case <-grace.C:
		var zero T
		return zero, false
	}
}

// killGrace is how long within waits, after its time is up, for f to notice: killing a
// process and reaping it takes milliseconds.
const killGrace = 500 * time.Millisecond

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}
