package gitfiles

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
)

// The differential tests: Files against git's porcelain, over every repository shape we
// know. Where Files answers, its answer must be git's (HEAD's commit id aside, which it
// does not read); where it cannot be sure, it must say so with ErrUseGit.

// withoutHeads returns ws with Head cleared, the one field Files does not read.
func withoutHeads(ws []gitwt.Worktree) []gitwt.Worktree {
	out := make([]gitwt.Worktree, len(ws))
	for i, w := range ws {
		w.Head = ""
		out[i] = w
	}
	return out
}

// diff is a sandbox that remembers where each directory is, so that Files can still be
// asked after a change that makes git refuse the repository.
type diff struct {
	*sandbox
	locs map[string]gitwt.Location
}

func newDiff(t *testing.T) *diff { return &diff{newSandbox(t), map[string]gitwt.Location{}} }

// where returns the Location Files reads from in dir: a worktree (Locate's answer), or,
// in a git directory, the common directory itself.
func (s *diff) where(dir string) gitwt.Location {
	s.t.Helper()
	if loc, ok := s.locs[dir]; ok {
		return loc
	}
	loc := s.locate(dir)
	if loc.Toplevel == "" {
		loc = gitwt.Location{CommonDir: loc.CommonDir}
	}
	s.locs[dir] = loc
	return loc
}

// direct reads with Files as git would run in dir.
func (s *diff) direct(dir string) ([]gitwt.Worktree, error) {
	s.t.Helper()
	return Files{Loc: s.where(dir), Env: s.Env}.Worktrees()
}

// agree checks, from each dir, that Files reads what git lists, and says what it read.
func (s *diff) agree(dirs ...string) []gitwt.Worktree {
	s.t.Helper()
	var last []gitwt.Worktree
	for _, dir := range dirs {
		s.locates(dir)
		want, err := ListWorktrees(context.Background(), s.g(dir))
		if err != nil {
			s.t.Fatalf("git from %s: %v", dir, err)
		}
		got, err := s.direct(dir)
		if err != nil {
			s.t.Errorf("from %s: Files fell back (%v); git says %+v", dir, err, want)
			continue
		}
		if !reflect.DeepEqual(got, withoutHeads(want)) {
			s.t.Errorf("from %s:\nFiles %+v\n  git %+v", dir, got, withoutHeads(want))
		}
		loc := s.where(dir)
		paths, err := Files{Loc: loc, Env: s.Env, PathsOnly: true}.Worktrees()
		if err != nil {
			s.t.Errorf("from %s: Files with PathsOnly fell back (%v)", dir, err)
		} else if why := placesOf(paths, got, loc); why != "" {
			s.t.Errorf("from %s with PathsOnly: %s\nFiles %+v\n  git %+v", dir, why, paths, withoutHeads(want))
		}
		last = got
	}
	return last
}

// placesOf checks a PathsOnly listing against the full one, full: the same worktrees in
// the same order, the main worktree and the one at loc whole, each other linked one
// with its place and lock alone. It says what differs, or "".
func placesOf(paths, full []gitwt.Worktree, loc gitwt.Location) string {
	if len(paths) != len(full) {
		return fmt.Sprintf("%d worktrees, want %d", len(paths), len(full))
	}
	for i, w := range full {
		want := w
		if i > 0 && w.Path != loc.Toplevel {
			want = gitwt.Worktree{Path: w.Path, ListedPath: w.ListedPath, Locked: w.Locked, LockReason: w.LockReason}
		}
		if paths[i] != want {
			return fmt.Sprintf("worktree %d is %+v, want %+v", i, paths[i], want)
		}
	}
	return ""
}

// fallsBack checks that Files leaves the answer to git from dir, with a reason that
// contains why.
func (s *diff) fallsBack(dir, why string) {
	s.t.Helper()
	got, err := s.direct(dir)
	if !errors.Is(err, ErrUseGit) {
		s.t.Errorf("from %s: Files = %+v, %v; want a fallback (%s)", dir, got, err, why)
		return
	}
	if !strings.Contains(strings.ToLower(err.Error()), strings.ToLower(why)) {
		s.t.Errorf("from %s: fallback %q does not say %q", dir, err, why)
	}
}

