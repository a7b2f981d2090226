package gitwt

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/git-worktree-ports/git-worktree-ports/internal/gittest"
)

// sandbox is gittest's isolated git, with the helpers this package's tests share.
type sandbox struct {
	*gittest.Sandbox
	t    *testing.T
	root string
	env  []string
}

func newSandbox(t *testing.T) *sandbox {
	t.Helper()
	gs := gittest.New(t)
	return &sandbox{Sandbox: gs, t: t, root: gs.Root, env: gs.Env}
}

func (s *sandbox) path(elem ...string) string { return s.Path(elem...) }

func (s *sandbox) g(dir string) Git { return Git{Dir: dir, Env: s.env} }

// try runs git directly (not through Git) and returns stdout and exit code.
func (s *sandbox) try(dir string, args ...string) (string, int) { return s.Try(dir, args...) }

// run runs git directly and fails the test unless it succeeds.
func (s *sandbox) run(dir string, args ...string) string { return s.Git(dir, args...) }

func (s *sandbox) write(path, content string) { s.Write(path, content) }

// repo creates a non-bare repository with one commit, of a file README, and returns its
// path.
func (s *sandbox) repo(name string) string {
	s.t.Helper()
	dir := s.path(name)
	s.run(s.root, "init", "-q", dir)
	s.write(filepath.Join(dir, "README"), "hello\n")
	s.run(dir, "add", "README")
	s.run(dir, "commit", "-q", "-m", "initial")
	return dir
}

func trimNL(s string) string { return strings.TrimSuffix(s, "\n") }

// worktrees lists from dir and sorts the linked worktrees by path, since
// git lists them in directory order, which depends on the file system.
func (s *sandbox) worktrees(dir string) []Worktree {
	s.t.Helper()
	ws, err := s.g(dir).Worktrees(context.Background())
	if err != nil {
		s.t.Fatalf("Worktrees(%s): %v", dir, err)
	}
	if len(ws) > 1 {
		slices.SortFunc(ws[1:], func(a, b Worktree) int { return strings.Compare(a.Path, b.Path) })
	}
	return ws
}

