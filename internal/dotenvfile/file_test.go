//go:build unix

package dotenvfile

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/git-worktree-ports/git-worktree-ports/internal/gittest"
	"github.com/git-worktree-ports/git-worktree-ports/internal/render"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
)

var vars = []render.Var{{Name: "API_PORT", Value: "21340"}, {Name: "API_URL", Value: "http://localhost:21340/a b"}}

func keep(t *testing.T, sb *gittest.Sandbox, root string, files ...string) ([]string, []string) {
	t.Helper()
	var warnings []string
	changed, _ := Keep(context.Background(), Options{Root: root, Files: files, Env: sb.Env, Warn: func(s string) { warnings = append(warnings, s) }}, vars)
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
// names it, and the others are still written. A symlink is refused wherever it is on
// the path, even one that stays inside the worktree: the write never follows one.
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
		"adir.env", "loop.env", "inside.env", "plain.env")
	for _, want := range []string{
		"dotenv file tracked.env: refused: git tracks it",
		"dotenv file app.env: refused: app.env is a symlink (to config/app.env); a dotenv file is never written through a symlink",
		"dotenv file ../outside/.env: refused: a path with .. may leave the worktree",
		"dotenv file sub/../../outside/.env: refused: a path with ..",
		"refused: not relative to the worktree's top level",
		"dotenv file out/.env: refused: out is a symlink (to " + outside + ")",
		"dotenv file escape.env: refused: escape.env is a symlink (to ../outside/.env)",
		"dotenv file .git/config: refused: it lies in a git directory",
		"dotenv file gitlink/config: refused: gitlink is a symlink (to .git)",
		"dotenv file .worktree-ports.json: refused: it is git-worktree-ports' own",
		"dotenv file adir.env: left alone: not a regular file (directory)",
		"dotenv file loop.env: refused: loop.env is a symlink",
		"dotenv file inside.env: refused: inside.env is a symlink (to config/inside.env)",
	} {
		if !warned(warnings, want) {
			t.Errorf("no warning %q in\n%s", want, strings.Join(warnings, "\n"))
		}
	}
	if !slices.Equal(changed, []string{"plain.env"}) {
		t.Errorf("changed %q, want only plain.env", changed)
	}
	if got := read(t, filepath.Join(root, "plain.env")); got != block(beginCreated) {
		t.Errorf("plain.env = %q", got)
	}
	if _, err := os.Lstat(filepath.Join(root, "config", "inside.env")); !os.IsNotExist(err) {
		t.Errorf("config/inside.env was created through the symlink: %v", err)
	}
	// And it was not ignored, so the user hears about it.
	if !warned(warnings, "dotenv file plain.env: git does not ignore it") {
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
	changed, warnings = release(t, sb, root, "tracked.env", "out/.env", "plain.env")
	if !slices.Equal(changed, []string{"plain.env"}) || !warned(warnings, "tracked.env: refused") || !warned(warnings, "out/.env: refused") {
		t.Errorf("Release changed %q, warned %q", changed, warnings)
	}
	if _, err := os.Lstat(filepath.Join(root, "plain.env")); !os.IsNotExist(err) {
		t.Errorf("plain.env, which the block made, is still there: %v", err)
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

// TestKeepRefusesOtherRepositories: a path through a directory that holds a .git entry
// (a nested worktree, a nested clone, a bare .git file as a submodule has) is another
// repository's, and the tool's own file names are refused at any depth. Release
// refuses the same.
func TestKeepRefusesOtherRepositories(t *testing.T) {
	sb := gittest.New(t)
	root := sb.Repo("repo")
	sb.Git(root, "commit", "-q", "--allow-empty", "-m", "init")
	sb.Git(root, "worktree", "add", "-q", ".worktrees/feat")
	sb.Git(root, "init", "-q", "vendor/lib")
	sb.Write(filepath.Join(root, "vendor", "lib", "Makefile"), "all:\n")
	sb.Write(filepath.Join(root, "mod", ".git"), "gitdir: ../.git/modules/mod\n")
	for _, d := range []string{"sub", "a/b"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	feat := filepath.Join(root, ".worktrees", "feat", ".worktree-ports.json")
	sb.Write(feat, "{}\n")
	files := []string{".worktrees/feat/.env", ".worktrees/feat/.worktree-ports.json", "vendor/lib/Makefile",
		"mod/Makefile", "sub/.worktree-ports.json", "a/b/.worktree-ports.config.json", "a/.WORKTREE-PORTS.json.tmp-1", "a/b/.env"}
	changed, warnings := keep(t, sb, root, files...)
	for _, want := range []string{
		"dotenv file .worktrees/feat/.env: refused: .worktrees/feat holds a .git entry (a nested worktree, a submodule or a nested clone)",
		"dotenv file .worktrees/feat/.worktree-ports.json: refused: it is git-worktree-ports' own file",
		"dotenv file vendor/lib/Makefile: refused: vendor/lib holds a .git entry",
		"dotenv file mod/Makefile: refused: mod holds a .git entry",
		"dotenv file sub/.worktree-ports.json: refused: it is git-worktree-ports' own file",
		"dotenv file a/b/.worktree-ports.config.json: refused: it is git-worktree-ports' own file",
		"dotenv file a/.WORKTREE-PORTS.json.tmp-1: refused: it is git-worktree-ports' own file",
	} {
		if !warned(warnings, want) {
			t.Errorf("no warning %q in\n%s", want, strings.Join(warnings, "\n"))
		}
	}
	if !slices.Equal(changed, []string{"a/b/.env"}) {
		t.Errorf("changed %q, want only a/b/.env", changed)
	}
	if got := read(t, feat); got != "{}\n" {
		t.Errorf("feat's reservation = %q", got)
	}
	if got := read(t, filepath.Join(root, "vendor", "lib", "Makefile")); got != "all:\n" {
		t.Errorf("the nested clone's Makefile = %q", got)
	}
	for _, p := range []string{".worktrees/feat/.env", "mod/Makefile", "sub/.worktree-ports.json", "a/b/.worktree-ports.config.json"} {
		if _, err := os.Lstat(filepath.Join(root, p)); err == nil {
			t.Errorf("%s was created", p)
		}
	}
	changed, warnings = release(t, sb, root, files...)
	if !slices.Equal(changed, []string{"a/b/.env"}) || !warned(warnings, "vendor/lib/Makefile: refused: vendor/lib holds a .git entry") {
		t.Errorf("Release changed %q, warned %q", changed, warnings)
	}
}

// TestKeepAbsoluteSymlinkNotLookedUp: a symlink whose target is absolute is refused by
// its text: the target is never looked up, so a path under a FIFO (which would make a
// lookup fail with "not a directory") or a hung mount costs nothing and is not named as
// the reason.
func TestKeepAbsoluteSymlinkNotLookedUp(t *testing.T) {
	sb := gittest.New(t)
	root := sb.Repo("repo")
	fifo := sb.Path("fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(fifo+"/host/x.env", filepath.Join(root, "net.env")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(fifo+"/host", filepath.Join(root, "net")); err != nil {
		t.Fatal(err)
	}
	changed, warnings := keep(t, sb, root, "net.env", "net/.env")
	want := []string{
		"dotenv file net.env: refused: net.env is a symlink (to " + fifo + "/host/x.env); a dotenv file is never written through a symlink",
		"dotenv file net/.env: refused: net is a symlink (to " + fifo + "/host); a dotenv file is never written through a symlink",
	}
	if len(changed) != 0 || !slices.Equal(warnings, want) {
		t.Errorf("Keep changed %q, warned\n%s\nwant\n%s", changed, strings.Join(warnings, "\n"), strings.Join(want, "\n"))
	}
}

// TestKeepReadOnly: a file its owner made read-only is left alone, with a warning naming
// it, by allocate and by release; the other files are still kept.
func TestKeepReadOnly(t *testing.T) {
	sb := gittest.New(t)
	root := sb.Repo("repo")
	ro := filepath.Join(root, "ro.env")
	sb.Write(ro, "MINE=1\n")
	if err := os.Chmod(ro, 0o444); err != nil {
		t.Fatal(err)
	}
	changed, warnings := keep(t, sb, root, "ro.env", ".env")
	if !slices.Equal(changed, []string{".env"}) || !warned(warnings, "dotenv file ro.env: left alone: it is read-only (mode 0444)") {
		t.Errorf("Keep changed %q, warned %q", changed, warnings)
	}
	if got := read(t, ro); got != "MINE=1\n" {
		t.Errorf("ro.env = %q", got)
	}
	// A block already in a file made read-only since stays too.
	if err := os.Chmod(ro, 0o644); err != nil {
		t.Fatal(err)
	}
	keep(t, sb, root, "ro.env")
	if err := os.Chmod(ro, 0o444); err != nil {
		t.Fatal(err)
	}
	withBlock := read(t, ro)
	changed, warnings = release(t, sb, root, "ro.env")
	if len(changed) != 0 || !warned(warnings, "dotenv file ro.env: block not removed: it is read-only (mode 0444)") {
		t.Errorf("Release changed %q, warned %q", changed, warnings)
	}
	if got := read(t, ro); got != withBlock {
		t.Errorf("ro.env = %q, want %q", got, withBlock)
	}
}

// TestKeepRemovesLeftovers: a temporary file an interrupted write left (a full copy of
// the file, secrets included) is removed by the next Keep, in each directory it writes
// in, and only files of our pattern are.
func TestKeepRemovesLeftovers(t *testing.T) {
	sb := gittest.New(t)
	root := sb.Repo("repo")
	left := filepath.Join(root, "server", reserve.DotenvTempPrefix+"k2j3h4")
	sb.Write(left, "SECRET=s3cret\n")
	sb.Write(filepath.Join(root, "server", "notours.tmp-1"), "x\n")
	sb.Write(filepath.Join(root, "elsewhere", reserve.DotenvTempPrefix+"1"), "x\n")
	changed, warnings := keep(t, sb, root, "server/.env")
	if !slices.Equal(changed, []string{"server/.env"}) || !warned(warnings, "dotenv file server/.env: removed server/"+reserve.DotenvTempPrefix+"k2j3h4, left beside it by an interrupted write") {
		t.Errorf("Keep changed %q, warned %q", changed, warnings)
	}
	if _, err := os.Lstat(left); !os.IsNotExist(err) {
		t.Errorf("the leftover is still there: %v", err)
	}
	for _, p := range []string{"server/notours.tmp-1", "elsewhere/" + reserve.DotenvTempPrefix + "1"} {
		if _, err := os.Lstat(filepath.Join(root, p)); err != nil {
			t.Errorf("%s was removed: %v", p, err)
		}
	}
	// Nothing of ours is left by the write itself.
	ents, _ := os.ReadDir(filepath.Join(root, "server"))
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), reserve.DotenvTempPrefix) {
			t.Errorf("server/%s left", e.Name())
		}
	}
}