func TestFilesPlainRepository(t *testing.T) {
	t.Parallel()
	s := newDiff(t)
	m := s.Repo("main")
	s.Git(m, "worktree", "add", "-q", "../linked")
	s.Git(m, "worktree", "add", "-q", "--detach", "../detached")
	s.Git(m, "worktree", "add", "-q", "../locked-why")
	s.Git(m, "worktree", "lock", "--reason", "  on usb\ndrive \"x\"\t\n", "../locked-why")
	s.Git(m, "worktree", "add", "-q", "../locked-bare")
	s.Git(m, "worktree", "lock", "../locked-bare")
	s.Git(m, "worktree", "add", "-q", "../gone")
	if err := os.RemoveAll(s.Path("gone")); err != nil {
		t.Fatal(err)
	}
	// A locked worktree whose directory is gone is not prunable.
	s.Git(m, "worktree", "add", "-q", "../gone-locked")
	s.Git(m, "worktree", "lock", "../gone-locked")
	if err := os.RemoveAll(s.Path("gone-locked")); err != nil {
		t.Fatal(err)
	}
	// A gitdir file that points nowhere, and one naming a path that is not a .git.
	s.Git(m, "worktree", "add", "-q", "../nowhere")
	s.Write(filepath.Join(m, ".git", "worktrees", "nowhere", "gitdir"), s.Path("no", "such", ".git")+"\n")
	s.Git(m, "worktree", "add", "-q", "../nodotgit")
	s.Write(filepath.Join(m, ".git", "worktrees", "nodotgit", "gitdir"), s.Path("nodotgit")+"\n")
	// A .git that is a dangling symlink still exists for git (lstat): not prunable.
	s.Git(m, "worktree", "add", "-q", "../dangling")
	if err := os.Remove(s.Path("dangling", ".git")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(s.Path("nothing"), s.Path("dangling", ".git")); err != nil {
		t.Fatal(err)
	}
	// An unborn branch in a linked worktree, and a packed branch.
	s.Git(m, "worktree", "add", "-q", "../unborn")
	s.Git(s.Path("unborn"), "symbolic-ref", "HEAD", "refs/heads/not-yet")
	s.Git(m, "worktree", "add", "-q", "-b", "packed", "../packed")
	s.Git(m, "pack-refs", "--all")
	// Entries git skips: a file, a directory with no gitdir, one with an empty gitdir.
	s.Write(filepath.Join(m, ".git", "worktrees", "stray-file"), "x\n")
	if err := os.Mkdir(filepath.Join(m, ".git", "worktrees", "no-gitdir"), 0o755); err != nil {
		t.Fatal(err)
	}
	s.Write(filepath.Join(m, ".git", "worktrees", "empty-gitdir", "gitdir"), "")

	ws := s.agree(m, filepath.Join(m, ".git"), s.Path("linked"), s.Path("detached"), s.Path("unborn"))
	if len(ws) != 12 {
		t.Errorf("Files read %d worktrees, want 12: %+v", len(ws), ws)
	}
	got := map[string]gitwt.Worktree{}
	for _, w := range ws {
		got[w.Name()] = w
	}
	for name, want := range map[string]gitwt.Worktree{
		"main":        {Path: m, Branch: "refs/heads/main"},
		"detached":    {Path: s.Path("detached"), Detached: true},
		"locked-why":  {Path: s.Path("locked-why"), Branch: "refs/heads/locked-why", Locked: true, LockReason: "on usb\ndrive \"x\""},
		"gone":        {Path: s.Path("gone"), Branch: "refs/heads/gone", Prunable: true, PrunableReason: "gitdir file points to non-existent location"},
		"gone-locked": {Path: s.Path("gone-locked"), Branch: "refs/heads/gone-locked", Locked: true},
		"nodotgit":    {Path: s.Path("nodotgit"), Branch: "refs/heads/nodotgit"},
		"unborn":      {Path: s.Path("unborn"), Branch: "refs/heads/not-yet"},
		"packed":      {Path: s.Path("packed"), Branch: "refs/heads/packed"},
		"locked-bare": {Path: s.Path("locked-bare"), Branch: "refs/heads/locked-bare", Locked: true},
		"linked":      {Path: s.Path("linked"), Branch: "refs/heads/linked"},
		"dangling":    {Path: s.Path("dangling"), Branch: "refs/heads/dangling"},
	} {
		if got[name] != want {
			t.Errorf("%s: %+v, want %+v", name, got[name], want)
		}
	}
}

func TestFilesUnbornMainAndManyWorktrees(t *testing.T) {
	t.Parallel()
	s := newDiff(t)
	m := s.Path("empty")
	s.Git(s.Root, "init", "-q", m)
	s.agree(m)

	r := s.Repo("many")
	for i := range 60 {
		s.Git(r, "worktree", "add", "-q", "--detach", fmt.Sprintf("../many-%02d", i))
	}
	if ws := s.agree(r, s.Path("many-07")); len(ws) != 61 {
		t.Errorf("%d worktrees, want 61", len(ws))
	}
}

func TestFilesBare(t *testing.T) {
	t.Parallel()
	s := newDiff(t)
	src := s.Repo("src")
	b := s.Path("b.git")
	s.Git(s.Root, "clone", "-q", "--bare", src, b)
	s.Git(b, "worktree", "add", "-q", "../w-main", "main")
	s.Git(b, "worktree", "add", "-q", "--detach", "../w-det")
	s.agree(b, s.Path("w-main"), s.Path("w-det"))

	// Without core.bare, git's answer depends on where it runs: in the git directory
	// the main worktree is bare, in a linked worktree it is not.
	s.Git(b, "config", "--unset", "core.bare")
	if ws := s.agree(b, s.Path("w-det")); len(ws) == 0 || ws[0].Bare {
		t.Errorf("from a linked worktree with core.bare unset: %+v", ws)
	}
	if ws, _ := s.direct(b); len(ws) == 0 || !ws[0].Bare {
		t.Errorf("from the git directory with core.bare unset: %+v", ws)
	}
	// The same in a non-bare repository's .git.
	r := s.Repo("plain")
	s.Git(r, "worktree", "add", "-q", "../plain-b")
	s.Git(r, "config", "--unset", "core.bare")
	s.agree(r, filepath.Join(r, ".git"), s.Path("plain-b"))
	// A core.bare git cannot read is left to git.
	s.Git(r, "config", "core.bare", "maybe")
	s.fallsBack(s.Path("plain-b"), "core.bare")
}

func TestFilesSeparateGitDir(t *testing.T) {
	t.Parallel()
	s := newDiff(t)
	top, gitDir := s.Path("sep"), s.Path("sep.git")
	s.Git(s.Root, "init", "-q", "--separate-git-dir", gitDir, top)
	s.Git(top, "commit", "-q", "--allow-empty", "-m", "init")
	s.Git(top, "worktree", "add", "-q", s.Path("sep-b"))
	// No note yet: git's line stays.
	if ws := s.agree(gitDir, s.Path("sep-b")); ws[0].Path != gitDir {
		t.Errorf("main worktree %q, want git's %q", ws[0].Path, gitDir)
	}
	if err := RecordMain(top, gitDir); err != nil {
		t.Fatal(err)
	}
	if ws := s.agree(gitDir, top, s.Path("sep-b")); ws[0].Path != top || ws[0].ListedPath != gitDir {
		t.Errorf("main worktree %+v, want %q listed as %q", ws[0], top, gitDir)
	}
	// core.worktree by hand, relative to the git directory.
	s.Git(top, "config", "core.worktree", "../sep")
	s.agree(gitDir, top, s.Path("sep-b"))
}

func TestFilesSubmodule(t *testing.T) {
	t.Parallel()
	s := newDiff(t)
	lib := s.Repo("lib")
	super := s.Repo("super")
	s.Git(super, "-c", "protocol.file.allow=always", "submodule", "add", "-q", lib, "vendor/lib")
	sub := filepath.Join(super, "vendor", "lib")
	gitDir := filepath.Join(super, ".git", "modules", "vendor", "lib")
	s.agree(sub, gitDir)
	s.Git(sub, "worktree", "add", "-q", s.Path("lib-b"))
	s.Git(sub, "worktree", "add", "-q", "--detach", s.Path("lib c"))
	if ws := s.agree(sub, gitDir, s.Path("lib-b"), s.Path("lib c")); ws[0].Path != sub {
		t.Errorf("main worktree %q, want %q", ws[0].Path, sub)
	}
	// The superproject's own list is not disturbed by its submodule's.
	s.agree(super)
	// sparse-checkout turns on worktreeConfig and moves core.worktree to config.worktree.
	s.Git(sub, "sparse-checkout", "init", "--cone")
	s.agree(sub, gitDir, s.Path("lib-b"))
}

func TestFilesWorktreeConfig(t *testing.T) {
	t.Parallel()
	s := newDiff(t)
	m := s.Repo("main")
	s.Git(m, "worktree", "add", "-q", "../sparse")
	s.Git(s.Path("sparse"), "sparse-checkout", "init", "--cone")
	s.Git(s.Path("sparse"), "config", "--worktree", "worktree-ports.range", "30000-30999")
	s.agree(m, filepath.Join(m, ".git"), s.Path("sparse"))
	// core.bare in the main worktree's config.worktree: read only from there.
	s.Git(m, "config", "--worktree", "core.bare", "true")
	s.Git(m, "config", "--unset", "core.bare")
	s.agree(filepath.Join(m, ".git"), s.Path("sparse"))
}

func TestFilesMoved(t *testing.T) {
	t.Parallel()
	s := newDiff(t)
	m := s.Repo("main")
	s.Git(m, "worktree", "add", "-q", "../before")
	s.Git(m, "worktree", "add", "-q", "../by-hand")
	s.Git(m, "worktree", "move", "../before", "../after")
	if err := os.Rename(s.Path("by-hand"), s.Path("by-hand-moved")); err != nil {
		t.Fatal(err)
	}
	ws := s.agree(m, s.Path("after"))
	for _, w := range ws[1:] {
		if w.Name() == "by-hand" && !w.Prunable || w.Name() == "after" && w.Prunable {
			t.Errorf("%+v", w)
		}
	}
	// `git worktree repair` from the moved directory brings it back.
	s.Git(s.Path("by-hand-moved"), "worktree", "repair")
	s.agree(m, s.Path("by-hand-moved"))
}

func TestFilesOddPaths(t *testing.T) {
	t.Parallel()
	s := newDiff(t)
	m := s.Repo("main")
	names := []string{"sp ace", `q"uo'te`, "ünï©ødé 日本", "new\nline", "tab\there", `back\slash`, "trailing space "}
	var dirs []string
	for _, n := range names {
		s.Git(m, "worktree", "add", "-q", "--detach", filepath.Join("..", n))
		dirs = append(dirs, s.Path(n))
	}
	if ws := s.agree(append([]string{m}, dirs...)...); len(ws) != len(names)+1 {
		t.Errorf("%d worktrees: %+v", len(ws), ws)
	}
	// A repository at an odd path too.
	odd := s.Repo("odd\nrepo \"x\"")
	s.Git(odd, "worktree", "add", "-q", "--detach", "../odd b")
	s.agree(odd, s.Path("odd b"))
}

func TestFilesSHA256(t *testing.T) {
	t.Parallel()
	s := newDiff(t)
	m := s.Path("sha256")
	if _, code := s.Try(s.Root, "init", "-q", "--object-format=sha256", m); code != 0 {
		t.Skip("git cannot make a SHA-256 repository")
	}
	s.Git(m, "commit", "-q", "--allow-empty", "-m", "init")
	s.Git(m, "worktree", "add", "-q", "--detach", "../sha256-det")
	s.Git(m, "worktree", "add", "-q", "../sha256-b")
	s.agree(m, s.Path("sha256-det"))
}

// TestFilesFallsBack covers each precondition: where it does not hold, Files says why
// and leaves the answer to git.
// TestFilesCoreWorktreeOnlyFromTheRepository: git's setup takes core.worktree from the
// repository's own config alone, includes not followed. One in the global config (or
// included) used to move the main worktree in Files and in PlaceMain,
// so a linked worktree, and every other repository, lost sight of its reservation.
func TestFilesCoreWorktreeOnlyFromTheRepository(t *testing.T) {
	t.Parallel()
	s := newDiff(t)
	m := s.Repo("main")
	s.Git(m, "worktree", "add", "-q", "../b")
	elsewhere := s.Path("elsewhere")
	if err := os.Mkdir(elsewhere, 0o755); err != nil {
		t.Fatal(err)
	}
	s.Git(m, "config", "--global", "core.worktree", elsewhere)
	// A key named worktree in the repository's file makes PlaceMain ask git config.
	s.Git(m, "config", "foo.worktree", "x")
	s.Write(s.Path("inc.config"), "[core]\n\tworktree = "+elsewhere+"\n")
	s.Git(m, "config", "include.path", s.Path("inc.config"))
	for _, dir := range []string{m, s.Path("b")} {
		if got := s.worktrees(dir)[0].Path; got != m {
			t.Errorf("from %s: git's list corrected to %q, want %q", dir, got, m)
		}
	}
	s.Git(m, "config", "--unset", "include.path")
	s.agree(m, s.Path("b"))
	got, err := Files{Loc: gitwt.Location{CommonDir: filepath.Join(m, ".git")}, Env: s.Env}.Worktrees()
	if err != nil || got[0].Path != m {
		t.Errorf("from the common directory: %+v, %v; want the main worktree at %s", got, err, m)
	}
	s.answers(m, s.Path("b"))
}

func TestFilesFallsBack(t *testing.T) {
	t.Parallel()
	s := newDiff(t)
	m := s.Repo("main")
	s.Git(m, "worktree", "add", "-q", "../b")
	adm := filepath.Join(m, ".git", "worktrees", "b")
	s.agree(m)

	env := func(kv ...string) {
		t.Helper()
		_, err := Files{Loc: gitwt.Location{CommonDir: filepath.Join(m, ".git")}, Env: append(s.Env[:len(s.Env):len(s.Env)], kv...)}.Worktrees()
		if !errors.Is(err, ErrUseGit) || !strings.Contains(err.Error(), strings.Split(kv[0], "=")[0]) {
			t.Errorf("with %q: %v, want a fallback naming it", kv, err)
		}
	}
	env("GIT_DIR=" + filepath.Join(m, ".git"))
	env("GIT_WORK_TREE=" + m)
	env("GIT_COMMON_DIR=" + filepath.Join(m, ".git"))
	env("GIT_CONFIG_PARAMETERS='core.bare'='true'")
	env("GIT_CONFIG_COUNT=1", "GIT_CONFIG_KEY_0=core.bare", "GIT_CONFIG_VALUE_0=true")
	env("GIT_CONFIG=/dev/null")
	env("GIT_CONFIG_NOSYSTEM=perhaps")

	step := func(why string, change, undo func()) {
		t.Helper()
		change()
		s.fallsBack(m, why)
		undo()
		s.agree(m)
	}
	cfg := func(args ...string) func() {
		// -f: git refuses to run at all in some of these states.
		return func() { s.Git(m, append([]string{"config", "-f", filepath.Join(m, ".git", "config")}, args...)...) }
	}
	save := func(path string) func() {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return func() {
			if err := os.RemoveAll(path); err != nil {
				t.Fatal(err)
			}
			s.Write(path, string(data))
		}
	}
	write := func(path, content string) func() { return func() { s.Write(path, content) } }

	step("relativeWorktrees", cfg("extensions.relativeWorktrees", "true"), cfg("--unset", "extensions.relativeWorktrees"))
	step("repositoryformatversion", cfg("core.repositoryformatversion", "2"), cfg("core.repositoryformatversion", "0"))
	step("includes", cfg("include.path", s.Path("extra.config")), cfg("--unset", "include.path"))
	step("includes", cfg("includeIf.gitdir:/x/.path", s.Path("extra.config")), cfg("--remove-section", "includeIf.gitdir:/x/"))
	step("safe.bareRepository", cfg("safe.bareRepository", "all"), cfg("--unset", "safe.bareRepository"))
	step("objectFormat in a version 0", cfg("extensions.objectFormat", "sha1"), cfg("--unset", "extensions.objectFormat"))
	step("refStorage", func() {
		cfg("core.repositoryformatversion", "1")()
		cfg("extensions.refStorage", "reftable")()
	}, cfg("--unset", "extensions.refStorage"))
	// Config git refuses, where it dies (or, for partialClone with no value, crashes):
	// Files and Locate must not read it.
	for _, c := range []struct{ add, why string }{
		{"[core]\n\tbare = 99999999999999999999\n", "core.bare"},
		{"[core]\n\tbare = 2147483648\n", "core.bare"},
		{"[core]\n\tignoreCase = 4294967296\n", "core.ignorecase"},
		{"[core]\n\trepositoryformatversion = 1\n[extensions]\n\tobjectFormat = SHA1\n", "objectFormat"},
		{"[core]\n\trepositoryformatversion = 1\n[extensions]\n\tobjectFormat\n", "objectFormat"},
		{"[core]\n\trepositoryformatversion = 1\n[extensions]\n\trefStorage = files\n", "refStorage"},
		{"[core]\n\trepositoryformatversion = 1\n[extensions]\n\trefStorage = bogus\n", "refStorage"},
		{"[extensions]\n\tpartialClone\n", "partialClone"},
		{"[extensions]\n\tpreciousObjects = 4294967296\n", "preciousObjects"},
		{"[extensions]\n\tworktreeConfig = 2147483648\n", "worktreeConfig"},
	} {
		config := filepath.Join(m, ".git", "config")
		restore := save(config)
		s.Write(config, readFile(t, config)+c.add)
		// git 2.45 and newer read refStorage = files; 2.39 refuses it.
		if out, code := s.Try(m, "rev-parse", "--show-toplevel"); code == 0 && !strings.Contains(c.add, "refStorage = files") {
			t.Errorf("with %q git reads the repository (%q): the case is no test", c.add, out)
		}
		s.fallsBack(m, c.why)
		if c.why != "core.ignorecase" { // not read by Locate: see DESIGN.md, "Not checked"
			s.leaves(m, c.why)
			s.leaves(s.Path("b"), c.why)
		}
		restore()
	}
	s.agree(m, s.Path("b"))
	step("is not an absolute path", write(filepath.Join(adm, "gitdir"), "../../../../b/.git\n"), save(filepath.Join(adm, "gitdir")))
	step("commondir", write(filepath.Join(adm, "commondir"), ""), save(filepath.Join(adm, "commondir")))
	step("commondir", func() { os.Remove(filepath.Join(adm, "commondir")) }, save(filepath.Join(adm, "commondir")))
	step("commondir", write(filepath.Join(adm, "commondir"), s.Path("b")+"\n"), save(filepath.Join(adm, "commondir")))
	step("HEAD", func() { os.Remove(filepath.Join(adm, "HEAD")) }, save(filepath.Join(adm, "HEAD")))
	step("HEAD", write(filepath.Join(adm, "HEAD"), "garbage\n"), save(filepath.Join(adm, "HEAD")))
	step("HEAD", write(filepath.Join(adm, "HEAD"), "ref: refs/heads/a..b\n"), save(filepath.Join(adm, "HEAD")))
	step("HEAD", write(filepath.Join(adm, "HEAD"), "ref: refs/bisect/x\n"), save(filepath.Join(adm, "HEAD")))
	step("refs/heads/b", write(filepath.Join(m, ".git", "refs", "heads", "b"), "ref: refs/heads/main\n"), save(filepath.Join(m, ".git", "refs", "heads", "b")))
	step("refs/heads/b", write(filepath.Join(m, ".git", "refs", "heads", "b"), "not an id\n"), save(filepath.Join(m, ".git", "refs", "heads", "b")))
	step("locked", func() {
		if err := os.Mkdir(filepath.Join(adm, "locked"), 0o755); err != nil {
			t.Fatal(err)
		}
	}, func() { os.Remove(filepath.Join(adm, "locked")) })
	step("locked", func() {
		if err := os.Symlink(s.Path("missing"), filepath.Join(adm, "locked")); err != nil {
			t.Fatal(err)
		}
	}, func() { os.Remove(filepath.Join(adm, "locked")) })
	step("symlink", func() {
		if err := os.Symlink(adm, filepath.Join(m, ".git", "worktrees", "link")); err != nil {
			t.Fatal(err)
		}
	}, func() { os.Remove(filepath.Join(m, ".git", "worktrees", "link")) })
}

// TestFilesRunsNoGit proves the answer comes from the files: with no git on PATH and
// the system config out of the way, Files still reads the repository.
func TestFilesRunsNoGit(t *testing.T) {
	t.Parallel()
	s := newDiff(t)
	m := s.Repo("main")
	s.Git(m, "worktree", "add", "-q", "../b")
	want := withoutHeads(s.worktrees(m))
	env := append(s.Env[:len(s.Env):len(s.Env)], "PATH="+s.Path("no-bin"))
	got, err := Files{Loc: gitwt.Location{CommonDir: filepath.Join(m, ".git")}, Env: env}.Worktrees()
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("without git: %+v, %v; want %+v", got, err, want)
	}
	// Without GIT_CONFIG_NOSYSTEM the system config is needed, and where it is depends
	// on the git on PATH.
	var noSys []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, "GIT_CONFIG_NOSYSTEM=") {
			noSys = append(noSys, kv)
		}
	}
	if _, err := (Files{Loc: gitwt.Location{CommonDir: filepath.Join(m, ".git")}, Env: noSys}).Worktrees(); !errors.Is(err, ErrUseGit) {
		t.Errorf("no git on PATH and the system config needed: %v, want a fallback", err)
	}
}

