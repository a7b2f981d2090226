package registry

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/git-worktree-ports/git-worktree-ports/internal/fspath"
)

// newRepo makes a directory that stands for a repository's common git
// directory and returns its canonical path.
func newRepo(t testing.TB, parent, name string) string {
	t.Helper()
	d := filepath.Join(parent, name, ".git")
	if err := os.MkdirAll(d, 0o755); err != nil {
		t.Fatal(err)
	}
	return fspath.Canonical(d)
}

func TestDir(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		env     map[string]string
		want    string
		wantErr bool
	}{
		{"XDG_STATE_HOME", map[string]string{"XDG_STATE_HOME": "/s", "HOME": "/h"}, "/s/git-worktree-ports", false},
		{"default", map[string]string{"HOME": "/h"}, "/h/.local/state/git-worktree-ports", false},
		{"relative XDG_STATE_HOME is ignored", map[string]string{"XDG_STATE_HOME": "state", "HOME": "/h"}, "/h/.local/state/git-worktree-ports", false},
		{"no HOME", map[string]string{}, "", true},
		{"relative HOME", map[string]string{"HOME": "h"}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Dir(func(k string) string { return tt.env[k] })
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("Dir = %q, %v; want %q, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestRegisterForget(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	x := Index{Dir: filepath.Join(tmp, "state", DirName)}
	common := newRepo(t, tmp, "backend")
	e := Entry{CommonDir: common, MainPath: filepath.Dir(common)}

	added, err := x.Register(e)
	if err != nil || !added {
		t.Fatalf("Register = %v, %v; want added", added, err)
	}
	fi, err := os.Stat(x.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o700 {
		t.Errorf("index directory mode %v, want 0700", fi.Mode().Perm())
	}
	path := x.Path(common)
	if !isEntryName(filepath.Base(path)) {
		t.Errorf("entry file %s does not look like an entry", path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"version": 1`, `"common_dir": "` + common + `"`, `"name": "backend"`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("entry file lacks %s:\n%s", want, data)
		}
	}

	// A second Register must not touch the file: same bytes, same mtime.
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
	added, err = x.Register(e)
	if err != nil || added {
		t.Fatalf("second Register = %v, %v; want not added", added, err)
	}
	again, _ := os.ReadFile(path)
	if string(again) != string(data) {
		t.Errorf("second Register changed the file:\n%s", again)
	}
	if fi, err := os.Stat(path); err != nil || !fi.ModTime().Equal(old) {
		t.Errorf("second Register rewrote the file: mtime %v, want %v", fi.ModTime(), old)
	}

	// The same repository through a symlink is the same entry.
	link := filepath.Join(tmp, "link")
	if err := os.Symlink(filepath.Dir(common), link); err != nil {
		t.Fatal(err)
	}
	if added, err := x.Register(Entry{CommonDir: filepath.Join(link, ".git"), MainPath: filepath.Dir(common)}); err != nil || added {
		t.Errorf("Register through a symlink = %v, %v; want the existing entry", added, err)
	}

	// A changed name updates the entry, which is not an addition.
	e.Name = "api"
	if added, err := x.Register(e); err != nil || added {
		t.Errorf("Register with a new name = %v, %v; want an update", added, err)
	}
	got, _, warnings, err := x.Entries()
	if err != nil || len(warnings) != 0 || len(got) != 1 || got[0].Name != "api" || got[0].CommonDir != common {
		t.Fatalf("Entries = %+v, %q, %v", got, warnings, err)
	}

	if _, err := x.Register(Entry{CommonDir: "relative/.git"}); err == nil {
		t.Error("Register accepted a relative common directory")
	}

	ok, err := x.Forget(common + "/")
	if err != nil || !ok {
		t.Fatalf("Forget = %v, %v", ok, err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("entry file still there after Forget: %v", err)
	}
	if ok, err := x.Forget(common); err != nil || ok {
		t.Errorf("second Forget = %v, %v; want false", ok, err)
	}
	if ok, err := (Index{Dir: filepath.Join(tmp, "none")}).Forget(common); err != nil || ok {
		t.Errorf("Forget without an index = %v, %v; want false", ok, err)
	}
}

// TestForgetMovedSymlink forgets a repository by the path it was
// registered under after that path stopped resolving the same way.
func TestForgetMovedSymlink(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	x := Index{Dir: filepath.Join(tmp, "idx")}
	common := newRepo(t, tmp, "r")
	if _, err := x.Register(Entry{CommonDir: common}); err != nil {
		t.Fatal(err)
	}
	// Rename a file under the name of another key, as a hand copy would.
	if err := os.Rename(x.Path(common), filepath.Join(x.Dir, fileName("/elsewhere"))); err != nil {
		t.Fatal(err)
	}
	if ok, err := x.Forget(common); err != nil || !ok {
		t.Errorf("Forget = %v, %v; want it found by content", ok, err)
	}
}

func TestDefaultName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		e    Entry
		want string
	}{
		{Entry{CommonDir: "/src/api/.git", MainPath: "/src/api"}, "api"},
		{Entry{CommonDir: "/src/api/.git"}, "api"},
		{Entry{CommonDir: "/src/api.git", MainPath: "/src/api.git"}, "api"},
		{Entry{CommonDir: "/src/api.git"}, "api"},
		{Entry{CommonDir: "/.git"}, "/"},
	}
	for _, tt := range tests {
		if got := defaultName(tt.e); got != tt.want {
			t.Errorf("defaultName(%+v) = %q, want %q", tt.e, got, tt.want)
		}
	}
}

// TestRegisterConcurrent registers 32 repositories at once into an index
// that does not exist yet.
func TestRegisterConcurrent(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	x := Index{Dir: filepath.Join(tmp, "state", DirName)}
	const n = 32
	commons := make([]string, n)
	for i := range commons {
		commons[i] = newRepo(t, tmp, fmt.Sprintf("repo%02d", i))
	}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	start := make(chan struct{})
	for _, c := range commons {
		wg.Go(func() {
			<-start
			added, err := x.Register(Entry{CommonDir: c, MainPath: filepath.Dir(c)})
			if err == nil && !added {
				err = fmt.Errorf("%s: not added", c)
			}
			errs <- err
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	got, dropped, warnings, err := x.Entries()
	if err != nil || len(dropped) != 0 || len(warnings) != 0 {
		t.Fatalf("Entries: dropped %v, warnings %q, err %v", dropped, warnings, err)
	}
	if len(got) != n {
		t.Fatalf("got %d entries, want %d", len(got), n)
	}
	for i, e := range got {
		if e.CommonDir != commons[i] || e.Name != fmt.Sprintf("repo%02d", i) {
			t.Errorf("entry %d = %+v, want %s", i, e, commons[i])
		}
	}
}

// TestRegisterReplacesBrokenFile registers a repository whose entry file
// is a FIFO or corrupt: Register must not block on it, and replaces it.
func TestRegisterReplacesBrokenFile(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{"fifo", "corrupt"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			tmp := t.TempDir()
			x := Index{Dir: filepath.Join(tmp, "idx")}
			common := newRepo(t, tmp, "r")
			if err := os.MkdirAll(x.Dir, 0o700); err != nil {
				t.Fatal(err)
			}
			path := x.Path(common)
			var err error
			if kind == "fifo" {
				err = mkfifo(path)
			} else {
				err = os.WriteFile(path, []byte(`{"common_dir": `), 0o600)
			}
			if err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() {
				added, err := x.Register(Entry{CommonDir: common})
				if err == nil && !added {
					err = errors.New("not added")
				}
				done <- err
			}()
			select {
			case err := <-done:
				if err != nil {
					t.Fatal(err)
				}
			case <-time.After(2 * time.Second):
				t.Fatal("Register blocked")
			}
			got, _, warnings, err := x.Entries()
			if err != nil || len(warnings) != 0 || len(got) != 1 {
				t.Errorf("Entries = %+v, %q, %v", got, warnings, err)
			}
			des, _ := os.ReadDir(x.Dir)
			if len(des) != 1 {
				t.Errorf("index holds %d files, want only the entry (no temporary files)", len(des))
			}
			if fi, err := os.Stat(path); err != nil || fi.Mode().Perm()&^0o600 != 0 {
				t.Errorf("entry file: %v, %v; want mode at most 0600", fi, err)
			}
		})
	}
}
