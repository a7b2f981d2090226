package gitfiles

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/git-worktree-ports/git-worktree-ports/internal/gittest"
)

// indexNames are the names every index case asks about: files, a directory, a prefix
// that is not a directory, names differing only in case, and names not there.
var indexNames = []string{".worktree-ports.json", ".env", "sub", "sub/a.env", "su", "a", "a.b", "A.B", "gone", "sub/deep/x"}

// gitTracked asks git, as gitwt.Git.IsTrackedAtTop does, which of names are tracked.
func (s *sandbox) gitTracked(dir string, names []string) map[string]bool {
	s.t.Helper()
	got := map[string]bool{}
	for _, n := range names {
		if out := s.Git(dir, "ls-files", "-z", "--", ":(top,literal)"+n); out != "" {
			got[n] = true
		}
	}
	return got
}

// trackedAgrees holds Files.Tracked in dir to git's answer; it reports whether Files
// answered (false: it fell back, with the reason in why).
func (s *sandbox) trackedAgrees(dir string) (answered bool, why string) {
	s.t.Helper()
	got, err := Files{Loc: s.locate(dir), Env: s.Env}.Tracked(indexNames)
	if err != nil {
		if !errors.Is(err, ErrUseGit) {
			s.t.Errorf("%s: Tracked failed without falling back: %v", dir, err)
		}
		return false, FallbackReason(err)
	}
	want := s.gitTracked(dir, indexNames)
	for _, n := range indexNames {
		if got[n] != want[n] {
			s.t.Errorf("%s: Tracked says %q tracked=%v, git ls-files says %v", dir, n, got[n], want[n])
		}
	}
	return true, ""
}

// TestTrackedAgreesWithGit: the index read with go-git's decoder answers "is this path
// tracked" as `git ls-files` does, over the index shapes git writes, and leaves to git
// the ones it cannot read (split index, sparse index, SHA-256).
func TestTrackedAgreesWithGit(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		setup    []string // git commands after the common files are committed
		fallback string   // a part of the fallback reason, or "" when Files must answer
	}{
		{name: "plain"},
		{name: "version4", setup: []string{"update-index --index-version 4"}},
		{name: "version2", setup: []string{"update-index --index-version 2"}},
		{name: "intent to add", setup: []string{"add -N a"}},
		{name: "removed from the index", setup: []string{"rm -q --cached .env"}},
		{name: "skip-worktree", setup: []string{"update-index --skip-worktree sub/a.env"}},
		{name: "untracked cache", setup: []string{"update-index --untracked-cache", "status --porcelain"}},
		{name: "split index", setup: []string{"update-index --split-index"}, fallback: "unknown extension"},
		{name: "sparse index", setup: []string{"sparse-checkout init --cone --sparse-index", "sparse-checkout set other"}, fallback: "unknown extension"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := newSandbox(t)
			m := s.Repo("r")
			for _, f := range []string{".worktree-ports.json", ".env", "sub/a.env", "sub/deep/x/y", "a.b", "other/o"} {
				s.Write(s.Path("r", f), "x\n")
			}
			s.Git(m, "add", ".worktree-ports.json", ".env", "sub", "a.b", "other")
			s.Git(m, "commit", "-q", "-m", "files")
			s.Write(s.Path("r", "a"), "untracked\n")
			for _, cmd := range c.setup {
				s.Git(m, strings.Fields(cmd)...)
			}
			answered, why := s.trackedAgrees(m)
			switch {
			case c.fallback == "" && !answered:
				t.Errorf("Tracked fell back: %s", why)
			case c.fallback != "" && answered:
				t.Errorf("Tracked answered; want a fallback (%s)", c.fallback)
			case c.fallback != "" && !strings.Contains(why, c.fallback):
				t.Errorf("fallback reason %q does not say %q", why, c.fallback)
			}
		})
	}
}

// TestTrackedLinkedWorktreeAndNoIndex: a linked worktree has its own index, and a
// repository before its first `git add` has none (nothing is tracked).
func TestTrackedLinkedWorktreeAndNoIndex(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	m := s.Repo("r")
	s.Write(s.Path("r", ".env"), "x\n")
	s.Git(m, "add", ".env")
	s.Git(m, "commit", "-q", "-m", "env")
	s.Git(m, "worktree", "add", "-q", "../r-b")
	s.Git(s.Path("r-b"), "rm", "-q", "--cached", ".env")
	for _, dir := range []string{m, s.Path("r-b")} {
		if answered, why := s.trackedAgrees(dir); !answered {
			t.Errorf("%s: Tracked fell back: %s", dir, why)
		}
	}
	s.Git(s.Root, "init", "-q", "fresh")
	s.Write(s.Path("fresh", ".env"), "x\n")
	if answered, why := s.trackedAgrees(s.Path("fresh")); !answered {
		t.Errorf("fresh repository: Tracked fell back: %s", why)
	}
}

