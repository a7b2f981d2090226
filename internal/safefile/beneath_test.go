//go:build unix

package safefile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// beneathTree builds a root with a real directory, symlinks to directories inside and
// outside it, a FIFO and a file outside that must never change.
func beneathTree(t *testing.T) (root, outside string) {
	t.Helper()
	base := t.TempDir()
	root = filepath.Join(base, "repo")
	outside = filepath.Join(base, "outside")
	for _, d := range []string{root + "/a/b", root + "/.git", outside} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(outside+"/secret", []byte("keep\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(root+"/fifo", 0o644); err != nil {
		t.Fatal(err)
	}
	for link, to := range map[string]string{
		root + "/in":      "a",           // a directory inside
		root + "/a/up":    "..",          // the root itself
		root + "/gitlink": ".git",        // the git directory
		root + "/out":     outside,       // absolute, outside
		root + "/a/file":  "../a/b/real", // a file, inside
		root + "/abs":     "/nonexistent-gwp/fifo/x",
	} {
		if err := os.Symlink(to, link); err != nil {
			t.Fatal(err)
		}
	}
	return root, outside
}

// eachResolver runs f with openat2 (on Linux) and with the O_NOFOLLOW walk.
func eachResolver(t *testing.T, f func(t *testing.T)) {
	t.Run("default", f)
	t.Run("walk", func(t *testing.T) {
		forceWalk(t)
		f(t)
	})
}

// TestOpenBeneath: a symlink anywhere on the way is refused, inside or out, by openat2
// and by the walk alike, and the refusal names it.
func TestOpenBeneath(t *testing.T) {
	root, _ := beneathTree(t)
	eachResolver(t, func(t *testing.T) {
		for _, tt := range []struct {
			rel     string
			want    string // the directory opened; "" refused
			symlink string // for a refusal by symlink: the path named
		}{
			{".", root, ""},
			{"", root, ""},
			{"a", root + "/a", ""},
			{"a/b", root + "/a/b", ""},
			{"./a//b/", root + "/a/b", ""},
			{"in", "", root + "/in"},
			{"in/b", "", root + "/in"},
			{"a/up", "", root + "/a/up"},
			{"a/up/a", "", root + "/a/up"},
			{"gitlink", "", root + "/gitlink"},
			{"out", "", root + "/out"},
			{"abs", "", root + "/abs"},
			{"../outside", "", ""},
			{"a/../../outside", "", ""},
			{root + "/a", "", ""},
			{"missing", "", ""},
			{"fifo", "", ""},
		} {
			d, err := OpenBeneath(root, tt.rel)
			if tt.want != "" {
				if err != nil || d.Path != tt.want {
					t.Errorf("OpenBeneath(%q) = %v, %v; want %s", tt.rel, d, err, tt.want)
				}
				if d != nil {
					d.Close()
				}
				continue
			}
			if err == nil {
				d.Close()
				t.Errorf("OpenBeneath(%q) opened %s", tt.rel, d.Path)
				continue
			}
			var se *SymlinkError
			if tt.symlink != "" && (!errors.As(err, &se) || se.Path != tt.symlink) {
				t.Errorf("OpenBeneath(%q) = %v; want a SymlinkError naming %s", tt.rel, err, tt.symlink)
			}
		}
		if _, err := OpenBeneath(root, "missing/x"); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("a missing directory: %v, want ErrNotExist", err)
		}
	})
}

