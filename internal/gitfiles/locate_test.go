package gitfiles

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
)

// locates checks Files.Locate from dir against git's Locate: where it answers, git must
// answer the same; otherwise it must fall back. It reports whether it answered. Every
// differential test of Files calls it from each directory it compares (diff.agree).
func (s *sandbox) locates(dir string) (gitwt.Location, bool) {
	s.t.Helper()
	got, err := Files{Env: s.Env}.Locate(dir)
	if err != nil {
		if !errors.Is(err, ErrUseGit) {
			s.t.Errorf("Locate(%s) failed without falling back: %v", dir, err)
		}
		return gitwt.Location{}, false
	}
	want, gerr := s.g(dir).Locate(context.Background())
	if gerr != nil {
		s.t.Errorf("Locate(%s) = %+v where git fails: %v", dir, got, gerr)
	} else if got != want {
		s.t.Errorf("Locate(%s):\nFiles %+v\n  git %+v", dir, got, want)
	}
	return got, true
}

// answers checks that Locate answers from each dir, as git does.
func (s *sandbox) answers(dirs ...string) {
	s.t.Helper()
	for _, dir := range dirs {
		if _, ok := s.locates(dir); !ok {
			_, err := Files{Env: s.Env}.Locate(dir)
			s.t.Errorf("Locate(%s) fell back: %v", dir, err)
		}
	}
}

// leaves checks that Locate leaves dir to git, saying why.
func (s *sandbox) leaves(dir, why string, env ...string) {
	s.t.Helper()
	loc, err := Files{Env: append(s.Env[:len(s.Env):len(s.Env)], env...)}.Locate(dir)
	if !errors.Is(err, ErrUseGit) {
		s.t.Errorf("Locate(%s) = %+v, %v; want a fallback (%s)", dir, loc, err, why)
		return
	}
	if !strings.Contains(strings.ToLower(err.Error()), strings.ToLower(why)) {
		s.t.Errorf("Locate(%s): fallback %q does not say %q", dir, err, why)
	}
}