// TestTrackedFallsBack: GIT_INDEX_FILE, a SHA-256 index, a damaged index and a name
// that is not a clean relative path are left to git.
func TestTrackedFallsBack(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	m := s.Repo("r")
	loc := s.locate(m)
	for _, name := range []string{"", ".", "../x", "/etc", "a//b", "./a"} {
		if _, err := (Files{Loc: loc, Env: s.Env}).Tracked([]string{name}); !errors.Is(err, ErrUseGit) {
			t.Errorf("Tracked(%q) = %v; want a fallback", name, err)
		}
	}
	env := append(append([]string{}, s.Env...), "GIT_INDEX_FILE="+s.Path("other-index"))
	if _, err := (Files{Loc: loc, Env: env}).Tracked([]string{"a"}); err == nil || !strings.Contains(err.Error(), "GIT_INDEX_FILE") {
		t.Errorf("with GIT_INDEX_FILE: %v; want a fallback naming it", err)
	}
	s.Write(s.Path("r", ".git", "index"), "DIRC not an index")
	if _, err := (Files{Loc: loc, Env: s.Env}).Tracked([]string{"a"}); !errors.Is(err, ErrUseGit) {
		t.Errorf("damaged index: %v; want a fallback", err)
	}
	sha := s.Path("sha256")
	if _, code := s.Try(s.Root, "init", "-q", "--object-format=sha256", sha); code != 0 {
		return
	}
	s.Write(s.Path("sha256", ".env"), "x\n")
	s.Git(sha, "add", ".env")
	if answered, _ := s.trackedAgrees(sha); answered {
		t.Errorf("SHA-256 index: Tracked answered; want a fallback")
	}
}

// FuzzTrackedAgainstGit builds an index of the given paths (one a line) in the given
// version with git update-index, then asks Tracked and git ls-files about name. Where
// Tracked answers, git must agree.
func FuzzTrackedAgainstGit(f *testing.F) {
	if _, err := exec.LookPath("git"); err != nil {
		f.Skip("git not installed")
	}
	s := &sandbox{gittest.New(f), nil}
	m := s.Repo("r")
	loc, err := s.g(m).Locate(context.Background())
	if err != nil {
		f.Fatal(err)
	}
	f.Add("a\nsub/b\nsub/deep/c", "sub", uint8(2))
	f.Add("a.b\nab/c", "a", uint8(4))
	f.Add("é/ü\nsp ace/x", "sp ace", uint8(3))
	f.Add("x/y/z\nx/yz", "x/y", uint8(4))
	f.Fuzz(func(t *testing.T, paths, name string, version uint8) {
		if strings.ContainsRune(paths+name, 0) {
			return // no argument can carry it
		}
		if err := os.Remove(filepath.Join(m, ".git", "index")); err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
		args := []string{"update-index", "--add", "--index-version", strconv.Itoa(2 + int(version)%3)}
		for _, p := range strings.Split(paths, "\n") {
			args = append(args, "--cacheinfo", "100644,e69de29bb2d1d6434b8b29ae775ad8c2e48c5391,"+p)
		}
		if _, code := gitIn(t, s.Env, m, args...); code != 0 {
			return // a path git refuses
		}
		got, err := Files{Loc: loc, Env: s.Env}.Tracked([]string{name})
		if err != nil {
			if !errors.Is(err, ErrUseGit) {
				t.Fatalf("Tracked(%q) failed without falling back: %v", name, err)
			}
			return
		}
		out, code := gitIn(t, s.Env, m, "ls-files", "-z", "--", ":(top,literal)"+name)
		if code != 0 {
			t.Fatalf("Tracked(%q) answered %v where git ls-files fails", name, got[name])
		}
		if want := out != ""; got[name] != want {
			t.Fatalf("index of %q: Tracked(%q) = %v, git ls-files says %v", paths, name, got[name], want)
		}
	})
}

// gitIn runs git in dir with env, for a fuzz target (the sandbox's helpers belong to
// the testing.F), and returns its standard output and exit status.
func gitIn(t *testing.T, env []string, dir string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.Output()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return string(out), exit.ExitCode()
	}
	if err != nil {
		t.Fatalf("git %q: %v", args, err)
	}
	return string(out), 0
}