// TestFilesNotOwned: git refuses a repository another user owns, unless safe.directory
// allows it; Files never reads one, so git decides.
func TestFilesNotOwned(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("needs root to give a repository to another user")
	}
	s := newDiff(t)
	m := s.Repo("theirs")
	s.Git(m, "worktree", "add", "-q", "../theirs-b")
	s.agree(m)
	if err := os.Chown(filepath.Join(m, ".git"), 4242, 4242); err != nil {
		t.Fatal(err)
	}
	common := filepath.Join(m, ".git")
	if _, err := (Files{Loc: gitwt.Location{CommonDir: common}, Env: s.Env}).Worktrees(); !errors.Is(err, ErrUseGit) || !strings.Contains(err.Error(), "owned by uid 4242") {
		t.Errorf("repository owned by another user: %v, want a fallback", err)
	}
	if _, code := s.Try(common, "worktree", "list"); code == 0 {
		t.Error("git itself read a repository owned by another user; this test proves nothing")
	}
	if _, err := (Files{Loc: gitwt.Location{CommonDir: common}, Env: append(s.Env[:len(s.Env):len(s.Env)], "SUDO_UID=4242")}).Worktrees(); !errors.Is(err, ErrUseGit) {
		t.Errorf("under sudo: %v, want a fallback", err)
	}
}

