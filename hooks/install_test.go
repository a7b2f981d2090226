package hooks

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/git-worktree-ports/git-worktree-ports/internal/safefile"
)

func TestInstallFresh(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	main := s.repo("main")
	o := s.options(main)
	hookPath := filepath.Join(main, ".git", "hooks", "post-checkout")

	r, err := Install(o)
	wantAction(t, r, err, ActionCreated)
	if r.Path != hookPath || readString(t, hookPath) != File(s.bin) || mode(t, hookPath) != 0o755 {
		t.Fatalf("Install wrote %s (mode %v):\n%s", r.Path, mode(t, hookPath), readString(t, hookPath))
	}
	if !strings.Contains(readString(t, hookPath), StartMarker()) {
		t.Fatal("no version marker")
	}
	r, err = Install(o)
	wantAction(t, r, err, ActionUnchanged)
	if readString(t, hookPath) != File(s.bin) {
		t.Fatal("second Install changed the file")
	}

	wt := s.worktreeAdd(main, "feature")
	// Inside a linked worktree git sets GIT_DIR for the hook; the binary must not see it.
	head := s.git(wt, "rev-parse", "HEAD")
	s.git(wt, "checkout", "-q", "-b", "other")
	s.wantCall(wt, head+" "+head+" 1")
	// A file checkout costs nothing.
	s.git(wt, "checkout", "-q", "--", "README")
	if got := s.calls(); got != nil {
		t.Fatalf("binary called: %q", got)
	}
	// A branch checkout in a worktree that has its reservation calls the binary, which
	// keeps the bundle and refreshes what derives from the branch.
	put(t, filepath.Join(wt, ".worktree-ports.json"), "{}\n", 0o644)
	s.git(wt, "checkout", "-q", "-b", "third")
	s.wantCall(wt, head+" "+head+" 1")

	r, err = Uninstall(o)
	wantAction(t, r, err, ActionDeleted)
	if _, err := os.Lstat(hookPath); !os.IsNotExist(err) {
		t.Fatalf("hook still there: %v", err)
	}
	r, err = Uninstall(o)
	wantAction(t, r, err, ActionUnchanged)
}

func TestInstallUpgrades(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	main := s.repo("main")
	o := s.options(main)
	hookPath := filepath.Join(main, ".git", "hooks", "post-checkout")

	// An older block recording another binary, inside a foreign hook.
	old := strings.Replace(Block("/old/place/git-worktree-ports"), StartMarker(), StartMarkerPrefix+" (v0) >>>", 1)
	before, after := "#!/bin/bash\necho before\n", "echo after\n"
	put(t, hookPath, before+old+after, 0o750)
	r, err := Install(o)
	wantAction(t, r, err, ActionUpdated)
	if got := readString(t, hookPath); got != before+Block(s.bin)+after {
		t.Fatalf("upgraded hook:\n%s", got)
	}
	if mode(t, hookPath) != 0o750 {
		t.Fatalf("mode = %v", mode(t, hookPath))
	}
	r, err = Install(o)
	wantAction(t, r, err, ActionUnchanged)
	r, err = Uninstall(o)
	wantAction(t, r, err, ActionRemoved)
	if got := readString(t, hookPath); got != before+after {
		t.Fatalf("after Uninstall:\n%s", got)
	}

	// A whole hook of ours from another binary path is upgraded, then deleted.
	put(t, hookPath, File("/old/place/git-worktree-ports"), 0o755)
	r, err = Install(o)
	wantAction(t, r, err, ActionUpdated)
	if readString(t, hookPath) != File(s.bin) {
		t.Fatal("whole hook not upgraded")
	}
	r, err = Uninstall(o)
	wantAction(t, r, err, ActionDeleted)

	// A block from a newer release is not downgraded.
	newer := strings.Replace(File(s.bin), StartMarker(), StartMarkerPrefix+" (v99) >>>", 1)
	put(t, hookPath, newer, 0o755)
	if _, err := Install(o); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("Install over a newer block: %v", err)
	}
	if readString(t, hookPath) != newer {
		t.Fatal("newer block changed")
	}
}

