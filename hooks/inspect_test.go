package hooks

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestInspectAgreesWithInstall holds Inspect to the file Install writes, for every
// spelling of core.hooksPath: doctor once looked elsewhere under husky's ".husky/_/".
func TestInspectAgreesWithInstall(t *testing.T) {
	for _, c := range []struct {
		name      string
		hooksPath string // core.hooksPath, relative to the top level; "" for .git/hooks
		want      string // where the hook lives, relative to the top level
	}{
		{"git's own", "", ".git/hooks/post-checkout"},
		{"husky 9", ".husky/_", ".husky/post-checkout"},
		{"husky 9, trailing slash", ".husky/_/", ".husky/post-checkout"},
		{"husky 9, dot segment", "./.husky/_", ".husky/post-checkout"},
		{"husky 4 to 8", ".husky", ".husky/post-checkout"},
		{"husky 4 to 8, trailing slash", ".husky/", ".husky/post-checkout"},
		{"a committed folder", ".githooks", ".githooks/post-checkout"},
	} {
		t.Run(c.name, func(t *testing.T) {
			top := t.TempDir()
			hooksDir := filepath.Join(top, ".git", "hooks")
			if c.hooksPath != "" {
				// As git prints it: absolute, clean.
				hooksDir = filepath.Join(top, c.hooksPath)
			}
			o := Options{HooksDir: hooksDir, HooksPath: c.hooksPath, Toplevel: top, Binary: "/usr/bin/git-worktree-ports"}
			want := filepath.Join(top, c.want)

			st, err := Inspect(o)
			if err != nil || st != (State{Path: want}) {
				t.Fatalf("before install: Inspect = %+v, %v; want nothing at %s", st, err, want)
			}
			r, err := Install(o)
			if err != nil {
				t.Fatal(err)
			}
			if r.Path != want {
				t.Fatalf("Install wrote %s; want %s", r.Path, want)
			}
			st, err = Inspect(o)
			if err != nil || st != (State{Path: want, Exists: true, Installed: true, Version: Version}) {
				t.Fatalf("after install: Inspect = %+v, %v", st, err)
			}
		})
	}
}

func TestInspectContents(t *testing.T) {
	old := strings.Replace(File("/bin/x"), StartMarker(), StartMarkerPrefix+" (v2) >>>", 1)
	for _, c := range []struct {
		name string
		data string
		want State
	}{
		{"ours", File("/bin/x"), State{Exists: true, Installed: true, Version: Version}},
		{"an older block", old, State{Exists: true, Installed: true, Version: 2}},
		{"a foreign hook", "#!/bin/sh\necho hi\n", State{Exists: true}},
		{"a foreign hook with our block", "#!/bin/sh\n" + Block("/bin/x") + "echo hi\n", State{Exists: true, Installed: true, Version: Version}},
		{"empty", "", State{Exists: true}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, HookName)
			put(t, path, c.data, 0o755)
			c.want.Path = path
			st, err := Inspect(Options{HooksDir: dir})
			if err != nil || st != c.want {
				t.Fatalf("Inspect = %+v, %v; want %+v", st, err, c.want)
			}
		})
	}
}

func TestInspectDanglingSymlink(t *testing.T) {
	dir := t.TempDir()
	if err := os.Symlink(filepath.Join(dir, "gone"), filepath.Join(dir, HookName)); err != nil {
		t.Fatal(err)
	}
	st, err := Inspect(Options{HooksDir: dir})
	if err != nil || st.Exists || st.Installed {
		t.Fatalf("Inspect = %+v, %v; want not installed", st, err)
	}
}