// TestFilesWhileWorktreesComeAndGo reads while other processes add and remove
// worktrees. Each answer Files gives must be what git lists around it: the worktrees
// that exist throughout exactly as git lists them before and after, and one being added
// or removed only in a form git itself shows on the way (locked "initializing" while
// `git worktree add` runs, prunable once `git worktree remove` has deleted its
// directory). Files never reports a half-made entry as complete: an entry without its
// HEAD or commondir yet falls back.
func TestFilesWhileWorktreesComeAndGo(t *testing.T) {
	t.Parallel()
	s := newDiff(t)
	m := s.Repo("main")
	for i := range 5 {
		s.Git(m, "worktree", "add", "-q", fmt.Sprintf("../stable-%d", i))
	}
	s.Git(m, "worktree", "lock", "--reason", "kept", "../stable-0")
	common := filepath.Join(m, ".git")
	churn := map[string]bool{}
	const workers, rounds = 2, 25
	for w := range workers {
		for r := range rounds {
			churn[s.Path(fmt.Sprintf("churn-%d-%d", w, r))] = true
		}
	}

	done := make(chan error, workers)
	for w := range workers {
		go func() {
			for r := range rounds {
				dir := s.Path(fmt.Sprintf("churn-%d-%d", w, r))
				for _, args := range [][]string{{"worktree", "add", "-q", "--detach", dir}, {"worktree", "remove", "--force", dir}} {
					// git itself dies now and then on the other worker's half-made entry
					// (see gitwt.LostRace); like gitwt.Git.Worktrees, try again.
					var err error
					for try := 0; try < 20; try++ {
						cmd := exec.Command("git", args...)
						cmd.Dir, cmd.Env = m, s.Env
						var out []byte
						if out, err = cmd.CombinedOutput(); err == nil {
							break
						}
						if !gitwt.LostRace(strings.TrimSpace(string(out))) {
							err = fmt.Errorf("git %q: %v: %s", args, err, out)
							break
						}
					}
					if err != nil {
						done <- err
						return
					}
				}
			}
			done <- nil
		}()
	}

	ctx := context.Background()
	g := gitwt.Git{Dir: common, Env: s.Env}
	// list is git's own answer, or nil when git lost its own race with the workers more
	// often than Git.Worktrees retries (it can, on a loaded machine): that round then
	// compares nothing, since there is no oracle to compare with.
	list := func() map[string]gitwt.Worktree {
		ws, err := ListWorktrees(ctx, g)
		if err != nil {
			if gitwt.LostRace(err.Error()) {
				return nil
			}
			t.Fatalf("git: %v", err)
		}
		out := map[string]gitwt.Worktree{}
		for _, w := range withoutHeads(ws) {
			out[w.Path] = w
		}
		return out
	}
	answered, fellBack, transitional, gitRaced := 0, 0, 0, 0
	for finished := 0; finished < workers; {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			finished++
			continue
		default:
		}
		before := list()
		got, err := Files{Loc: gitwt.Location{CommonDir: common}, Env: s.Env}.Worktrees()
		after := list()
		if before == nil || after == nil {
			gitRaced++
			continue
		}
		if err != nil {
			if !errors.Is(err, ErrUseGit) {
				t.Fatalf("Files: %v", err)
			}
			fellBack++
			continue
		}
		answered++
		seen := map[string]bool{}
		for i, w := range got {
			seen[w.Path] = true
			if i == 0 || !churn[w.Path] {
				if w != before[w.Path] || w != after[w.Path] {
					t.Errorf("stable %q: Files %+v, git before %+v, after %+v", w.Path, w, before[w.Path], after[w.Path])
				}
				continue
			}
			complete := gitwt.Worktree{Path: w.Path, Detached: true}
			initializing := gitwt.Worktree{Path: w.Path, Detached: true, Locked: true, LockReason: "initializing"}
			removing := gitwt.Worktree{Path: w.Path, Detached: true, Prunable: true, PrunableReason: "gitdir file points to non-existent location"}
			switch w {
			case complete:
			case initializing, removing:
				transitional++
			default:
				t.Errorf("worktree being added or removed read as %+v", w)
			}
		}
		for p := range before {
			if !churn[p] && !seen[p] {
				t.Errorf("stable worktree %q missing from %+v", p, got)
			}
		}
	}
	t.Logf("%d answers (%d worktrees on their way in or out), %d fallbacks, %d rounds where git's own listing lost its race", answered, transitional, fellBack, gitRaced)
	if answered < 10 {
		t.Errorf("only %d answers: the test proves little", answered)
	}
	s.agree(m)
}