// foreignHooks are shell hooks of other tools. Each leaves a line in foreign.log, so the
// tests can see that it still runs, and most end in a way that an appended block would
// never be reached.
var foreignHooks = map[string]string{
	"sh":            "#!/bin/sh\necho \"$PWD foreign $*\" >> ../foreign.log\n",
	"sh no newline": "#!/bin/sh\necho \"$PWD foreign $*\" >> ../foreign.log",
	"bash set -eu":  "#!/usr/bin/env bash\nset -euo pipefail\ntrap 'echo trapped >&2' ERR\necho \"$PWD foreign $*\" >> ../foreign.log\nexit 0\n",
	"sh -e exec":    "#!/bin/sh -e\n# a tool that hands over to another program\necho \"$PWD foreign $*\" >> ../foreign.log\nexec /bin/sh -c :\n",
	"zsh":           "#!/bin/zsh\nsetopt nounset\necho \"$PWD foreign $*\" >> ../foreign.log\nexit $?\n",
	"no shebang":    "echo \"$PWD foreign $*\" >> ../foreign.log\n",
}

func TestForeignShellHooks(t *testing.T) {
	t.Parallel()
	for name, content := range foreignHooks {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := newSandbox(t)
			if strings.Contains(content, "zsh") {
				if _, err := os.Stat("/bin/zsh"); err != nil {
					t.Skip("no zsh")
				}
			}
			main := s.repo("main")
			o := s.options(main)
			hookPath := filepath.Join(main, ".git", "hooks", "post-checkout")
			put(t, hookPath, content, 0o700)

			r, err := Install(o)
			wantAction(t, r, err, ActionAdded)
			if mode(t, hookPath) != 0o700 {
				t.Fatalf("mode = %v", mode(t, hookPath))
			}
			r, err = Install(o)
			wantAction(t, r, err, ActionUnchanged)

			wt := s.worktreeAdd(main, "feature")
			foreign := readString(t, filepath.Join(s.root, "foreign.log"))
			if !strings.HasPrefix(foreign, wt+" foreign 0000000000000000000000000000000000000000 ") {
				t.Fatalf("foreign hook log = %q", foreign)
			}

			r, err = Uninstall(o)
			wantAction(t, r, err, ActionRemoved)
			if got := readString(t, hookPath); got != content {
				t.Fatalf("foreign hook after Uninstall:\n%q\nwant\n%q", got, content)
			}
			if mode(t, hookPath) != 0o700 {
				t.Fatalf("mode after Uninstall = %v", mode(t, hookPath))
			}
		})
	}
}

func TestCheckoutNeverFails(t *testing.T) {
	t.Parallel()
	for _, foreign := range []string{"", foreignHooks["bash set -eu"]} {
		name := "our hook"
		if foreign != "" {
			name = "strict bash hook"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := newSandbox(t)
			main := s.repo("main")
			if foreign != "" {
				put(t, filepath.Join(main, ".git", "hooks", "post-checkout"), foreign, 0o755)
			}
			if _, err := Install(s.options(main)); err != nil {
				t.Fatal(err)
			}

			s.writeFake(1)
			s.worktreeAdd(main, "failing")

			if err := os.Remove(s.bin); err != nil {
				t.Fatal(err)
			}
			wt := filepath.Join(s.root, "missing")
			_, stderr, err := s.run(main, "worktree", "add", "-q", "-b", "missing", wt)
			if err != nil {
				t.Fatalf("git worktree add failed without the binary: %v\n%s", err, stderr)
			}
			if stderr != NotFoundMessage+"\n" {
				t.Fatalf("stderr = %q; want exactly the not-found line", stderr)
			}
			if _, err := os.Stat(filepath.Join(wt, "README")); err != nil {
				t.Fatal("worktree not checked out")
			}
		})
	}
}

// huskyH emulates husky v9's generated .husky/_/h: it runs the committed user file of the
// same name, one folder up, with `sh -e`, and fails the hook when that fails.
const huskyH = `#!/usr/bin/env sh
n=$(basename "$0")
s=$(dirname "$(dirname "$0")")/$n
[ ! -f "$s" ] && exit 0
sh -e "$s" "$@"
c=$?
[ $c != 0 ] && echo "husky - $n script failed (code $c)"
exit $c
`

func huskyRepo(t *testing.T, s *sandbox, userFile string) string {
	t.Helper()
	main := s.repo("main")
	if userFile != "" {
		put(t, filepath.Join(main, ".husky", "post-checkout"), userFile, 0o644)
		s.git(main, "add", ".husky/post-checkout")
		s.git(main, "commit", "-q", "-m", "husky")
	}
	put(t, filepath.Join(main, ".husky", "_", ".gitignore"), "*\n", 0o644)
	put(t, filepath.Join(main, ".husky", "_", "h"), huskyH, 0o755)
	put(t, filepath.Join(main, ".husky", "_", "post-checkout"), "#!/usr/bin/env sh\n. \"$(dirname \"$0\")/h\"\n", 0o755)
	s.git(main, "config", "core.hooksPath", ".husky/_")
	return main
}

