//go:build unix

package dotenvfile

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/git-worktree-ports/git-worktree-ports/internal/gittest"
	"github.com/git-worktree-ports/git-worktree-ports/internal/render"
)

var vars = []render.Var{{Name: "API_PORT", Value: "21340"}, {Name: "API_URL", Value: "http://localhost:21340/a b"}}

func keep(t *testing.T, sb *gittest.Sandbox, root string, files ...string) ([]string, []string) {
	t.Helper()
	var warnings []string
	changed := Keep(context.Background(), Options{Root: root, Files: files, Env: sb.Env, Warn: func(s string) { warnings = append(warnings, s) }}, vars)
	return changed, warnings
}

func release(t *testing.T, sb *gittest.Sandbox, root string, files ...string) ([]string, []string) {
	t.Helper()
	var warnings []string
	changed := Release(context.Background(), Options{Root: root, Files: files, Env: sb.Env, Warn: func(s string) { warnings = append(warnings, s) }})
	return changed, warnings
}

func read(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func warned(warnings []string, substr string) bool {
	return slices.ContainsFunc(warnings, func(w string) bool { return strings.Contains(w, substr) })
}

// TestKeepAndRelease: the block goes into each file, a file is created where its
// directory exists, an unchanged block writes nothing, the file's mode is kept, and
// release gives back the bytes of before.
func TestKeepAndRelease(t *testing.T) {
	sb := gittest.New(t)
	root := sb.Repo("repo")
	sb.Write(filepath.Join(root, ".gitignore"), ".env*\nserver/.env.local\n")
	sb.Write(filepath.Join(root, "server", ".env.local"), "SECRET=s3\n# mine")
	if err := os.Chmod(filepath.Join(root, "server", ".env.local"), 0o600); err != nil {
		t.Fatal(err)
	}
	before := read(t, filepath.Join(root, "server", ".env.local"))

	changed, warnings := keep(t, sb, root, ".env", "server/.env.local", "client/.env")
	if !slices.Equal(changed, []string{".env", "server/.env.local"}) {
		t.Errorf("Keep changed %q", changed)
	}
	if !warned(warnings, "dotenv file client/.env: not created: its directory client does not exist") || len(warnings) != 1 {
		t.Errorf("warnings = %q", warnings)
	}
	if got := read(t, filepath.Join(root, ".env")); got != block(beginCreated) {
		t.Errorf(".env = %q", got)
	}
	local := filepath.Join(root, "server", ".env.local")
	if got := read(t, local); got != before+"\n"+block(beginJoined) {
		t.Errorf("server/.env.local = %q", got)
	}
	if fi, _ := os.Stat(local); fi.Mode().Perm() != 0o600 {
		t.Errorf("server/.env.local mode = %v, want 0600 kept", fi.Mode().Perm())
	}

	// Nothing changed: nothing written, not even the modification time.
	fi, _ := os.Stat(local)
	if changed, warnings := keep(t, sb, root, ".env", "server/.env.local"); len(changed)+len(warnings) != 0 {
		t.Errorf("second Keep changed %q, warned %q", changed, warnings)
	}
	if fi2, _ := os.Stat(local); !fi2.ModTime().Equal(fi.ModTime()) {
		t.Error("second Keep rewrote an unchanged file")
	}

	changed, warnings = release(t, sb, root, ".env", "server/.env.local")
	if !slices.Equal(changed, []string{".env", "server/.env.local"}) || len(warnings) != 0 {
		t.Errorf("Release changed %q, warned %q", changed, warnings)
	}
	if _, err := os.Lstat(filepath.Join(root, ".env")); !os.IsNotExist(err) {
		t.Errorf(".env, which the block made, is still there: %v", err)
	}
	if got := read(t, local); got != before {
		t.Errorf("after release server/.env.local = %q, want %q", got, before)
	}
	if fi, _ := os.Stat(local); fi.Mode().Perm() != 0o600 {
		t.Errorf("after release mode = %v, want 0600", fi.Mode().Perm())
	}
}

// TestKeepRefuses: each file that may not be written is left alone with a warning that
// names it, and the others are still written.
func TestKeepRefuses(t *testing.T) {
	sb := gittest.New(t)
	root := sb.Repo("repo")
	outside := sb.Path("outside")
	sb.Write(filepath.Join(outside, ".env"), "OUTSIDE=1\n")
	sb.Write(filepath.Join(root, "tracked.env"), "T=1\n")
	sb.Write(filepath.Join(root, "config", "app.env"), "C=1\n")
	sb.Git(root, "add", "tracked.env", "config/app.env")
	sb.Git(root, "commit", "-q", "-m", "tracked files")
	for link, target := range map[string]string{
		"out":          outside,           // a directory leading out
		"escape.env":   "../outside/.env", // a file leading out
		"app.env":      "config/app.env",  // an untracked name for a tracked file
		"inside.env":   "config/inside.env",
		"gitlink":      ".git",
		"loop.env":     "loop.env",
		"dangling.env": "nowhere/x.env",
	} {
		if err := os.Symlink(target, filepath.Join(root, link)); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(root, "adir.env"), 0o755); err != nil {
		t.Fatal(err)
	}

	changed, warnings := keep(t, sb, root,
		"tracked.env", "app.env", "../outside/.env", "sub/../../outside/.env", outside+"/.env",
		"out/.env", "escape.env", ".git/config", "gitlink/config", ".worktree-ports.json",
		"adir.env", "loop.env", "inside.env")
	for _, want := range []string{
		"dotenv file tracked.env: refused: git tracks it",
		"dotenv file app.env: refused: git tracks it",
		"dotenv file ../outside/.env: refused: a path with .. may leave the worktree",
		"dotenv file sub/../../outside/.env: refused: a path with ..",
		"refused: not relative to the worktree's top level",
		"dotenv file out/.env: refused: " + filepath.Join(root, "out", ".env") + ": " + filepath.Join(root, "out") + " is a symlink to " + outside,
		"dotenv file escape.env: refused: " + filepath.Join(root, "escape.env") + " is a symlink to " + filepath.Join(outside, ".env"),
		"dotenv file .git/config: refused: it lies in a git directory",
		"dotenv file gitlink/config: refused: it lies in a git directory",
		"dotenv file .worktree-ports.json: refused: it is git-worktree-ports' own",
		"dotenv file adir.env: left alone: not a regular file (directory)",
		"dotenv file loop.env: refused:",
	} {
		if !warned(warnings, want) {
			t.Errorf("no warning %q in\n%s", want, strings.Join(warnings, "\n"))
		}
	}
	// A symlink that stays inside is followed, as an editor would: the link stays.
	if !slices.Equal(changed, []string{"inside.env"}) {
		t.Errorf("changed %q, want only inside.env", changed)
	}
	if got := read(t, filepath.Join(root, "config", "inside.env")); got != block(beginCreated) {
		t.Errorf("config/inside.env = %q", got)
	}
	if fi, err := os.Lstat(filepath.Join(root, "inside.env")); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("inside.env is no longer a symlink: %v", err)
	}
	// And it was not ignored, so the user hears about it.
	if !warned(warnings, "dotenv file inside.env: git does not ignore it") {
		t.Errorf("no not-ignored warning in\n%s", strings.Join(warnings, "\n"))
	}
	// Nothing refused was touched.
	for path, want := range map[string]string{
		filepath.Join(outside, ".env"):              "OUTSIDE=1\n",
		filepath.Join(root, "tracked.env"):          "T=1\n",
		filepath.Join(root, "config/app.env"):       "C=1\n",
		filepath.Join(root, ".worktree-ports.json"): "",
	} {
		got, err := os.ReadFile(path)
		if want == "" {
			if err == nil {
				t.Errorf("%s was created", path)
			}
			continue
		}
		if string(got) != want {
			t.Errorf("%s = %q, want %q untouched", path, got, want)
		}
	}
	if strings.Contains(read(t, filepath.Join(root, ".git", "config")), "API_PORT") {
		t.Error(".git/config was written")
	}

	// Release refuses the same files, and removes the one block.
	changed, warnings = release(t, sb, root, "tracked.env", "out/.env", "inside.env")
	if !slices.Equal(changed, []string{"inside.env"}) || !warned(warnings, "tracked.env: refused") || !warned(warnings, "out/.env: refused") {
		t.Errorf("Release changed %q, warned %q", changed, warnings)
	}
	if _, err := os.Lstat(filepath.Join(root, "config", "inside.env")); !os.IsNotExist(err) {
		t.Errorf("config/inside.env, which the block made, is still there: %v", err)
	}
}

// TestKeepBrokenBlock: a file whose markers were edited into something else is left
// alone, by allocate and by release.
func TestKeepBrokenBlock(t *testing.T) {
	sb := gittest.New(t)
	root := sb.Repo("repo")
	broken := "A=1\n" + beginPlain + "\nOLD=1\n"
	sb.Write(filepath.Join(root, ".env"), broken)
	if changed, warnings := keep(t, sb, root, ".env"); len(changed) != 0 || !warned(warnings, "dotenv file .env: not written: its git-worktree-ports block is broken (1 begin and 0 end lines") {
		t.Errorf("Keep changed %q, warned %q", changed, warnings)
	}
	if changed, warnings := release(t, sb, root, ".env"); len(changed) != 0 || !warned(warnings, "block not removed: its git-worktree-ports block is broken") {
		t.Errorf("Release changed %q, warned %q", changed, warnings)
	}
	if got := read(t, filepath.Join(root, ".env")); got != broken {
		t.Errorf(".env = %q, want it untouched", got)
	}
}