// BenchmarkWorktrees compares Files with the porcelain, from the common directory, at
// 100 worktrees: go test -run '^$' -bench Worktrees ./internal/gitwt/
func BenchmarkWorktrees(b *testing.B) {
	if _, err := exec.LookPath("git"); err != nil {
		b.Skip("git not installed")
	}
	dir := b.TempDir()
	env := append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir, "GIT_AUTHOR_NAME=B", "GIT_AUTHOR_EMAIL=b@example.com",
		"GIT_COMMITTER_NAME=B", "GIT_COMMITTER_EMAIL=b@example.com")
	m := filepath.Join(dir, "main")
	git := func(args ...string) {
		cmd := exec.Command("git", args...)
		cmd.Dir, cmd.Env = dir, env
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("git %q: %v\n%s", args, err, out)
		}
	}
	git("init", "-q", m)
	git("-C", m, "commit", "-q", "--allow-empty", "-m", "init")
	for i := range 100 {
		git("-C", m, "worktree", "add", "-q", fmt.Sprintf("../w%03d", i))
	}
	common := filepath.Join(m, ".git")
	b.Run("Files", func(b *testing.B) {
		for b.Loop() {
			if _, err := (Files{Loc: gitwt.Location{CommonDir: common}, Env: env}).Worktrees(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("git", func(b *testing.B) {
		for b.Loop() {
			if _, err := ListWorktrees(context.Background(), gitwt.Git{Dir: common, Env: env}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("FilesConfig", func(b *testing.B) {
		for b.Loop() {
			if _, err := (Files{Loc: gitwt.Location{CommonDir: common}, Env: env}).Config(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("gitConfig", func(b *testing.B) {
		for b.Loop() {
			if _, err := (gitwt.Git{Dir: common, Env: env}).Config(context.Background(), `^(worktree-ports\.|remote\.origin\.url$)`); err != nil {
				b.Fatal(err)
			}
		}
	})
}