// TestWithdraw: the block goes from the listed files that are not in effect, byte for
// byte as Release leaves them; a file in effect keeps its block; a refused path, a
// missing file and a file with no block of ours are passed over without a word; a
// read-only file with our block is warned about.
func TestWithdraw(t *testing.T) {
	sb := gittest.New(t)
	root := sb.Repo("repo")
	sb.Write(filepath.Join(root, ".gitignore"), ".env*\nserver/\n")
	sb.Write(filepath.Join(root, "server", ".env.local"), "SECRET=s3\n")
	sb.Write(filepath.Join(root, ".env.mine"), "MINE=1\n")
	before := read(t, filepath.Join(root, "server", ".env.local"))
	if changed, warnings := keep(t, sb, root, ".env", "server/.env.local", ".env.kept", ".env.ro"); len(changed) != 4 || len(warnings) != 0 {
		t.Fatalf("Keep changed %q, warned %q", changed, warnings)
	}
	ro := filepath.Join(root, ".env.ro")
	withRO := read(t, ro)
	if err := os.Chmod(ro, 0o444); err != nil {
		t.Fatal(err)
	}

	var warnings []string
	listed := []string{".env", "server/.env.local", ".env.kept", ".env.mine", ".env.missing", "../outside", ".git/config", ".env.ro"}
	changed := Withdraw(context.Background(), Options{Root: root, Files: listed, Env: sb.Env, Warn: func(s string) { warnings = append(warnings, s) }}, []string{".env.kept"})
	if !slices.Equal(changed, []string{".env", "server/.env.local"}) {
		t.Errorf("Withdraw changed %q", changed)
	}
	if len(warnings) != 1 || !warned(warnings, "dotenv file .env.ro: block not removed: it is read-only") {
		t.Errorf("warnings = %q", warnings)
	}
	if _, err := os.Lstat(filepath.Join(root, ".env")); !os.IsNotExist(err) {
		t.Errorf(".env, which the block made, is still there: %v", err)
	}
	if got := read(t, filepath.Join(root, "server", ".env.local")); got != before {
		t.Errorf("server/.env.local = %q, want %q", got, before)
	}
	if got := read(t, filepath.Join(root, ".env.kept")); got != block(beginCreated) {
		t.Errorf(".env.kept, in effect, = %q", got)
	}
	if got := read(t, filepath.Join(root, ".env.mine")); got != "MINE=1\n" {
		t.Errorf(".env.mine = %q", got)
	}
	if got := read(t, ro); got != withRO {
		t.Errorf(".env.ro = %q", got)
	}
	// Everything in effect: nothing to do, not even a git process.
	if changed := Withdraw(context.Background(), Options{Root: root, Files: []string{".env.kept"}}, []string{".env.kept"}); changed != nil {
		t.Errorf("Withdraw of files in effect changed %q", changed)
	}
}
