//go:build unix

package claim

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/git-worktree-ports/git-worktree-ports/internal/diag"
	"github.com/git-worktree-ports/git-worktree-ports/internal/registry"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
)

// gitEnv is an environment for real git isolated from the user's.
func gitEnv(t *testing.T) []string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	home := t.TempDir()
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GIT_") && !strings.HasPrefix(kv, "HOME=") && !strings.HasPrefix(kv, "XDG_") {
			env = append(env, kv)
		}
	}
	return append(env, "HOME="+home, "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+filepath.Join(home, ".gitconfig"),
		"GIT_AUTHOR_NAME=T", "GIT_AUTHOR_EMAIL=t@example.invalid", "GIT_COMMITTER_NAME=T", "GIT_COMMITTER_EMAIL=t@example.invalid")
}

func git(t *testing.T, env []string, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir, cmd.Env = dir, env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %q: %v\n%s", args, err, out)
	}
}

// newRepo makes a repository with a commit and the given linked worktrees, each with a
// reservation, registers it in idx, and returns its common dir.
func newRepo(t *testing.T, env []string, idx registry.Index, parent, name string, base int, linked ...string) string {
	t.Helper()
	dir := filepath.Join(parent, name)
	git(t, env, parent, "init", "-q", dir)
	git(t, env, dir, "commit", "-q", "--allow-empty", "-m", "init")
	for i, l := range linked {
		git(t, env, dir, "worktree", "add", "-q", "--detach", filepath.Join(parent, l))
		writeReservation(t, filepath.Join(parent, l), base+10*i)
	}
	common := filepath.Join(dir, ".git")
	if _, err := idx.Register(registry.Entry{CommonDir: common, MainPath: dir, Name: name}); err != nil {
		t.Fatal(err)
	}
	return common
}

func writeReservation(t *testing.T, dir string, base int) {
	t.Helper()
	data, err := reserve.Marshal(nil, reserve.Reservation{Version: 1, Worktree: filepath.Base(dir), Base: base, Width: 10})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, reserve.FileName), data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func bases(sibs []Sibling) map[int]string {
	m := map[int]string{}
	for _, s := range sibs {
		m[s.Reservation.Base] = s.Label
	}
	return m
}

// TestForeignStuckRepository runs real git against a repository that hangs it (a FIFO at
// .git/worktrees/<id>/locked, as a hung network mount would): ListForeign gives up on it
// after the time limit with one warning naming it, and still lists the others; under the
// lock, Siblings does not ask it again, and sees what changed meanwhile: a worktree added
// to a listed repository, and a repository registered since.
func TestForeignStuckRepository(t *testing.T) {
	t.Parallel()
	env := gitEnv(t)
	tmp, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	idx := registry.Index{Dir: filepath.Join(tmp, "index"), Timeout: 300 * time.Millisecond}
	own := newRepo(t, env, idx, tmp, "own", 17000)
	newRepo(t, env, idx, tmp, "good", 17100, "good-1")
	newRepo(t, env, idx, tmp, "stuck", 17200, "stuck-1")
	// A repository on a disk that is not mounted: Entries keeps it out with a warning,
	// and Siblings must not ask it either.
	mnt := filepath.Join(tmp, "mnt")
	if err := os.Mkdir(mnt, 0o755); err != nil {
		t.Fatal(err)
	}
	unmounted := filepath.Join(mnt, "away", ".git")
	entry := `{"version": 1, "common_dir": "` + unmounted + `", "main": "` + filepath.Dir(unmounted) + `", "name": "away", "mount": "` + mnt + `"}`
	if err := os.WriteFile(idx.Path(unmounted), []byte(entry), 0o600); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(tmp, "stuck", ".git", "worktrees", "stuck-1", "locked")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}

	var warnings, notes []string
	var kinds []diag.Kind
	warn := func(err error) {
		w := err.(diag.Warning)
		warnings, kinds = append(warnings, w.Text), append(kinds, w.Kind)
	}
	note := func(s string) { notes = append(notes, s) }
	done := make(chan *Foreign, 1)
	go func() {
		done <- ListForeignFor(context.Background(), idx, own, env, Listing{Diag: diag.New(warn, note), Now: time.Now, FromFiles: true})
	}()
	var f *Foreign
	select {
	case f = <-done:
	case <-time.After(20 * time.Second): // a hang guard, not a measurement
		t.Fatal("ListForeign still waiting on the stuck repository after 20s")
	}
	if len(warnings) != 2 || !strings.Contains(warnings[0], unmounted+" is on "+mnt+", which is not mounted") ||
		!strings.HasPrefix(warnings[1], "skipping repository stuck ("+filepath.Join(tmp, "stuck")+"): `git worktree list` there did not answer within 300ms") {
		t.Fatalf("warnings = %q, want one about the unmounted repository and one naming the stuck one", warnings)
	}
	if kinds[0] != diag.Other || kinds[1] != diag.Stuck {
		t.Errorf("kinds = %v, want the second one diag.Stuck", kinds)
	}
	// The good repository was read from its files; the stuck one's FIFO made the reader
	// ask git, which hung on it.
	if len(notes) != 1 || !strings.Contains(notes[0], "repository stuck") || !strings.Contains(notes[0], fifo+": not a regular file") {
		t.Errorf("notes = %q, want one saying git was asked about the stuck repository's FIFO", notes)
	}
	// Its git was killed, not left behind waiting: the FIFO has no reader any more.
	if w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
		w.Close()
		t.Fatal("the FIFO still has a reader: git was left running")
	} else if !errors.Is(err, syscall.ENXIO) {
		t.Fatalf("open the FIFO for writing: %v, want ENXIO", err)
	}

	// Meanwhile (before the lock, in a real allocation) a worktree is added to "good"
	// and a repository is registered and allocates.
	time.Sleep(60 * time.Millisecond) // past the coarse-clock margin of the change checks
	git(t, env, filepath.Join(tmp, "good"), "worktree", "add", "-q", "--detach", filepath.Join(tmp, "good-2"))
	writeReservation(t, filepath.Join(tmp, "good-2"), 17110)
	newRepo(t, env, idx, tmp, "late", 17300, "late-1")

	warnings = nil
	got := bases(f.Siblings(context.Background(), filepath.Join(tmp, "own")))
	want := map[int]string{17100: "../good-1 (repo good)", 17110: "../good-2 (repo good)", 17300: "../late-1 (repo late)"}
	for b, label := range want {
		if got[b] != label {
			t.Errorf("sibling at %d = %q, want %q (all: %v)", b, got[b], label, got)
		}
	}
	if _, ok := got[17200]; ok || len(got) != len(want) {
		t.Errorf("siblings = %v, want exactly %v", got, want)
	}
	if len(warnings) != 0 {
		t.Errorf("Siblings warned %q; the stuck and unmounted repositories were already reported", warnings)
	}
	if len(notes) != 1 {
		t.Errorf("notes = %q: the good and late repositories should have been read from their files", notes)
	}
}