func TestHusky9(t *testing.T) {
	t.Parallel()
	t.Run("existing user file", func(t *testing.T) {
		t.Parallel()
		s := newSandbox(t)
		user := "echo \"$PWD foreign $*\" >> ../foreign.log\n"
		main := huskyRepo(t, s, user)
		o := s.options(main)
		generated := readString(t, filepath.Join(main, ".husky", "_", "post-checkout"))

		r, err := Install(o)
		wantAction(t, r, err, ActionAdded)
		userPath := filepath.Join(main, ".husky", "post-checkout")
		if r.Path != userPath {
			t.Fatalf("edited %s; want %s", r.Path, userPath)
		}
		if readString(t, filepath.Join(main, ".husky", "_", "post-checkout")) != generated {
			t.Fatal("husky's generated hook changed")
		}
		wt := s.worktreeAdd(main, "feature")
		if !strings.HasPrefix(readString(t, filepath.Join(s.root, "foreign.log")), wt+" foreign ") {
			t.Fatal("husky user hook did not run")
		}
		r, err = Uninstall(o)
		wantAction(t, r, err, ActionRemoved)
		if readString(t, userPath) != user || mode(t, userPath) != 0o644 {
			t.Fatal("user file not restored")
		}
	})
	t.Run("no user file", func(t *testing.T) {
		t.Parallel()
		s := newSandbox(t)
		main := huskyRepo(t, s, "")
		o := s.options(main)
		r, err := Install(o)
		wantAction(t, r, err, ActionCreated)
		userPath := filepath.Join(main, ".husky", "post-checkout")
		if r.Path != userPath || mode(t, userPath) != 0o755 {
			t.Fatalf("created %s", r.Path)
		}
		s.worktreeAdd(main, "feature")
		r, err = Uninstall(o)
		wantAction(t, r, err, ActionDeleted)
	})
}

func TestGlobalHooksPathSetByUser(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	dir := filepath.Join(s.root, "global hooks")
	s.git(s.home, "config", "--global", "core.hooksPath", dir)
	foreign := foreignHooks["sh"]
	put(t, filepath.Join(dir, "post-checkout"), foreign, 0o755)
	main := s.repo("main")
	o := s.options(main)
	if o.HooksDir != dir {
		t.Fatalf("git says hooks are in %s", o.HooksDir)
	}

	r, err := Install(o)
	wantAction(t, r, err, ActionAdded)
	wt := s.worktreeAdd(main, "feature")
	if !strings.HasPrefix(readString(t, filepath.Join(s.root, "foreign.log")), wt+" foreign ") {
		t.Fatal("foreign hook did not run")
	}
	// --global finds the same place.
	r, err = InstallGlobal(s.gitFunc, s.home, s.bin)
	wantAction(t, r, err, ActionUnchanged)
	r, err = UninstallGlobal(s.gitFunc, s.home)
	wantAction(t, r, err, ActionRemoved)
	if readString(t, filepath.Join(dir, "post-checkout")) != foreign {
		t.Fatal("foreign hook not restored")
	}
}

func TestGlobalTemplateDir(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	g, err := GlobalTarget(s.gitFunc, s.home)
	tmpl := filepath.Join(s.home, ".config", "git", "template")
	if err != nil || g.Via != ViaTemplateDir || g.TemplateDir != tmpl || !g.SetTemplateDir {
		t.Fatalf("GlobalTarget = %+v, %v", g, err)
	}
	r, err := UninstallGlobal(s.gitFunc, s.home)
	wantAction(t, r, err, ActionUnchanged)

	r, err = InstallGlobal(s.gitFunc, s.home, s.bin)
	wantAction(t, r, err, ActionCreated)
	if got := s.git(s.home, "config", "--global", "init.templateDir"); got != tmpl {
		t.Fatalf("init.templateDir = %q", got)
	}
	r, err = InstallGlobal(s.gitFunc, s.home, s.bin)
	wantAction(t, r, err, ActionUnchanged)

	// A repository created afterwards gets the hook and runs it.
	main := s.repo("main")
	if readString(t, filepath.Join(main, ".git", "hooks", "post-checkout")) != File(s.bin) {
		t.Fatal("template hook not copied")
	}
	s.worktreeAdd(main, "feature")

	r, err = UninstallGlobal(s.gitFunc, s.home)
	wantAction(t, r, err, ActionDeleted)
	if _, err := os.Stat(filepath.Join(tmpl, "hooks", "post-checkout")); !os.IsNotExist(err) {
		t.Fatal("template hook still there")
	}

	// A relative global core.hooksPath is a folder per repository: refused.
	s.git(s.home, "config", "--global", "core.hooksPath", ".githooks")
	_, err = GlobalTarget(s.gitFunc, s.home)
	var me *ManualError
	if !errors.As(err, &me) {
		t.Fatalf("relative core.hooksPath: %v", err)
	}
}