// checkAgainstGit compares ws, listed from dir, with facts obtained from git
// separately: the admin directories under the common dir, each worktree's
// own HEAD, the non -z porcelain and the human-readable list.
func (s *sandbox) checkAgainstGit(dir string, ws []Worktree) {
	t := s.t
	t.Helper()
	if len(ws) == 0 {
		t.Fatal("no worktrees")
	}
	common := trimNL(s.run(dir, "rev-parse", "--path-format=absolute", "--git-common-dir"))

	// Git records each linked worktree in worktrees/<id>/gitdir as the path
	// of its .git file; the first record is always the main worktree.
	admin := map[string]string{}
	ents, _ := os.ReadDir(filepath.Join(common, "worktrees"))
	for _, e := range ents {
		adm := filepath.Join(common, "worktrees", e.Name())
		b, err := os.ReadFile(filepath.Join(adm, "gitdir"))
		if err != nil {
			t.Fatal(err)
		}
		admin[strings.TrimSuffix(strings.TrimRight(string(b), "\n"), "/.git")] = adm
	}
	if len(ws) != len(admin)+1 {
		t.Errorf("got %d worktrees, git has %d linked ones plus the main one: %+v", len(ws), len(admin), ws)
	}
	for i, w := range ws {
		if i == 0 {
			if w.Locked || w.Prunable {
				t.Errorf("main worktree %q locked or prunable", w.Path)
			}
		} else {
			adm, ok := admin[w.Path]
			if !ok {
				t.Errorf("worktree %q has no admin dir; git has %v", w.Path, admin)
				continue
			}
			lock, err := os.ReadFile(filepath.Join(adm, "locked"))
			if w.Locked != (err == nil) {
				t.Errorf("%q: Locked = %v, lock file err %v", w.Path, w.Locked, err)
			}
			// Git trims the lock file when it reports the reason.
			if want := strings.TrimSpace(string(lock)); w.LockReason != want {
				t.Errorf("%q: LockReason = %q, lock file says %q", w.Path, w.LockReason, want)
			}
			if w.Bare {
				t.Errorf("linked worktree %q reported bare", w.Path)
			}
		}
		if w.Prunable {
			if _, err := os.Stat(w.Path); err == nil && filepath.IsAbs(w.Path) {
				t.Errorf("%q is prunable but exists", w.Path)
			}
			continue
		}
		if w.Bare {
			if got := trimNL(s.run(w.Path, "rev-parse", "--is-bare-repository")); got != "true" {
				t.Errorf("%q: Bare but rev-parse says %s", w.Path, got)
			}
			if w.Head != "" || w.Branch != "" || w.Detached {
				t.Errorf("bare %q has HEAD state %+v", w.Path, w)
			}
			continue
		}
		if got := trimNL(s.run(w.Path, "rev-parse", "--show-toplevel")); got != w.Path {
			t.Errorf("Path %q, but its toplevel is %q", w.Path, got)
		}
		head, code := s.try(w.Path, "rev-parse", "-q", "--verify", "HEAD")
		if code != 0 {
			head = strings.Repeat("0", len(w.Head)) // unborn
		}
		if trimNL(head) != w.Head {
			t.Errorf("%q: Head %q, git says %q", w.Path, w.Head, head)
		}
		ref, code := s.try(w.Path, "symbolic-ref", "-q", "HEAD")
		if trimNL(ref) != w.Branch || w.Detached != (code == 1) {
			t.Errorf("%q: Branch %q Detached %v, symbolic-ref says %q (exit %d)", w.Path, w.Branch, w.Detached, ref, code)
		}
	}

	if strings.ContainsAny(strings.Join(pathsOf(ws), ""), "\n") {
		return // the line-based formats below cannot express these paths
	}
	lp := parsePorcelainLines(t, s.run(dir, "worktree", "list", "--porcelain"))
	slices.SortFunc(lp[1:], func(a, b Worktree) int { return strings.Compare(a.Path, b.Path) })
	if !reflect.DeepEqual(lp, ws) {
		t.Errorf("-z parse differs from the line porcelain:\n%+v\n%+v", ws, lp)
	}
	lines := strings.Split(trimNL(s.run(dir, "worktree", "list")), "\n")
	if len(lines) != len(ws) {
		t.Fatalf("git worktree list has %d lines, we have %d worktrees", len(lines), len(ws))
	}
	for _, line := range lines {
		// The longest matching path wins, so "a b" is not taken for "a".
		var w Worktree
		for _, c := range ws {
			if strings.HasPrefix(line, c.Path+" ") && len(c.Path) > len(w.Path) {
				w = c
			}
		}
		if w.Path == "" {
			t.Errorf("line %q names none of %q", line, pathsOf(ws))
			continue
		}
		rest := line[len(w.Path):]
		f := " " + strings.Join(strings.Fields(rest), " ") + " "
		check := func(what string, want bool) {
			if strings.Contains(f, what) != want {
				t.Errorf("%q: %q in %q is %v, we say %v", w.Path, what, line, !want, want)
			}
		}
		check(" (bare) ", w.Bare)
		check(" (detached HEAD) ", w.Detached)
		check(" locked ", w.Locked)
		check(" prunable ", w.Prunable)
		if w.Branch != "" {
			check(" ["+w.ShortBranch()+"] ", true)
		}
		if w.Head != "" && !strings.HasPrefix(strings.TrimSpace(f), w.Head[:7]) {
			t.Errorf("%q: line %q does not start with HEAD %s", w.Path, line, w.Head[:7])
		}
	}
}

func pathsOf(ws []Worktree) []string {
	var ps []string
	for _, w := range ws {
		ps = append(ps, w.Path)
	}
	return ps
}

