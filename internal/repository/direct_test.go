package repository

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/git-worktree-ports/git-worktree-ports/internal/diag"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gittest"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
)

// The differential test of Discover: reading git's files directly (the default) must
// give the Repo that asking git for everything gives (GitOnly), from every worktree of
// every repository shape internal/gitwt's tests build, and say when it asked git.

// twoWays discovers from dir both ways and compares them. It returns the direct Repo
// and the fallback lines it printed.
func twoWays(t *testing.T, s *gittest.Sandbox, dir string, env ...string) (*Repo, []string) {
	t.Helper()
	ctx := context.Background()
	g := gitwt.Git{Dir: dir, Env: append(s.Env[:len(s.Env):len(s.Env)], env...)}
	want, err := Discover(ctx, g, Options{GitOnly: true})
	if err != nil {
		t.Fatalf("from %s, git only: %v", dir, err)
	}
	var notes []string
	got, err := Discover(ctx, g, Options{Diag: diag.New(nil, func(s string) { notes = append(notes, s) })})
	if err != nil {
		t.Fatalf("from %s: %v", dir, err)
	}
	if !sameRepo(got, want) {
		t.Errorf("from %s:\ndirect   %+v\ngit only %+v", dir, *got, *want)
	}
	// Heads: the commits come from git's list, and the rest is the same.
	heads, err := Discover(ctx, g, Options{Heads: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range heads.Worktrees {
		if !w.Bare && w.Head == "" {
			t.Errorf("from %s with Heads: %+v has no commit", dir, w)
		}
	}
	if !reflect.DeepEqual(heads.Worktrees, want.Worktrees) || !sameRepo(heads, want) {
		t.Errorf("from %s with Heads:\n%+v\n%+v", dir, *heads, *want)
	}
	// PathsOnly: the same, but the states of the other linked worktrees may be unset.
	paths, err := Discover(ctx, g, Options{PathsOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	trimmed := &Repo{Loc: want.Loc, Config: want.Config, Tracked: want.Tracked, Worktrees: withoutHeads(want.Worktrees)}
	for i, w := range trimmed.Worktrees {
		if i > 0 && w.Path != want.Loc.Toplevel && len(paths.Worktrees) == len(want.Worktrees) && paths.Worktrees[i].Branch == "" && !paths.Worktrees[i].Detached {
			trimmed.Worktrees[i] = gitwt.Worktree{Path: w.Path, ListedPath: w.ListedPath, Locked: w.Locked, LockReason: w.LockReason}
		}
	}
	if !sameRepo(paths, trimmed) {
		t.Errorf("from %s with PathsOnly:\n%+v\n%+v", dir, *paths, *trimmed)
	}
	// Relist lists as Discover did.
	said := notes
	before := got.Worktrees
	if err := got.Relist(ctx, g); err != nil || !reflect.DeepEqual(withoutHeads(got.Worktrees), withoutHeads(before)) {
		t.Errorf("from %s, Relist: %v\n%+v\n%+v", dir, err, got.Worktrees, before)
	}
	return got, said
}

// sameRepo compares two Repos, all but the worktrees' commits, which git's list alone
// gives (Options.Heads).
func sameRepo(a, b *Repo) bool {
	return a.Loc == b.Loc && a.Tracked == b.Tracked && reflect.DeepEqual(withoutHeads(a.Worktrees), withoutHeads(b.Worktrees)) &&
		reflect.DeepEqual(a.Config, b.Config)
}

func withoutHeads(ws []gitwt.Worktree) []gitwt.Worktree {
	out := slices.Clone(ws)
	for i := range out {
		out[i].Head = ""
	}
	return out
}

// direct checks that Discover read everything from the files, from each dir, as git.
func direct(t *testing.T, s *gittest.Sandbox, dirs ...string) {
	t.Helper()
	for _, dir := range dirs {
		if _, notes := twoWays(t, s, dir); len(notes) != 0 {
			t.Errorf("from %s: asked git: %q", dir, notes)
		}
	}
}

// asksGit checks that Discover asked git from dir, saying why.
func asksGit(t *testing.T, s *gittest.Sandbox, dir, why string, env ...string) {
	t.Helper()
	_, notes := twoWays(t, s, dir, env...)
	if len(notes) == 0 || !strings.Contains(strings.Join(notes, "\n"), why) {
		t.Errorf("from %s: notes %q, want one saying %q", dir, notes, why)
	}
}

func TestDiscoverDirectAgreesWithGit(t *testing.T) {
	t.Parallel()
	s := gittest.New(t)

	// A plain repository: config at every level, a tracked reservation, linked worktrees
	// locked, detached, unborn, packed, gone, moved, and at odd paths.
	m := s.Repo("plain")
	s.Git(m, "config", "worktree-ports.range", "30000-30999")
	s.Git(m, "remote", "add", "origin", "git@github.com:Acme/Plain.git")
	s.Git(m, "config", "--global", "worktree-ports.width", "5")
	s.Write(filepath.Join(m, reserve.FileName), "{}")
	s.Git(m, "add", reserve.FileName)
	if err := os.MkdirAll(filepath.Join(m, "sub", "dir"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"locked", "detached", "unborn", "packed", "gone", "before", "sp ace", "new\nline", `q"uo'te`} {
		args := []string{"worktree", "add", "-q"}
		if name == "detached" || strings.ContainsAny(name, " \n\"") {
			args = append(args, "--detach")
		}
		s.Git(m, append(args, s.Path(name))...)
	}
	s.Git(m, "worktree", "lock", "--reason", "on a stick", s.Path("locked"))
	s.Git(s.Path("unborn"), "symbolic-ref", "HEAD", "refs/heads/not-yet")
	s.Git(m, "pack-refs", "--all")
	s.Git(m, "worktree", "move", s.Path("before"), s.Path("after"))
	if err := os.RemoveAll(s.Path("gone")); err != nil {
		t.Fatal(err)
	}
	s.Write(filepath.Join(s.Path("detached"), reserve.FileName), "{}") // not tracked there
	direct(t, s, m, filepath.Join(m, "sub", "dir"), s.Path("locked"), s.Path("detached"), s.Path("unborn"),
		s.Path("packed"), s.Path("after"), s.Path("sp ace"), s.Path("new\nline"), s.Path(`q"uo'te`))
	if r, _ := twoWays(t, s, m); !r.Tracked || len(r.Worktrees) != 10 {
		t.Errorf("plain: Tracked %v, %d worktrees", r.Tracked, len(r.Worktrees))
	}

	// Many worktrees: read on several goroutines.
	many := s.Repo("many")
	for i := range 40 {
		s.Git(many, "worktree", "add", "-q", "--detach", s.Path(fmt.Sprintf("many-%02d", i)))
	}
	direct(t, s, many, s.Path("many-17"))

	// A bare clone with linked worktrees.
	b := s.Path("b.git")
	s.Git(s.Root, "clone", "-q", "--bare", m, b)
	s.Git(b, "worktree", "add", "-q", s.Path("b-main"), "main")
	s.Git(b, "worktree", "add", "-q", "--detach", s.Path("b-det"))
	direct(t, s, s.Path("b-main"), s.Path("b-det"))
	asksGit(t, s, b, "is a git directory")

	// A separate git dir: before and after its main worktree is noted, and with
	// core.worktree.
	sep, sepGit := s.Path("sep"), s.Path("sep.git")
	s.Git(s.Root, "init", "-q", "--separate-git-dir", sepGit, sep)
	s.Git(sep, "commit", "-q", "--allow-empty", "-m", "init")
	s.Git(sep, "worktree", "add", "-q", s.Path("sep-b"))
	direct(t, s, s.Path("sep-b"), sep, s.Path("sep-b"))
	s.Git(sep, "config", "core.worktree", "../sep")
	direct(t, s, sep)
	// A linked worktree does not read the shared core.worktree, but a direct read does
	// not go into that: git is asked.
	asksGit(t, s, s.Path("sep-b"), "core.worktree")

	// A submodule, with linked worktrees, then sparse (worktreeConfig, core.worktree
	// moved to config.worktree).
	lib := s.Repo("lib")
	super := s.Repo("super")
	s.Git(super, "-c", "protocol.file.allow=always", "submodule", "add", "-q", lib, "vendor/lib")
	sub := filepath.Join(super, "vendor", "lib")
	s.Git(sub, "worktree", "add", "-q", s.Path("lib-b"))
	direct(t, s, super, sub)
	// A linked worktree of a submodule reads core.worktree from the shared config,
	// which names the submodule's own directory: git is asked.
	asksGit(t, s, s.Path("lib-b"), "core.worktree")
	s.Git(sub, "sparse-checkout", "init", "--cone")
	direct(t, s, sub, s.Path("lib-b"))

	// worktreeConfig: a key set for one worktree only.
	wc := s.Repo("wc")
	s.Git(wc, "worktree", "add", "-q", s.Path("wc-b"))
	s.Git(s.Path("wc-b"), "sparse-checkout", "init", "--cone")
	s.Git(s.Path("wc-b"), "config", "--worktree", "worktree-ports.range", "31000-31999")
	direct(t, s, wc, s.Path("wc-b"))

	// SHA-256, where git can make it.
	sha := s.Path("sha256")
	if _, err := (gitwt.Git{Dir: s.Root, Env: s.Env}).Output(context.Background(), "init", "-q", "--object-format=sha256", sha); err == nil {
		s.Git(sha, "commit", "-q", "--allow-empty", "-m", "init")
		s.Git(sha, "worktree", "add", "-q", "--detach", s.Path("sha256-b"))
		direct(t, s, sha, s.Path("sha256-b"))
	}

	// Where a precondition does not hold, git is asked, and it says why.
	asksGit(t, s, m, "GIT_DIR is set", "GIT_DIR="+filepath.Join(m, ".git"))
	asksGit(t, s, filepath.Join(m, ".git"), "is a git directory")
	s.Git(m, "config", "include.path", s.Path("extra.config"))
	asksGit(t, s, m, "includes are left to git")
	s.Git(m, "config", "--unset", "include.path")
	s.Git(m, "config", "extensions.relativeWorktrees", "true")
	asksGit(t, s, s.Path("locked"), "extensions.relativeworktrees is not read directly")
	s.Git(m, "config", "--unset", "extensions.relativeWorktrees")
	// git -c, which a hook inherits: read as git reads it, unless it changes what git
	// reads.
	if r, notes := twoWays(t, s, m, "GIT_CONFIG_PARAMETERS='worktree-ports.width'='7' 'core.hooksPath'='/x'"); len(notes) != 0 {
		t.Errorf("with git -c: %q", notes)
	} else if v, _ := r.GitConfig("worktree-ports.width"); v != "7" {
		t.Errorf("with git -c: worktree-ports.width = %q, want 7", v)
	}
	asksGit(t, s, m, "git -c core.ignorecase", "GIT_CONFIG_PARAMETERS='core.ignoreCase'='true'")
	// core.worktree in the global config moves nothing, for git and for the files.
	s.Git(m, "config", "--global", "core.worktree", s.Path("locked"))
	direct(t, s, m, s.Path("locked"))
	s.Git(m, "config", "--global", "--unset", "core.worktree")
	// Only the worktree list: a half-made entry with a gitdir but no HEAD yet.
	adm := filepath.Join(m, ".git", "worktrees", "half")
	s.Write(filepath.Join(adm, "gitdir"), s.Path("half", ".git")+"\n")
	s.Write(filepath.Join(adm, "commondir"), "../..\n")
	if _, notes := twoWays(t, s, s.Path("locked")); len(notes) != 1 || !strings.Contains(notes[0], "for the worktree list") {
		t.Errorf("half-made entry: %q", notes)
	}
}
