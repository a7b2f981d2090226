package registry

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/git-worktree-ports/git-worktree-ports/internal/safefile"
)

// keep records a file that must stay byte-identical and checks it at the end of the test.
func keep(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		got, err := os.ReadFile(path)
		if err != nil || string(got) != content {
			t.Errorf("%s changed: %q, %v", path, got, err)
		}
	})
}

// An index directory that is a symlink leading out of the state directory (planted by
// whoever could write there, or reached through an XDG_STATE_HOME pointed at a
// repository) is never written through: Register and LockUser refuse, naming the link
// and where it leads, and the outside directory gets no file.
func TestIndexDirSymlinkRefused(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	outside := filepath.Join(tmp, "ssh")
	if err := os.Mkdir(outside, 0o700); err != nil {
		t.Fatal(err)
	}
	keep(t, filepath.Join(outside, "authorized_keys"), "ssh-ed25519 AAAA me\n")
	state := filepath.Join(tmp, "state")
	if err := os.Mkdir(state, 0o700); err != nil {
		t.Fatal(err)
	}
	x := Index{Dir: filepath.Join(state, DirName)}
	if err := os.Symlink("../ssh", x.Dir); err != nil {
		t.Fatal(err)
	}
	common := newRepo(t, tmp, "backend")

	_, err := x.Register(Entry{CommonDir: common})
	checkEscape(t, "Register", err, x.Dir, outside)
	_, err = x.LockUser(context.Background(), 0, nil)
	checkEscape(t, "LockUser", err, x.Dir, outside)

	ents, _ := os.ReadDir(outside)
	if len(ents) != 1 {
		t.Errorf("the outside directory holds %d files, want only authorized_keys", len(ents))
	}
}

// An entry file that is a symlink is replaced by the entry, never written through; a lock
// file that is a symlink leading out is refused, since flock would open (and create) its
// target.
func TestIndexFileSymlinks(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	x := Index{Dir: filepath.Join(tmp, "state", DirName)}
	if err := os.MkdirAll(x.Dir, 0o700); err != nil {
		t.Fatal(err)
	}
	bashrc := filepath.Join(tmp, "bashrc")
	keep(t, bashrc, "alias ll='ls -l'\n")
	common := newRepo(t, tmp, "backend")
	entry := x.Path(common)
	if err := os.Symlink(bashrc, entry); err != nil {
		t.Fatal(err)
	}
	if added, err := x.Register(Entry{CommonDir: common}); err != nil || !added {
		t.Fatalf("Register over a symlinked entry = %v, %v", added, err)
	}
	if fi, err := os.Lstat(entry); err != nil || !fi.Mode().IsRegular() {
		t.Errorf("the entry is not a file of its own: %v, %v", fi, err)
	}

	missing := filepath.Join(tmp, "created-by-lock")
	if err := os.Symlink(missing, filepath.Join(x.Dir, LockFileName)); err != nil {
		t.Fatal(err)
	}
	_, err := x.LockUser(context.Background(), 0, nil)
	checkEscape(t, "LockUser", err, filepath.Join(x.Dir, LockFileName), missing)
	if _, err := os.Lstat(missing); !os.IsNotExist(err) {
		t.Errorf("LockUser created the lock's outside target: %v", err)
	}
}

// A state directory that is itself a symlink (a user's own choice, like a moved
// ~/.local/state) is the root, and works.
func TestStateDirSymlinkWorks(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	real := filepath.Join(tmp, "elsewhere")
	if err := os.Mkdir(real, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("elsewhere", filepath.Join(tmp, "state")); err != nil {
		t.Fatal(err)
	}
	x := Index{Dir: filepath.Join(tmp, "state", DirName)}
	common := newRepo(t, tmp, "backend")
	if _, err := x.Register(Entry{CommonDir: common}); err != nil {
		t.Fatal(err)
	}
	release, err := x.LockUser(context.Background(), 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	release()
	if _, err := os.Stat(filepath.Join(real, DirName, filepath.Base(x.Path(common)))); err != nil {
		t.Errorf("the entry is not in the real state directory: %v", err)
	}
}

func checkEscape(t *testing.T, what string, err error, link, target string) {
	t.Helper()
	var esc *safefile.EscapeError
	if !errors.As(err, &esc) {
		t.Errorf("%s: %v; want a *safefile.EscapeError", what, err)
		return
	}
	if esc.Link != link || !strings.Contains(err.Error(), "is a symlink to "+target+", outside ") {
		t.Errorf("%s: %v; want it to name %s and where it leads, %s", what, err, link, target)
	}
}
