package reserve

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/git-worktree-ports/git-worktree-ports/internal/safefile"
)

func TestWriteAtomic(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := filepath.Join(dir, FileName)
	for _, content := range []string{"first\n", "second, longer\n", ""} {
		if err := WriteAtomic(p, []byte(content)); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != content {
			t.Errorf("content = %q, want %q", got, content)
		}
	}
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	// The umask is process-wide, so read it from a file the kernel
	// created rather than by changing it under parallel tests.
	ref := filepath.Join(dir, "ref")
	if err := os.WriteFile(ref, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	rfi, err := os.Stat(ref)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != rfi.Mode().Perm() {
		t.Errorf("mode = %v, want %v (0644 less the umask)", fi.Mode().Perm(), rfi.Mode().Perm())
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != FileName && e.Name() != "ref" {
			t.Errorf("left behind %s", e.Name())
		}
	}
}

func TestWriteAtomicReplacesSymlink(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	target := filepath.Join(dir, "target")
	if err := os.WriteFile(target, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, FileName)
	if err := os.Symlink(target, p); err != nil {
		t.Fatal(err)
	}
	if err := WriteAtomic(p, []byte("new")); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(target); string(got) != "keep" {
		t.Errorf("wrote through the symlink: target = %q", got)
	}
	if fi, err := os.Lstat(p); err != nil || !fi.Mode().IsRegular() {
		t.Errorf("path is not a regular file after the write: %v %v", fi, err)
	}
}

func TestWriteAtomicFailureLeavesNoTemp(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	// Renaming a file over a non-empty directory fails after the
	// temporary file is written.
	p := filepath.Join(dir, FileName)
	if err := os.MkdirAll(filepath.Join(p, "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	err := WriteAtomic(p, []byte("data"))
	if err == nil {
		t.Fatal("WriteAtomic over a directory succeeded")
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if IsTempName(e.Name()) {
			t.Errorf("left behind %s after %v", e.Name(), err)
		}
	}
	if fi, err := os.Stat(p); err != nil || !fi.IsDir() {
		t.Errorf("the directory at path changed: %v %v", fi, err)
	}
}

func TestIsTempName(t *testing.T) {
	t.Parallel()
	tests := map[string]bool{
		".worktree-ports.json.tmp-abc123":  true,
		".worktree-ports.json.tmp-1":       true,
		".worktree-ports.json.tmp-":        false,
		".worktree-ports.json":             false,
		"worktree-ports.json.tmp-abc":      false,
		".worktree-ports.config.json":      false,
		"x.worktree-ports.json.tmp-abc123": false,
	}
	for name, want := range tests {
		if got := IsTempName(name); got != want {
			t.Errorf("IsTempName(%q) = %v, want %v", name, got, want)
		}
		if want {
			if ok, err := filepath.Match(TempPattern, name); err != nil || !ok {
				t.Errorf("TempPattern %q does not match %q", TempPattern, name)
			}
		}
	}
	// The names WriteAtomic really uses are recognised.
	tmp := safefile.TempName(FileName, writeOptions)
	if !IsTempName(tmp) {
		t.Errorf("IsTempName(%q) = false for a real temporary name", tmp)
	}
}