func TestRefusals(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		hook      string // post-checkout content, "" for none
		mode      os.FileMode
		files     map[string]string // files at the top level
		wantInErr string
	}{
		{name: "python", hook: "#!/usr/bin/env python3\nprint('hi')\n", mode: 0o755, wantInErr: "subprocess.call("},
		{name: "node", hook: "#!/usr/bin/node\nconsole.log(1)\n", mode: 0o755, wantInErr: "spawnSync("},
		{name: "binary", hook: "\x7fELF\x02\x01\x01\x00\x00\x00", mode: 0o755, wantInErr: "binary program"},
		{name: "crlf", hook: "#!/bin/sh\r\necho hi\r\n", mode: 0o755, wantInErr: "CRLF"},
		{name: "not executable", hook: "#!/bin/sh\necho hi\n", mode: 0o644, wantInErr: "not executable"},
		{name: "lefthook config", files: map[string]string{"lefthook.yml": "pre-commit:\n"}, wantInErr: "run: git worktree-ports hook post-checkout {1} {2} {3}"},
		{name: "dot lefthook config", hook: "#!/bin/sh\necho hi\n", mode: 0o755, files: map[string]string{".lefthook.yml": ""}, wantInErr: "lefthook install"},
		{name: "lefthook hook", hook: "#!/bin/sh\ncall_lefthook run \"post-checkout\" \"$@\"\n", mode: 0o755, wantInErr: "lefthook.yml"},
		{name: "pre-commit config", files: map[string]string{".pre-commit-config.yaml": "repos: []\n"}, wantInErr: "stages: [post-checkout]"},
		{name: "pre-commit hook", hook: "#!/usr/bin/env bash\n# File generated by pre-commit: https://pre-commit.com\n", mode: 0o755, wantInErr: "pre-commit install --hook-type post-checkout"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := newSandbox(t)
			main := s.repo("main")
			hookPath := filepath.Join(main, ".git", "hooks", "post-checkout")
			if c.hook != "" {
				put(t, hookPath, c.hook, c.mode)
			}
			for name, data := range c.files {
				put(t, filepath.Join(main, name), data, 0o644)
			}
			_, err := Install(s.options(main))
			var me *ManualError
			if !errors.As(err, &me) {
				t.Fatalf("Install: %v; want a ManualError", err)
			}
			if !strings.Contains(err.Error(), c.wantInErr) || me.Line == "" {
				t.Fatalf("error does not contain %q:\n%v", c.wantInErr, err)
			}
			if c.hook == "" {
				if _, err := os.Lstat(hookPath); !os.IsNotExist(err) {
					t.Fatal("a hook was written")
				}
			} else if readString(t, hookPath) != c.hook || mode(t, hookPath) != c.mode {
				t.Fatal("the hook was changed")
			}
			r, err := Uninstall(s.options(main))
			wantAction(t, r, err, ActionUnchanged)
		})
	}
}

func TestSymlinkedHook(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	main := s.repo("main")
	script := filepath.Join(main, "scripts", "post-checkout")
	content := foreignHooks["sh"]
	put(t, script, content, 0o755)
	link := filepath.Join(main, ".git", "hooks", "post-checkout")
	if err := os.Symlink("../../scripts/post-checkout", link); err != nil {
		t.Fatal(err)
	}
	o := s.options(main)
	r, err := Install(o)
	wantAction(t, r, err, ActionAdded)
	if r.Path != script {
		t.Fatalf("edited %s; want the link's target", r.Path)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatal("symlink replaced")
	}
	s.worktreeAdd(main, "feature")
	r, err = Uninstall(o)
	wantAction(t, r, err, ActionRemoved)
	if readString(t, script) != content {
		t.Fatal("not restored")
	}
}