// parsePorcelainLines reads `git worktree list --porcelain` without -z,
// where git C-quotes reasons that need it; Go's unquoting reads git's
// escapes.
func parsePorcelainLines(t *testing.T, out string) []Worktree {
	t.Helper()
	unq := func(s string) string {
		if strings.HasPrefix(s, `"`) {
			u, err := strconv.Unquote(s)
			if err != nil {
				t.Fatalf("unquote %s: %v", s, err)
			}
			return u
		}
		return s
	}
	var ws []Worktree
	for _, rec := range strings.Split(strings.TrimSpace(out), "\n\n") {
		var w Worktree
		for _, line := range strings.Split(rec, "\n") {
			k, v, _ := strings.Cut(line, " ")
			switch k {
			case "worktree":
				w.Path = unq(v)
			case "HEAD":
				w.Head = v
			case "branch":
				w.Branch = v
			case "bare":
				w.Bare = true
			case "detached":
				w.Detached = true
			case "locked":
				w.Locked, w.LockReason = true, unq(v)
			case "prunable":
				w.Prunable, w.PrunableReason = true, unq(v)
			}
		}
		ws = append(ws, w)
	}
	return ws
}

func TestWorktreesMainLinkedDetachedLockedPrunable(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	m := s.repo("main")
	s.run(m, "worktree", "add", "-q", "../linked")
	s.run(m, "worktree", "add", "-q", "--detach", "../detached")
	s.run(m, "worktree", "add", "-q", "../locked-why")
	s.run(m, "worktree", "lock", "--reason", "on usb\ndrive \"x\"", "../locked-why")
	s.run(m, "worktree", "add", "-q", "../locked-bare")
	s.run(m, "worktree", "lock", "../locked-bare")
	s.run(m, "worktree", "add", "-q", "../gone")
	if err := os.RemoveAll(s.path("gone")); err != nil {
		t.Fatal(err)
	}
	head := trimNL(s.run(m, "rev-parse", "HEAD"))

	for _, from := range []string{m, s.path("linked"), s.path("main", ".git")} {
		ws := s.worktrees(from)
		s.checkAgainstGit(m, ws)
		want := []Worktree{
			{Path: m, Head: head, Branch: "refs/heads/main"},
			{Path: s.path("detached"), Head: head, Detached: true},
			{Path: s.path("gone"), Head: head, Branch: "refs/heads/gone", Prunable: true, PrunableReason: "gitdir file points to non-existent location"},
			{Path: s.path("linked"), Head: head, Branch: "refs/heads/linked"},
			{Path: s.path("locked-bare"), Head: head, Branch: "refs/heads/locked-bare", Locked: true},
			{Path: s.path("locked-why"), Head: head, Branch: "refs/heads/locked-why", Locked: true, LockReason: "on usb\ndrive \"x\""},
		}
		if !reflect.DeepEqual(ws, want) {
			t.Errorf("from %s:\n got %+v\nwant %+v", from, ws, want)
		}
	}
}

func TestWorktreesUnbornMain(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	m := s.path("empty")
	s.run(s.root, "init", "-q", m)
	ws := s.worktrees(m)
	s.checkAgainstGit(m, ws)
	if len(ws) != 1 || ws[0].Branch != "refs/heads/main" || strings.Trim(ws[0].Head, "0") != "" {
		t.Errorf("unborn main: %+v", ws)
	}
}

func TestWorktreesBareMain(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	src := s.repo("src")
	b := s.path("b.git")
	s.run(s.root, "clone", "-q", "--bare", src, b)
	s.run(b, "worktree", "add", "-q", "../w-main", "main")
	s.run(b, "worktree", "add", "-q", "--detach", "../w-det")
	head := trimNL(s.run(b, "rev-parse", "HEAD"))

	for _, from := range []string{b, s.path("w-det")} {
		ws := s.worktrees(from)
		s.checkAgainstGit(b, ws)
		want := []Worktree{
			{Path: b, Bare: true},
			{Path: s.path("w-det"), Head: head, Detached: true},
			{Path: s.path("w-main"), Head: head, Branch: "refs/heads/main"},
		}
		if !reflect.DeepEqual(ws, want) {
			t.Errorf("from %s:\n got %+v\nwant %+v", from, ws, want)
		}
		if ws[0].ShortBranch() != "" || ws[0].Name() != "b.git" {
			t.Errorf("bare main: ShortBranch %q Name %q", ws[0].ShortBranch(), ws[0].Name())
		}
	}
}