func TestFilesLocate(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	m := s.Repo("main")
	if err := os.MkdirAll(filepath.Join(m, "a", "b"), 0o755); err != nil {
		t.Fatal(err)
	}
	s.Git(m, "worktree", "add", "-q", "../linked")
	s.Git(m, "worktree", "add", "-q", "../other")
	s.Git(m, "worktree", "add", "-q", "--detach", "../odd \"dir\"\nname")
	if err := os.MkdirAll(s.Path("linked", "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	// Reached through a symlink: git walks up from the real directory.
	if err := os.Symlink(filepath.Join(m, "a"), s.Path("link-to-a")); err != nil {
		t.Fatal(err)
	}
	s.answers(m, filepath.Join(m, "a", "b"), s.Path("linked"), s.Path("linked", "sub"), s.Path("odd \"dir\"\nname"), s.Path("link-to-a"))

	// A bare clone with linked worktrees (core.bare = true, which a linked worktree
	// does not read) and a separate git dir.
	b := s.Path("b.git")
	s.Git(s.Root, "clone", "-q", "--bare", m, b)
	s.Git(b, "worktree", "add", "-q", "../b-wt", "main")
	sep := s.Path("sep")
	s.Git(s.Root, "init", "-q", "--separate-git-dir", s.Path("sep.git"), sep)
	s.answers(s.Path("b-wt"), sep)

	// Where git would answer otherwise, or where there is no worktree: git's answer.
	s.leaves(b, "git directory")
	s.leaves(filepath.Join(m, ".git"), "git directory")
	s.leaves(filepath.Join(m, ".git", "refs", "heads"), "git directory")
	s.leaves(filepath.Join(m, ".git", "worktrees", "linked"), "git directory")
	s.leaves(s.Root, "no .git")
	s.leaves(m, "GIT_DIR", "GIT_DIR="+filepath.Join(m, ".git"))
	s.leaves(m, "GIT_WORK_TREE", "GIT_WORK_TREE="+m)
	s.leaves(m, "GIT_OBJECT_DIRECTORY", "GIT_OBJECT_DIRECTORY="+filepath.Join(m, ".git", "objects"))
	s.leaves(m, "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_PARAMETERS='core.bare'='true'")
	s.leaves(filepath.Join(m, "a"), "GIT_CEILING_DIRECTORIES", "GIT_CEILING_DIRECTORIES="+m)
	s.leaves(m, "GIT_CEILING_DIRECTORIES", "GIT_CEILING_DIRECTORIES=relative")
	// The ceiling is not the start: from the ceiling itself git still looks there.
	s.answers(m)
	if loc, ok := s.locates(m); !ok || loc.Toplevel != m {
		t.Errorf("from the top: %+v", loc)
	}

	// GIT_COMMON_DIR moves the common directory: git's to answer.
	s.leaves(m, "GIT_COMMON_DIR", "GIT_COMMON_DIR="+filepath.Join(m, ".git"))
	// A .git directory that is no git directory (empty, or with only a HEAD): git walks
	// on past it to the worktree above, and so does Locate. One git might read otherwise
	// is left to git.
	for _, c := range []struct{ name, head string }{{"empty", ""}, {"head-only", "ref: refs/heads/main\n"}} {
		dir := filepath.Join(m, "a", c.name)
		if err := os.MkdirAll(filepath.Join(dir, ".git"), 0o755); err != nil {
			t.Fatal(err)
		}
		if c.head != "" {
			s.Write(filepath.Join(dir, ".git", "HEAD"), c.head)
		}
		s.answers(dir)
		if loc, _ := s.locates(dir); loc.Toplevel != m {
			t.Errorf("from %s: top level %q, want %s", dir, loc.Toplevel, m)
		}
	}
	odd := filepath.Join(m, "a", "odd")
	for _, d := range []string{"objects", "refs"} {
		if err := os.MkdirAll(filepath.Join(odd, ".git", d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	s.Write(filepath.Join(odd, ".git", "HEAD"), "garbage\n")
	s.leaves(odd, "HEAD")
	s.locates(odd)

	cfg := func(args ...string) {
		t.Helper()
		s.Git(m, append([]string{"config", "-f", filepath.Join(m, ".git", "config")}, args...)...)
	}
	cfg("extensions.relativeWorktrees", "true")
	s.leaves(m, "relativeWorktrees")
	s.leaves(s.Path("linked"), "relativeWorktrees")
	cfg("--unset", "extensions.relativeWorktrees")
	cfg("core.bare", "true")
	s.leaves(m, "core.bare")
	s.answers(s.Path("linked")) // a linked worktree does not read it
	cfg("core.bare", "false")
	cfg("core.worktree", s.Path("linked"))
	s.leaves(m, "core.worktree")
	cfg("core.worktree", "..") // relative to the git directory: the top itself
	s.answers(m)
	cfg("--unset", "core.worktree")

	// A .git file git would read otherwise, or whose git directory does not name it.
	dotGit := s.Path("linked", ".git")
	good := readFile(t, dotGit)
	for _, c := range []struct{ content, why string }{
		{"gitdir:" + strings.TrimPrefix(good, "gitdir: "), "holds"},
		{strings.TrimSuffix(good, "\n") + "  \n", "holds"},
		{good + "second line\n", "holds"},
		{"gitdir: " + filepath.Join(m, ".git", "worktrees", "other") + "\n", "do not name this worktree"},
		{"gitdir: " + s.Path("nowhere") + "\n", "names"},
	} {
		s.Write(dotGit, c.content)
		s.leaves(s.Path("linked"), c.why)
		s.locates(s.Path("linked"))
	}
	s.Write(dotGit, good)
	s.answers(s.Path("linked"))
	// A .git that is a symlink.
	if err := os.Rename(filepath.Join(m, ".git"), s.Path("real.git")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(s.Path("real.git"), filepath.Join(m, ".git")); err != nil {
		t.Fatal(err)
	}
	s.leaves(m, "symlink")
	s.locates(m)
}

// FuzzLocateAgainstGit mutates the layout as FuzzFilesAgainstGit does, and a linked
// worktree's .git file and the config's core.worktree besides, then locates from one of
// the worktrees (or a directory below one, or the common directory). Where Locate
// answers, git must say exactly that.
func FuzzLocateAgainstGit(f *testing.F) {
	if _, err := exec.LookPath("git"); err != nil {
		f.Skip("git not installed")
	}
	l := newFuzzLayout(f)
	for from := range locateFroms {
		f.Add([]byte{}, uint8(from), uint8(0), uint8(0), "")
	}
	for v := range locateDotGits {
		f.Add([]byte{}, uint8(3), uint8(v), uint8(0), "raw\n")
	}
	for v := range locateWorktreeSettings {
		f.Add([]byte{}, uint8(0), uint8(0), uint8(v), "")
	}
	f.Add([]byte{0, 2}, uint8(3), uint8(0), uint8(0), "") // core.bare in a linked worktree
	f.Add([]byte{0, 0, 1}, uint8(3), uint8(0), uint8(4), "")
	f.Fuzz(func(t *testing.T, program []byte, from, dotGit, setting uint8, raw string) {
		l.apply(t, program)
		w0 := filepath.Join(l.root, l.ids[0])
		if path := filepath.Join(w0, ".git"); dirExists(w0) {
			locateDotGits[int(dotGit)%len(locateDotGits)](l, path, raw)
		}
		if args := locateWorktreeSettings[int(setting)%len(locateWorktreeSettings)](l); args != nil {
			where := []string{"config", "-f", filepath.Join(l.common, "config")}
			if args[0] == "--global" {
				where = []string{"config"}
				t.Cleanup(func() {
					cmd := exec.Command("git", "config", "--global", "--unset", "core.worktree")
					cmd.Env = l.env
					_ = cmd.Run()
				})
			}
			cmd := exec.Command("git", append(where, args...)...)
			cmd.Env = l.env
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("git config %q: %v\n%s", args, err, out)
			}
		}
		dir := locateFroms[int(from)%len(locateFroms)](l)
		if !dirExists(dir) {
			return
		}
		got, err := Files{Env: l.env}.Locate(dir)
		if err != nil {
			if !errors.Is(err, ErrUseGit) {
				t.Fatalf("Locate failed without falling back: %v", err)
			}
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		want, err := gitwt.Git{Dir: dir, Env: l.env}.Locate(ctx)
		if err != nil {
			t.Fatalf("from %s: Locate answered %+v where git fails: %v\n%s", dir, got, err, l.describe())
		}
		if got != want {
			t.Fatalf("from %s:\nFiles %+v\n  git %+v\n%s", dir, got, want, l.describe())
		}
	})
}

func dirExists(dir string) bool {
	fi, err := os.Stat(dir)
	return err == nil && fi.IsDir()
}

// locateFroms are where FuzzLocateAgainstGit runs.
var locateFroms = []func(l *fuzzLayout) string{
	func(l *fuzzLayout) string { return l.main },
	func(l *fuzzLayout) string { return l.common },
	func(l *fuzzLayout) string { return filepath.Join(l.common, "worktrees", l.ids[0]) },
	func(l *fuzzLayout) string { return filepath.Join(l.root, l.ids[0]) },
	func(l *fuzzLayout) string { return filepath.Join(l.root, l.ids[1]) },
	func(l *fuzzLayout) string {
		sub := filepath.Join(l.root, l.ids[0], "sub")
		_ = os.MkdirAll(sub, 0o755)
		return sub
	},
	func(l *fuzzLayout) string { return l.root },
	func(l *fuzzLayout) string {
		// An empty .git directory below a worktree: git walks on past it.
		sub := filepath.Join(l.root, l.ids[0], "empty")
		_ = os.MkdirAll(filepath.Join(sub, ".git"), 0o755)
		return sub
	},
}

// locateDotGits are what FuzzLocateAgainstGit writes to the first linked worktree's .git.
var locateDotGits = []func(l *fuzzLayout, path, raw string){
	func(*fuzzLayout, string, string) {},
	func(l *fuzzLayout, path, _ string) { writeFuzz(path, "gitdir: ../main/.git/worktrees/"+l.ids[0]+"\n") },
	func(l *fuzzLayout, path, _ string) {
		writeFuzz(path, "gitdir:"+filepath.Join(l.common, "worktrees", l.ids[0])+"\n")
	},
	func(l *fuzzLayout, path, _ string) {
		writeFuzz(path, "gitdir: "+filepath.Join(l.common, "worktrees", l.ids[0])+" \n")
	},
	func(l *fuzzLayout, path, _ string) {
		writeFuzz(path, "gitdir: "+filepath.Join(l.common, "worktrees", l.ids[0])+"\r\n\r\n")
	},
	func(l *fuzzLayout, path, _ string) {
		writeFuzz(path, "gitdir: "+filepath.Join(l.common, "worktrees", l.ids[0])+"\nmore\n")
	},
	func(l *fuzzLayout, path, _ string) {
		writeFuzz(path, "gitdir: "+filepath.Join(l.common, "worktrees", l.ids[1])+"\n")
	},
	func(l *fuzzLayout, path, _ string) { writeFuzz(path, "gitdir: "+l.common+"\n") },
	func(l *fuzzLayout, path, raw string) { writeFuzz(path, raw) },
	func(l *fuzzLayout, path, raw string) { writeFuzz(path, "gitdir: "+raw+"\n") },
	func(l *fuzzLayout, path, _ string) {
		os.RemoveAll(path)
		_ = os.Symlink(filepath.Join(l.root, l.ids[1], ".git"), path)
	},
	func(l *fuzzLayout, path, _ string) {
		os.RemoveAll(path)
		_ = os.Symlink(l.common, path)
	},
	func(l *fuzzLayout, path, _ string) {
		// Relative, through a symlink and back up: read as the kernel reads it.
		sym := filepath.Join(filepath.Dir(path), "sym")
		os.RemoveAll(sym)
		_ = os.Symlink(filepath.Join(l.common, "worktrees", l.ids[0]), sym)
		writeFuzz(path, "gitdir: sym/../"+l.ids[0]+"\n")
	},
}

// locateWorktreeSettings are the config changes FuzzLocateAgainstGit makes: the
// arguments of `git config -f <common>/config`, or nil.
var locateWorktreeSettings = []func(l *fuzzLayout) []string{
	func(*fuzzLayout) []string { return nil },
	func(l *fuzzLayout) []string { return []string{"core.worktree", l.main} },
	func(*fuzzLayout) []string { return []string{"core.worktree", ".."} },
	func(l *fuzzLayout) []string { return []string{"core.worktree", filepath.Join(l.root, l.ids[0])} },
	func(*fuzzLayout) []string { return []string{"core.bare", "true"} },
	func(*fuzzLayout) []string { return []string{"core.worktree", ""} },
	// In the global config, which git's setup does not read it from.
	func(l *fuzzLayout) []string {
		return []string{"--global", "core.worktree", filepath.Join(l.root, l.ids[0])}
	},
}

func writeFuzz(path, content string) {
	os.RemoveAll(path)
	_ = os.WriteFile(path, []byte(content), 0o644)
}

// TestFilesDotDotAfterSymlink: a relative path in a .git file is read by the kernel, so
// "sym/../x.git" is x.git beside sym's target. Read as text it named x.git beside sym,
// here another repository (other identity, other ports) than the one git opens.
func TestFilesDotDotAfterSymlink(t *testing.T) {
	t.Parallel()
	s := newDiff(t)
	top, gitDir := s.Path("top"), s.Path("real", "x.git")
	if err := os.MkdirAll(s.Path("real", "deep"), 0o755); err != nil {
		t.Fatal(err)
	}
	s.Git(s.Root, "init", "-q", "--separate-git-dir", gitDir, top)
	s.Git(top, "commit", "-q", "--allow-empty", "-m", "init")
	s.Git(top, "worktree", "add", "-q", s.Path("linked"))
	decoy := s.Repo("decoy")
	if err := os.Rename(filepath.Join(decoy, ".git"), filepath.Join(top, "x.git")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(s.Path("real", "deep"), filepath.Join(top, "sym")); err != nil {
		t.Fatal(err)
	}
	s.Write(filepath.Join(top, ".git"), "gitdir: sym/../x.git\n")
	// And the linked worktree's commondir, through a symlink of its own.
	adm := filepath.Join(gitDir, "worktrees", "linked")
	if err := os.Symlink(s.Path("real", "deep"), filepath.Join(adm, "sym")); err != nil {
		t.Fatal(err)
	}
	s.Write(filepath.Join(adm, "commondir"), "sym/../x.git\n")

	if got := trimNL(s.Git(top, "rev-parse", "--path-format=absolute", "--git-dir")); got != gitDir {
		t.Fatalf("git opens %s, want %s: the case is no test", got, gitDir)
	}
	s.answers(top, s.Path("linked"))
	s.agree(top, s.Path("linked"))
	if got, err := ReadGitFile(top); err != nil || got != gitDir {
		t.Errorf("ReadGitFile = %q, %v; want %s", got, err, gitDir)
	}
	if got, reg, err := GitDirOf(top); err != nil || got != gitDir || !reg {
		t.Errorf("GitDirOf = %q, %v, %v; want %s, registered", got, reg, err, gitDir)
	}
}