func TestFindBlockErrors(t *testing.T) {
	t.Parallel()
	b := Block("/x")
	for name, data := range map[string]string{
		"unterminated": "#!/bin/sh\n" + StartMarker() + "\necho\n",
		"end only":     "#!/bin/sh\n" + EndMarker + "\n",
		"two blocks":   "#!/bin/sh\n" + b + b,
	} {
		if _, _, _, err := findBlock([]byte(data)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	start, end, found, err := findBlock([]byte("#!/bin/sh\n" + strings.TrimSuffix(b, "\n")))
	if err != nil || !found || start != len("#!/bin/sh\n") || end != len("#!/bin/sh\n")+len(b)-1 {
		t.Errorf("block at end of file without newline: %d %d %v %v", start, end, found, err)
	}
}

func TestInterpreter(t *testing.T) {
	t.Parallel()
	for line, want := range map[string]string{
		"#!/bin/sh\n":                     "sh",
		"#! /bin/bash -e\n":               "bash",
		"#!/usr/bin/env bash\n":           "bash",
		"#!/usr/bin/env -S zsh -f\n":      "zsh",
		"#!/usr/bin/env python3\n":        "python3",
		"#!/usr/bin/env LANG=C node -x\n": "node",
		"echo hi\n":                       "",
	} {
		if got := interpreter([]byte(line)); got != want {
			t.Errorf("interpreter(%q) = %q; want %q", line, got, want)
		}
	}
}

// TestHookRoots checks, with real git, which directories a hook file may lie in or link
// into: the working tree, and git's hooks directory when it is not in the working tree
// (.git/hooks, or a core.hooksPath elsewhere), wherever that leads. A hooks directory in
// the working tree is committed content, and a symlink in it that leads out is refused.
func TestHookRoots(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	outside := filepath.Join(s.root, "outside")
	put(t, filepath.Join(outside, "keep"), "keep\n", 0o644)
	link := func(target, name string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, name); err != nil {
			t.Fatal(err)
		}
	}
	refused := func(o Options, linkPath string) {
		t.Helper()
		for _, f := range []func(Options) (Result, error){Install, Uninstall} {
			_, err := f(o)
			var esc *safefile.EscapeError
			if !errors.As(err, &esc) || esc.Link != linkPath {
				t.Errorf("got %v; want a refusal naming %s", err, linkPath)
			}
		}
	}

	// .git/hooks is the user's own symlink to a shared directory: it is git's hooks
	// directory, a root of its own, so the hook goes there.
	shared := filepath.Join(s.root, "shared-hooks")
	if err := os.MkdirAll(shared, 0o755); err != nil {
		t.Fatal(err)
	}
	a := s.repo("a")
	if err := os.RemoveAll(filepath.Join(a, ".git", "hooks")); err != nil {
		t.Fatal(err)
	}
	link(shared, filepath.Join(a, ".git", "hooks"))
	r, err := Install(s.options(a))
	wantAction(t, r, err, ActionCreated)
	if _, err := os.Stat(filepath.Join(shared, HookName)); err != nil {
		t.Errorf("no hook in the shared directory: %v", err)
	}

	// A global core.hooksPath outside the repository is a root too; a hook file in it
	// that links further out is not.
	b := s.repo("b")
	global := filepath.Join(s.root, "global-hooks")
	s.git(b, "config", "core.hooksPath", global)
	r, err = Install(s.options(b))
	wantAction(t, r, err, ActionCreated)
	if err := os.Remove(filepath.Join(global, HookName)); err != nil {
		t.Fatal(err)
	}
	link(filepath.Join(outside, "keep"), filepath.Join(global, HookName))
	refused(s.options(b), filepath.Join(global, HookName))

	// A committed hooks directory that links out, named by a relative or an absolute
	// core.hooksPath: refused, and git's resolved --git-path hooks does not hide it.
	c := s.repo("c")
	link("../outside", filepath.Join(c, ".githooks"))
	s.git(c, "config", "core.hooksPath", ".githooks")
	refused(s.options(c), filepath.Join(c, ".githooks"))
	s.git(c, "config", "core.hooksPath", filepath.Join(c, ".githooks"))
	refused(s.options(c), filepath.Join(c, ".githooks"))

	if got := readString(t, filepath.Join(outside, "keep")); got != "keep\n" {
		t.Errorf("the outside file changed: %q", got)
	}
	if ents, _ := os.ReadDir(outside); len(ents) != 1 {
		t.Errorf("the outside directory holds %d files, want 1", len(ents))
	}
}