// TestDirFiles: ReadFile refuses a symlink and a FIFO without blocking; WriteAtomic
// replaces a symlink at the name rather than writing through it, creates its temporary
// file with mode 0600 whatever the target's mode, and gives the file the mode asked;
// RemoveTemps removes only regular files with the prefix.
func TestDirFiles(t *testing.T) {
	root, outside := beneathTree(t)
	eachResolver(t, func(t *testing.T) {
		d, err := OpenBeneath(root, "a")
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		if err := os.WriteFile(root+"/a/b/real", []byte("real\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, _, err := d.ReadFile("file", 1024); err == nil || !strings.Contains(err.Error(), "symlink") {
			t.Errorf("ReadFile of a symlink: %v", err)
		}
		top, err := OpenBeneath(root, ".")
		if err != nil {
			t.Fatal(err)
		}
		defer top.Close()
		if _, _, err := top.ReadFile("fifo", 1024); err == nil || !strings.Contains(err.Error(), "FIFO") {
			t.Errorf("ReadFile of a FIFO: %v", err)
		}
		if _, _, err := d.ReadFile("none", 1024); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("ReadFile of a missing file: %v", err)
		}

		var tempMode fs.FileMode
		var tempName string
		testHookTemp = func(f *os.File) {
			fi, _ := f.Stat()
			tempMode, tempName = fi.Mode().Perm(), fi.Name()
		}
		defer func() { testHookTemp = nil }()
		if err := d.WriteAtomic("new.env", []byte("A=1\n"), 0o640, ".tmpx-"); err != nil {
			t.Fatal(err)
		}
		if tempMode != 0o600 || !strings.HasPrefix(tempName, ".tmpx-") {
			t.Errorf("temporary file %s had mode %04o, want 0600", tempName, tempMode)
		}
		data, mode, err := d.ReadFile("new.env", 1024)
		if err != nil || string(data) != "A=1\n" || mode != 0o640 {
			t.Errorf("new.env: %q %04o %v", data, mode, err)
		}
		// A symlink at the name is replaced; its target is untouched.
		if err := d.WriteAtomic("file", []byte("B=1\n"), 0o644, ".tmpx-"); err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Lstat(root + "/a/file"); err != nil || !fi.Mode().IsRegular() {
			t.Errorf("a/file is not a regular file now: %v", err)
		}
		if got, _ := os.ReadFile(root + "/a/b/real"); string(got) != "real\n" {
			t.Errorf("the symlink's target was written: %q", got)
		}

		// Leftovers: ours go, nothing else.
		for name, data := range map[string]string{".tmpx-abc": "SECRET=1\n", ".tmpx-": "not ours: no suffix\n", "x.tmpx-1": "no\n"} {
			if err := os.WriteFile(root+"/a/"+name, []byte(data), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Symlink(outside+"/secret", root+"/a/.tmpx-link"); err != nil {
			t.Fatal(err)
		}
		if err := os.Mkdir(root+"/a/.tmpx-dir", 0o755); err != nil {
			t.Fatal(err)
		}
		removed, err := d.RemoveTemps(".tmpx-")
		if err != nil || len(removed) != 1 || removed[0] != ".tmpx-abc" {
			t.Errorf("RemoveTemps = %q, %v; want only .tmpx-abc", removed, err)
		}
		for _, name := range []string{".tmpx-", "x.tmpx-1", ".tmpx-link", ".tmpx-dir"} {
			if _, err := os.Lstat(root + "/a/" + name); err != nil {
				t.Errorf("%s was removed: %v", name, err)
			}
			os.RemoveAll(root + "/a/" + name)
		}
		if got, _ := os.ReadFile(outside + "/secret"); string(got) != "keep\n" {
			t.Errorf("outside/secret = %q", got)
		}
		if err := d.Remove("new.env"); err != nil {
			t.Fatal(err)
		}
		os.Remove(root + "/a/file")
		os.Symlink("../a/b/real", root+"/a/file")
	})
}

// TestUmasked: a new file's mode is what the kernel would give it under the process's
// umask, read without changing it.
func TestUmasked(t *testing.T) {
	dir := t.TempDir()
	f, err := os.OpenFile(filepath.Join(dir, "probe"), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o666)
	if err != nil {
		t.Fatal(err)
	}
	fi, _ := f.Stat()
	f.Close()
	if got := Umasked(0o666); got != fi.Mode().Perm() {
		t.Errorf("Umasked(0666) = %04o; the kernel gave %04o", got, fi.Mode().Perm())
	}
}
