package fspath

import (
	"os"
	"path/filepath"
	"testing"
)

func TestSameAndEqual(t *testing.T) {
	root := Real(t.TempDir())
	dir := filepath.Join(root, "dir")
	other := filepath.Join(root, "other")
	link := filepath.Join(root, "link")
	for _, d := range []string{dir, other} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(dir, link); err != nil {
		t.Skip("no symlinks here:", err)
	}
	gone := filepath.Join(root, "gone")
	tests := []struct {
		a, b        string
		equal, same bool
	}{
		{dir, dir, true, true},
		{dir, dir + "/", true, true},
		{dir, root + "/x/../dir", true, true},
		{dir, link, false, true},        // one directory, two spellings
		{dir, other, false, false},      // two directories
		{gone, gone + "/.", true, true}, // text alone, when nothing is there
		{gone, filepath.Join(root, "gone2"), false, false},
		{dir, "dir", false, false}, // a relative path is not resolved against anything here
	}
	for _, tt := range tests {
		if got := Equal(tt.a, tt.b); got != tt.equal {
			t.Errorf("Equal(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.equal)
		}
		if got := Same(tt.a, tt.b); got != tt.same {
			t.Errorf("Same(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.same)
		}
	}
	if got := Real(link); got != dir {
		t.Errorf("Real(%q) = %q, want %q", link, got, dir)
	}
	if got := Real(gone + "/"); got != gone {
		t.Errorf("Real(%q) = %q, want %q", gone+"/", got, gone)
	}
	t.Chdir(root)
	if got := Canonical("link/../link"); got != dir {
		t.Errorf("Canonical(link/../link) = %q, want %q", got, dir)
	}
}

// TestDotDotAfterSymlink: ".." after a symlink leaves the symlink's target, as the kernel
// (and so git) reads it, not the symlink's parent as cleaning the text would.
func TestDotDotAfterSymlink(t *testing.T) {
	root := Real(t.TempDir())
	for _, d := range []string{"real/deep", "real/x", "top/x"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join(root, "real", "deep"), filepath.Join(root, "top", "sym")); err != nil {
		t.Skip("no symlinks here:", err)
	}
	top := filepath.Join(root, "top")
	p := JoinPhysical(top, "sym/../x")
	if want := filepath.Join(root, "real", "x"); Real(p) != want {
		t.Errorf("Real(%q) = %q, want %q", p, Real(p), want)
	}
	if Same(p, filepath.Join(top, "x")) {
		t.Errorf("Same(%q, top/x) = true: compared as text", p)
	}
	if !Same(p, filepath.Join(root, "real", "x")) {
		t.Errorf("Same(%q, real/x) = false", p)
	}
	if got := JoinPhysical(top, "/abs"); got != "/abs" {
		t.Errorf("JoinPhysical(top, /abs) = %q", got)
	}
	if got := Real(JoinPhysical(top, "missing/../x")); got != filepath.Join(top, "x") {
		t.Errorf("a path that cannot be resolved is cleaned: %q", got)
	}
}

// TestEqualOn: names are compared as each system's file systems compare them by default:
// without case on Windows and macOS, byte for byte on Linux and the BSDs.
func TestEqualOn(t *testing.T) {
	for _, tt := range []struct {
		a, b                   string
		linux, darwin, windows bool
	}{
		{"/src/Shop", "/src/shop", false, true, true},
		{"/src/shop/", "/src/shop", true, true, true},
		{"/src/ÉTÉ", "/src/été", false, true, true},
		{"/src/shop", "/src/shop2", false, false, false},
	} {
		for goos, want := range map[string]bool{"linux": tt.linux, "freebsd": tt.linux, "darwin": tt.darwin, "windows": tt.windows} {
			if got := EqualOn(goos, tt.a, tt.b); got != want {
				t.Errorf("EqualOn(%s, %q, %q) = %v, want %v", goos, tt.a, tt.b, got, want)
			}
		}
	}
}
