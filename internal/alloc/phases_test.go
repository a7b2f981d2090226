package alloc

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/git-worktree-ports/git-worktree-ports/internal/config"
	"github.com/git-worktree-ports/git-worktree-ports/internal/diag"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitfiles"
	"github.com/git-worktree-ports/git-worktree-ports/internal/lock"
	"github.com/git-worktree-ports/git-worktree-ports/internal/repository"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
)

// phaseOptions are the Options of a phase run directly in dir, with env added.
func (w *world) phaseOptions(dir string, env ...string) Options {
	return Options{Dir: dir, Env: append(w.s.Env[:len(w.s.Env):len(w.s.Env)], env...)}
}

// TestPrepare: prepare finds the worktree, its file and config (flags first), and the
// per-user index unless cross-repository awareness is off; outside a worktree it fails
// before reading anything else.
func TestPrepare(t *testing.T) {
	t.Parallel()
	w := newWorld(t, twoServices, false)
	b := w.linked(t, "shop-b")
	ctx := context.Background()
	var said []diag.Warning
	say := func(x diag.Warning) { said = append(said, x) }

	o := w.phaseOptions(b)
	o.Width = 20
	p, err := prepare(ctx, o, say, func(string) {})
	if err != nil {
		t.Fatal(err)
	}
	if p.root != b || p.path != filepath.Join(b, reserve.FileName) || p.cfg.Spec.Width != 20 || p.cfg.Spec.Range.Lo != 40000 {
		t.Errorf("prepared: root %s, path %s, spec %+v", p.root, p.path, p.cfg.Spec)
	}
	if p.cross == nil || p.foreign == nil || p.key == nil || p.approval == "" || len(said) != 0 {
		t.Errorf("prepared: cross %v, foreign %v, key %v, approval %q, warnings %+v", p.cross, p.foreign, p.key != nil, p.approval, said)
	}
	if p.listStart.IsZero() || time.Since(p.listStart) > time.Minute {
		t.Errorf("listStart %v", p.listStart)
	}

	off, err := prepare(ctx, w.phaseOptions(b, config.EnvCrossRepo+"=0"), say, func(string) {})
	if err != nil || off.cross != nil || off.foreign != nil {
		t.Errorf("cross-repository awareness off: %v, cross %v", err, off)
	}
	if _, err := prepare(ctx, w.phaseOptions(b, config.EnvCrossRepo+"=maybe"), say, func(string) {}); err == nil {
		t.Error("a bad cross-repository setting: no error")
	}
	bad := w.phaseOptions(b)
	bad.Range = "nonsense"
	if _, err := prepare(ctx, bad, say, func(string) {}); err == nil || !strings.Contains(err.Error(), `range "nonsense"`) {
		t.Errorf("a bad range: %v", err)
	}

	gitDir := filepath.Join(w.top, ".git")
	var nw *repository.NotWorktreeError
	if _, err := prepare(ctx, w.phaseOptions(gitDir), say, func(string) {}); !errors.As(err, &nw) {
		t.Errorf("in the git directory: %v, want a *repository.NotWorktreeError", err)
	}
	if _, err := prepare(ctx, w.phaseOptions(w.s.Root), say, func(string) {}); err == nil {
		t.Error("outside any repository: no error")
	}
}

// TestLockPhase: lock registers the repository in the per-user index, holds the
// repository lock until released, and lists the worktrees again when the list may be
// older than a worktree.
func TestLockPhase(t *testing.T) {
	t.Parallel()
	w := newWorld(t, twoServices, false)
	b := w.linked(t, "shop-b")
	ctx := context.Background()
	o := w.phaseOptions(b)
	p, err := prepare(ctx, o, func(diag.Warning) {}, func(string) {})
	if err != nil {
		t.Fatal(err)
	}
	// A listing that began after every worktree was made is used as it is: the mark on
	// it stays.
	p.listStart = time.Now().Add(time.Second)
	p.repo.Worktrees[1].Branch = "refs/heads/mark"
	release, err := p.lock(ctx, o, func(string) {}, func(string) {})
	if err != nil {
		t.Fatal(err)
	}
	if p.repo.Worktrees[1].Branch != "refs/heads/mark" {
		t.Errorf("listed again, though nothing was added: %+v", p.repo.Worktrees)
	}
	if _, err := os.Stat(p.cross.Path(p.repo.Loc.CommonDir)); err != nil {
		t.Errorf("not registered: %v", err)
	}
	c := w.linked(t, "shop-c")
	o2 := w.phaseOptions(c)
	o2.LockTimeout = time.Nanosecond
	p2, err := prepare(ctx, o2, func(diag.Warning) {}, func(string) {})
	if err != nil {
		t.Fatal(err)
	}
	var te *lock.TimeoutError
	if _, err := p2.lock(ctx, o2, func(string) {}, func(string) {}); !errors.As(err, &te) {
		t.Errorf("while locked: %v, want a *lock.TimeoutError", err)
	}
	release()

	// shop-c was added after p's listing: it is taken again.
	release, err = p.lock(ctx, o, func(string) {}, func(string) {})
	if err != nil {
		t.Fatal(err)
	}
	release()
	if len(p.repo.Worktrees) != 3 {
		t.Errorf("%d worktrees after a listing older than shop-c, want 3", len(p.repo.Worktrees))
	}
}

// TestFinishPhase: finish excludes a file it wrote or kept, and warns, without failing,
// when it cannot.
func TestFinishPhase(t *testing.T) {
	t.Parallel()
	w := newWorld(t, twoServices, false)
	ctx := context.Background()
	o := w.phaseOptions(w.top)
	p, err := prepare(ctx, o, func(diag.Warning) {}, func(string) {})
	if err != nil {
		t.Fatal(err)
	}
	exclude := filepath.Join(w.top, ".git", "info", "exclude")
	if err := os.Remove(exclude); err != nil {
		t.Fatal(err)
	}
	p.finish(ctx, o, &Result{Outcome: Preferred}, func(string) {})
	if _, err := os.Stat(exclude); err == nil {
		t.Error("excluded a file that was not written")
	}
	p.finish(ctx, o, &Result{Outcome: Kept}, func(string) {})
	if data, err := os.ReadFile(exclude); err != nil || !strings.Contains(string(data), reserve.FileName) {
		t.Errorf("kept: exclude %q, %v", data, err)
	}

	// In the main worktree of a separate git dir, finish notes where it is.
	top, gitDir, _ := w.s.SeparateGitDir("sep")
	so := w.phaseOptions(top)
	sp, err := prepare(ctx, so, func(diag.Warning) {}, func(string) {})
	if err != nil {
		t.Fatal(err)
	}
	sp.finish(ctx, so, &Result{Wrote: true}, func(string) {})
	if data, err := os.ReadFile(filepath.Join(gitDir, gitfiles.MainRecordName)); err != nil || strings.TrimSpace(string(data)) != top {
		t.Errorf("separate git dir: note %q, %v; want %s", data, err, top)
	}

	info := filepath.Join(w.top, ".git", "info")
	if err := os.RemoveAll(info); err != nil {
		t.Fatal(err)
	}
	w.s.Write(info, "a file where git keeps a directory")
	var said []string
	p.finish(ctx, o, &Result{Wrote: true}, func(s string) { said = append(said, s) })
	if len(said) != 1 || !strings.HasPrefix(said[0], "could not add "+reserve.FileName+" to "+exclude+": ") {
		t.Errorf("exclude impossible: warnings %q", said)
	}
}