func TestWorktreesOddPaths(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	m := s.repo("main")
	names := []string{"sp ace", `q"uo'te`, "ünï©ødé 日本", "new\nline", "tab\there", `back\slash`}
	for _, n := range names {
		s.run(m, "worktree", "add", "-q", "--detach", filepath.Join("..", n))
	}
	ws := s.worktrees(m)
	s.checkAgainstGit(m, ws)
	got := map[string]bool{}
	for _, w := range ws[1:] {
		got[w.Name()] = true
		if !w.Detached || w.Path != s.path(w.Name()) {
			t.Errorf("odd worktree %+v", w)
		}
	}
	for _, n := range names {
		if !got[n] {
			t.Errorf("worktree %q missing from %q", n, pathsOf(ws))
		}
	}

	// Locate must cope with the newline that rev-parse prints unquoted.
	nl := s.path("new\nline")
	loc, err := s.g(filepath.Join(nl)).Locate(context.Background())
	if err != nil || loc.Toplevel != nl || loc.CommonDir != filepath.Join(m, ".git") {
		t.Errorf("Locate(%q) = %+v, %v", nl, loc, err)
	}
}

func TestWorktreesWorktreeConfig(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	m := s.repo("main")
	s.run(m, "worktree", "add", "-q", "../sparse")
	s.run(m, "config", "core.repositoryformatversion", "1")
	s.run(m, "config", "extensions.worktreeConfig", "true")
	// sparse-checkout is the common way users end up with worktreeConfig.
	s.run(s.path("sparse"), "sparse-checkout", "init", "--cone")
	s.run(s.path("sparse"), "config", "--worktree", "worktree-ports.range", "30000-30999")

	ws := s.worktrees(s.path("sparse"))
	s.checkAgainstGit(m, ws)
	if len(ws) != 2 || ws[1].Path != s.path("sparse") {
		t.Errorf("Worktrees = %+v", ws)
	}
	ctx := context.Background()
	loc, err := s.g(s.path("sparse")).Locate(ctx)
	if err != nil || loc.Toplevel != s.path("sparse") {
		t.Errorf("Locate = %+v, %v", loc, err)
	}
	got, err := s.g(s.path("sparse")).Config(ctx, `^worktree-ports\.`)
	if want := []ConfigEntry{{"worktree-ports.range", "30000-30999"}}; err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("Config in sparse = %q, %v; want %q", got, err, want)
	}
	if got, err := s.g(m).Config(ctx, `^worktree-ports\.`); err != nil || got != nil {
		t.Errorf("Config in main = %q, %v; want none", got, err)
	}
}

// TestWorktreesRelativeLinksByHand writes the relative links that git 2.48's
// --relative-paths would, on any git: we must report whatever git reports.
func TestWorktreesRelativeLinksByHand(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	m := s.repo("main")
	s.run(m, "worktree", "add", "-q", "../rel")
	// Git 2.48 resolves worktrees/<id>/gitdir relative to that directory.
	s.write(s.path("rel", ".git"), "gitdir: ../main/.git/worktrees/rel\n")
	s.write(s.path("main", ".git", "worktrees", "rel", "gitdir"), "../../../../rel/.git\n")

	for _, from := range []string{m, s.path("rel")} {
		ws := s.worktrees(from)
		s.checkAgainstGit(m, ws)
		if len(ws) != 2 || ws[1].Branch != "refs/heads/rel" {
			t.Errorf("from %s: %+v", from, ws)
		}
	}
	loc, err := s.g(s.path("rel")).Locate(context.Background())
	if err != nil || loc.Toplevel != s.path("rel") || loc.GitDir != s.path("main", ".git", "worktrees", "rel") {
		t.Errorf("Locate in relative worktree = %+v, %v", loc, err)
	}
}