// TestForeignReadsFiles: allocation lists the other repositories from git's files,
// starting no git process for any of them (GIT_TRACE would show one), the checks under
// the per-user lock included; ListForeign, for list, which needs git's commit ids, asks
// git in each.
func TestForeignReadsFiles(t *testing.T) {
	t.Parallel()
	env := gitEnv(t)
	tmp, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	idx := registry.Index{Dir: filepath.Join(tmp, "index"), Timeout: 5 * time.Second}
	own := newRepo(t, env, idx, tmp, "own", 17000)
	for i, name := range []string{"r1", "r2", "r3"} {
		newRepo(t, env, idx, tmp, name, 17100+100*i, name+"-a", name+"-b")
	}
	trace := filepath.Join(tmp, "trace")
	traced := append(env[:len(env):len(env)], "GIT_TRACE="+trace)
	ranGit := func() bool {
		_, err := os.Stat(trace)
		return err == nil
	}
	var warnings, notes []string
	warn := func(err error) { warnings = append(warnings, err.Error()) }
	note := func(s string) { notes = append(notes, s) }

	f := ListForeignFor(context.Background(), idx, own, traced, Listing{Diag: diag.New(warn, note), Now: time.Now, FromFiles: true})
	if len(f.Repos) != 3 || len(warnings) != 0 || len(notes) != 0 {
		t.Fatalf("repos %+v, warnings %q, notes %q; want 3 repositories read from their files", f.Repos, warnings, notes)
	}
	time.Sleep(60 * time.Millisecond) // past the coarse-clock margin of the change checks
	git(t, env, filepath.Join(tmp, "r1"), "worktree", "add", "-q", "--detach", filepath.Join(tmp, "r1-c"))
	writeReservation(t, filepath.Join(tmp, "r1-c"), 17120)
	got := bases(f.Siblings(context.Background(), filepath.Join(tmp, "own")))
	if len(got) != 7 || got[17120] != "../r1-c (repo r1)" || len(warnings) != 0 || len(notes) != 0 {
		t.Errorf("siblings %v, warnings %q, notes %q; want all 7, the one added meanwhile included", got, warnings, notes)
	}
	if ranGit() {
		t.Error("git ran, and the repositories were to be read from their files")
	}

	f = ListForeign(context.Background(), idx, own, traced, nil)
	if len(f.Repos) != 3 || !ranGit() {
		t.Errorf("ListForeign: %d repositories; git ran: %v; want 3 listed by git", len(f.Repos), ranGit())
	}
}