func TestWorktreesRelativePaths(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	major, minor, err := s.g(s.root).Version(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if major < 2 || major == 2 && minor < 48 {
		t.Skipf("git %d.%d cannot create relative worktree links (--relative-paths arrived in git 2.48)", major, minor)
	}
	m := s.repo("main")
	s.run(m, "worktree", "add", "-q", "--relative-paths", "../rel")
	ws := s.worktrees(m)
	s.checkAgainstGit(m, ws)
	if len(ws) != 2 || ws[1].Path != s.path("rel") || ws[1].Prunable {
		t.Errorf("Worktrees = %+v", ws)
	}
}

func TestLocate(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	m := s.repo("main")
	s.run(m, "worktree", "add", "-q", "../linked")
	b := s.path("b.git")
	s.run(s.root, "clone", "-q", "--bare", m, b)
	if err := os.MkdirAll(s.path("main", "sub", "dir"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(s.path("nope"), 0o755); err != nil {
		t.Fatal(err)
	}
	gd := s.path("main", ".git")
	tests := []struct {
		dir  string
		want Location
	}{
		{m, Location{Toplevel: m, GitDir: gd, CommonDir: gd}},
		{s.path("main", "sub", "dir"), Location{Toplevel: m, GitDir: gd, CommonDir: gd}},
		{s.path("linked"), Location{Toplevel: s.path("linked"), GitDir: filepath.Join(gd, "worktrees", "linked"), CommonDir: gd}},
		{gd, Location{GitDir: gd, CommonDir: gd}},
		{b, Location{GitDir: b, CommonDir: b, Bare: true}},
		{filepath.Join(b, "refs"), Location{GitDir: b, CommonDir: b, Bare: true}},
	}
	for _, tt := range tests {
		got, err := s.g(tt.dir).Locate(context.Background())
		if err != nil || got != tt.want {
			t.Errorf("Locate(%s) = %+v, %v; want %+v", tt.dir, got, err, tt.want)
		}
	}

	_, err := s.g(s.path("nope")).Locate(context.Background())
	if !errors.Is(err, ErrNotRepository) || !strings.HasPrefix(err.Error(), "git rev-parse: fatal: not a git repository") {
		t.Errorf("Locate outside a repository = %v; want ErrNotRepository with git's message", err)
	}
	_, err = s.g(s.path("nope")).Worktrees(context.Background())
	if !errors.Is(err, ErrNotRepository) || !strings.HasPrefix(err.Error(), "git worktree list: fatal: not a git repository") {
		t.Errorf("Worktrees outside a repository = %v", err)
	}
	_, err = s.g(s.path("missing-dir")).Locate(context.Background())
	if err == nil || errors.Is(err, ErrNotRepository) {
		t.Errorf("Locate in a missing directory = %v; want a plain error", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.g(m).Locate(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Locate with a cancelled context = %v", err)
	}
}

func TestConfig(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	m := s.repo("main")
	s.run(m, "config", "worktree-ports.range", "21000-21999")
	s.run(m, "config", "remote.origin.url", "git@github.com:Acme/API.git")
	s.run(m, "config", "remote.origin.fetch", "+refs/heads/*:refs/remotes/origin/*")
	s.run(m, "config", "--add", "worktree-ports.avoid", "8080")
	s.run(m, "config", "--add", "worktree-ports.avoid", "line1\nline2")
	cfg := filepath.Join(m, ".git", "config")
	b, _ := os.ReadFile(cfg)
	s.write(cfg, string(b)+"[worktree-ports]\n\tverbose\n")

	ctx := context.Background()
	got, err := s.g(m).Config(ctx, `^(worktree-ports\.|remote\.origin\.url$)`)
	want := []ConfigEntry{
		// git config appends to the existing section, so file order is this.
		{"worktree-ports.range", "21000-21999"},
		{"worktree-ports.avoid", "8080"},
		{"worktree-ports.avoid", "line1\nline2"},
		{"remote.origin.url", "git@github.com:Acme/API.git"},
		{"worktree-ports.verbose", ""},
	}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("Config = %q, %v\nwant %q", got, err, want)
	}
	if got, err := s.g(m).Config(ctx, `^nothing\.`); err != nil || got != nil {
		t.Errorf("Config with no match = %q, %v", got, err)
	}
	if _, err := s.g(m).Config(ctx, `(`); err == nil || !strings.HasPrefix(err.Error(), "git config: ") {
		t.Errorf("Config with a bad regexp = %v", err)
	}
}

func TestHooksDir(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	m := s.repo("main")
	s.run(m, "worktree", "add", "-q", "../linked")
	if err := os.Mkdir(s.path("main", "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	check := func(dir, want string) {
		t.Helper()
		if got, err := s.g(dir).HooksDir(ctx); err != nil || got != want {
			t.Errorf("HooksDir(%s) = %q, %v; want %q", dir, got, err, want)
		}
	}
	check(m, s.path("main", ".git", "hooks"))
	check(s.path("linked"), s.path("main", ".git", "hooks"))

	s.run(m, "config", "core.hooksPath", ".husky/_")
	check(m, s.path("main", ".husky", "_"))
	check(s.path("main", "sub"), s.path("main", ".husky", "_"))
	check(s.path("linked"), s.path("linked", ".husky", "_"))

	s.run(m, "config", "core.hooksPath", s.path("shared-hooks"))
	check(s.path("main", "sub"), s.path("shared-hooks"))
}

func TestIsTracked(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	m := s.repo("main")
	s.write(filepath.Join(m, ".git", "info", "exclude"), "*.json\n")
	s.write(filepath.Join(m, "sub", "tracked.json"), "{}")
	s.write(filepath.Join(m, "sub", ":colon.json"), "{}")
	s.write(filepath.Join(m, "plain.txt"), "")
	s.write(filepath.Join(m, "untracked.json"), "")
	s.run(m, "add", "-f", "--", "sub/tracked.json", "sub/:colon.json")

	ctx := context.Background()
	tests := []struct {
		dir, path string
		tracked   bool
	}{
		{m, "README", true},
		{m, "sub/tracked.json", true},
		{s.path("main", "sub"), "tracked.json", true},
		{s.path("main", "sub"), ":colon.json", true},
		{s.path("main", "sub"), filepath.Join(m, "README"), true},
		{m, "untracked.json", false},
		{m, "plain.txt", false},
		{m, "missing.json", false},
		{m, "sub/*.json", false}, // a literal name, not a glob
		{m, "sub", true},
	}
	for _, tt := range tests {
		tr, err := s.g(tt.dir).IsTracked(ctx, tt.path)
		if err != nil || tr != tt.tracked {
			t.Errorf("IsTracked(%s, %s) = %v, %v; want %v", tt.dir, tt.path, tr, err, tt.tracked)
		}
	}

	b := s.path("b.git")
	s.run(s.root, "clone", "-q", "--bare", m, b)
	if err := os.Mkdir(s.path("nope"), 0o755); err != nil {
		t.Fatal(err)
	}
	// A bare repository has no index, so nothing in it is tracked.
	if tr, err := s.g(b).IsTracked(ctx, "README"); err != nil || tr {
		t.Errorf("IsTracked in a bare repository = %v, %v", tr, err)
	}
	if _, err := s.g(s.path("nope")).IsTracked(ctx, "README"); !errors.Is(err, ErrNotRepository) {
		t.Errorf("IsTracked outside a repository = %v", err)
	}
}

func TestVersion(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	major, minor, err := s.g(s.root).Version(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Fields(s.run(s.root, "version"))[2]
	if !strings.HasPrefix(want, strconv.Itoa(major)+"."+strconv.Itoa(minor)+".") && want != strconv.Itoa(major)+"."+strconv.Itoa(minor) {
		t.Errorf("Version = %d.%d, git says %s", major, minor, want)
	}
}

func TestOptionalLocksOff(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	// `git var` would not show it, but an alias run through `!sh` inherits
	// the environment git was given.
	s.run(s.root, "config", "--global", "alias.showlocks", "!echo \"optional=$GIT_OPTIONAL_LOCKS\" >&2; false")
	env := append(s.env[:len(s.env):len(s.env)], "GIT_OPTIONAL_LOCKS=1")
	_, _, err := Git{Dir: s.root, Env: env}.run(context.Background(), []string{"showlocks"})
	if err == nil || !strings.Contains(err.Error(), "optional=0") {
		t.Errorf("error %v does not show GIT_OPTIONAL_LOCKS=0", err)
	}
}

func TestIsTrackedAtTop(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	m := s.repo("main")
	s.write(filepath.Join(m, "sub", "README"), "")
	s.write(filepath.Join(m, "*star"), "")
	s.run(m, "add", "-f", "--", "sub/README", "*star")
	ctx := context.Background()
	tests := []struct {
		dir, name string
		want      bool
	}{
		{m, "README", true},
		{s.path("main", "sub"), "README", true}, // the top's README, not sub/README's
		{s.path("main", "sub"), "*star", true},
		{m, "*", false}, // literal, not a glob
		{s.path("main", "sub"), "missing", false},
	}
	for _, tt := range tests {
		got, err := s.g(tt.dir).IsTrackedAtTop(ctx, tt.name)
		if err != nil || got != tt.want {
			t.Errorf("IsTrackedAtTop(%s, %s) = %v, %v; want %v", tt.dir, tt.name, got, err, tt.want)
		}
	}
	// Only the top counts: sub/README exists, the top has no "only-in-sub".
	s.write(filepath.Join(m, "sub", "only-in-sub"), "")
	s.run(m, "add", "--", "sub/only-in-sub")
	if got, _ := s.g(s.path("main", "sub")).IsTrackedAtTop(ctx, "only-in-sub"); got {
		t.Error("IsTrackedAtTop found sub/only-in-sub at the top")
	}
}

func TestWithoutLocation(t *testing.T) {
	in := []string{"PATH=/bin", "GIT_DIR=/r/.git", "GIT_DIRECTORY=kept", "GIT_WORK_TREE=/r", "GIT_AUTHOR_NAME=A", "GIT_INDEX_FILE=/i", "GIT_COMMON_DIR=/c", "HOME=/h"}
	got := strings.Join(WithoutLocation(in), " ")
	if want := "PATH=/bin GIT_DIRECTORY=kept GIT_AUTHOR_NAME=A HOME=/h"; got != want {
		t.Errorf("WithoutLocation = %q, want %q", got, want)
	}
}

// TestCoreWorktree: CoreWorktree reads core.worktree from the repository's own files
// only, resolved against the git directory as git resolves it.
func TestCoreWorktree(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	ctx := context.Background()
	m := s.repo("main")
	common := s.path("main", ".git")
	if got, ok := s.g(m).CoreWorktree(ctx, common); ok {
		t.Errorf("unset: %q, true", got)
	}
	s.run(s.root, "config", "--global", "core.worktree", s.path("elsewhere"))
	if got, ok := s.g(m).CoreWorktree(ctx, common); ok {
		t.Errorf("set only in the global config: %q, true", got)
	}
	s.run(m, "config", "core.worktree", "..")
	if got, ok := s.g(m).CoreWorktree(ctx, common); !ok || got != m {
		t.Errorf("core.worktree = ..: %q, %v; want %q", got, ok, m)
	}
}
