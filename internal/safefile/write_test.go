//go:build unix

package safefile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tree builds, for real, a root with symlinks that stay in it and symlinks that lead
// out, next to an outside directory holding a file that must never change.
func tree(t *testing.T) (root, outside string) {
	t.Helper()
	base := t.TempDir()
	root = filepath.Join(base, "repo")
	outside = filepath.Join(base, "outside")
	for _, d := range []string{root + "/scripts", root + "/.husky", root + "/deep/er", outside} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(p, s string) {
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(outside+"/gitconfig", "[user]\n\tname = me\n")
	write(root+"/scripts/hook.sh", "#!/bin/sh\n")
	links := map[string]string{
		root + "/.husky/inside":   "../scripts/hook.sh",                    // a file in the root
		root + "/.husky/abs-in":   root + "/scripts/hook.sh",               // absolute, still in the root
		root + "/.husky/escape":   "../../outside/gitconfig",               // a file outside
		root + "/.husky/abs-out":  outside + "/gitconfig",                  // absolute, outside
		root + "/.husky/missing":  "../../outside/new",                     // dangling, outside
		root + "/.husky/in-miss":  "../scripts/new.sh",                     // dangling, inside
		root + "/.husky/round":    "../../outside/../repo/scripts/hook.sh", // out and back in
		root + "/.husky/chain":    "escape",                                // a link to a link that leads out
		root + "/.husky/loop":     "loop",                                  // a loop
		root + "/dirlink":         "../outside",                            // a directory outside
		root + "/deep/er/up":      "../..",                                 // the root itself
		root + "/deep/er/toohigh": "../../..",                              // the root's parent
	}
	for l, target := range links {
		if err := os.Symlink(target, l); err != nil {
			t.Fatal(err)
		}
	}
	return root, outside
}

func TestResolve(t *testing.T) {
	t.Parallel()
	root, outside := tree(t)
	tests := []struct {
		path   string
		follow bool   // Resolve, else ResolveParent
		want   string // the resolved path; "" means refused
		link   string // for a refusal: the component named as leading out
	}{
		{root + "/.husky/post-checkout", true, root + "/.husky/post-checkout", ""},
		{root + "/.husky/inside", true, root + "/scripts/hook.sh", ""},
		{root + "/.husky/abs-in", true, root + "/scripts/hook.sh", ""},
		{root + "/.husky/round", true, root + "/scripts/hook.sh", ""},
		{root + "/.husky/in-miss", true, root + "/scripts/new.sh", ""},
		{root + "/new/dirs/file", true, root + "/new/dirs/file", ""},
		{root + "/deep/er/up/scripts/hook.sh", true, root + "/scripts/hook.sh", ""},
		{root + "/.husky/escape", true, "", root + "/.husky/escape"},
		{root + "/.husky/abs-out", true, "", root + "/.husky/abs-out"},
		{root + "/.husky/missing", true, "", root + "/.husky/missing"},
		{root + "/.husky/chain", true, "", root + "/.husky/chain"},
		{root + "/dirlink/post-checkout", true, "", root + "/dirlink"},
		{root + "/dirlink/post-checkout", false, "", root + "/dirlink"},
		{root + "/deep/er/toohigh/outside/gitconfig", true, "", root + "/deep/er/toohigh"},
		{outside + "/gitconfig", true, "", ""},
		{root + "/../outside/gitconfig", true, "", ""},
		// ResolveParent leaves the file itself alone: the write replaces the link.
		{root + "/.husky/escape", false, root + "/.husky/escape", ""},
		{root + "/.husky/inside", false, root + "/.husky/inside", ""},
	}
	for _, tt := range tests {
		resolve := ResolveParent
		if tt.follow {
			resolve = Resolve
		}
		got, err := resolve(tt.path, root)
		if tt.want != "" {
			if err != nil || got.Path != tt.want || got.Root != root {
				t.Errorf("resolve(%s, follow=%v) = %+v, %v; want %s under %s", tt.path, tt.follow, got, err, tt.want, root)
			}
			continue
		}
		var esc *EscapeError
		if !errors.As(err, &esc) || esc.Link != tt.link || !strings.Contains(err.Error(), "outside "+root) {
			t.Errorf("resolve(%s, follow=%v) = %+v, %v; want an EscapeError naming link %q", tt.path, tt.follow, got, err, tt.link)
			continue
		}
		if tt.link != "" && !strings.HasPrefix(esc.Target, outside) && esc.Target != filepath.Dir(root) {
			t.Errorf("resolve(%s): target %q is not where the link leads", tt.path, esc.Target)
		}
	}
	if _, err := Resolve(root+"/.husky/loop", root); err == nil || !strings.Contains(err.Error(), "too many levels of symbolic links") {
		t.Errorf("a symlink loop: %v", err)
	}
}

// A second root (git's hooks directory, say) is trusted wherever it is, and a link from
// one root into the other is fine.
func TestResolveSeveralRoots(t *testing.T) {
	t.Parallel()
	root, outside := tree(t)
	hooks := filepath.Join(filepath.Dir(root), "hooks-link")
	if err := os.Symlink("outside", hooks); err != nil {
		t.Fatal(err)
	}
	got, err := Resolve(root+"/.husky/escape", root, hooks)
	if err != nil || got.Path != outside+"/gitconfig" || got.Root != outside {
		t.Errorf("a link into the second root: %+v, %v", got, err)
	}
	got, err = Resolve(hooks+"/post-checkout", root, hooks)
	if err != nil || got.Path != outside+"/post-checkout" || got.Root != outside {
		t.Errorf("a file in a root that is a symlink: %+v, %v", got, err)
	}
	_, err = Resolve(root+"/.husky/escape", root)
	if err == nil {
		t.Error("the same link with one root was not refused")
	}
}

func TestEscapeErrorMessage(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		e    EscapeError
		want string
	}{
		{EscapeError{Path: "/r/.husky/post-checkout", Link: "/r/.husky/post-checkout", Target: "/h/.gitconfig", Roots: []string{"/r"}},
			"/r/.husky/post-checkout is a symlink to /h/.gitconfig, outside /r; refusing to write through it"},
		{EscapeError{Path: "/r/.husky/post-checkout", Link: "/r/.husky", Target: "/o", Roots: []string{"/r", "/r/.git/hooks"}},
			"/r/.husky/post-checkout: /r/.husky is a symlink to /o, outside /r or /r/.git/hooks; refusing to write through it"},
		{EscapeError{Path: "/o/x", Roots: []string{"/r"}},
			"/o/x lies outside /r; refusing to write it"},
	} {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("got  %s\nwant %s", got, tt.want)
		}
	}
}

func TestWriteAtomic(t *testing.T) {
	t.Parallel()
	root, outside := tree(t)
	before, _ := os.ReadFile(outside + "/gitconfig")

	// Through an inside link: the file it points to changes, the link stays a link.
	at, err := Resolve(root+"/.husky/inside", root)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteAtomic(at, []byte("new\n"), WriteOptions{Perm: 0o750, ExactPerm: true, TempPrefix: "."}); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(root + "/scripts/hook.sh"); string(got) != "new\n" {
		t.Errorf("the linked file holds %q", got)
	}
	if fi, err := os.Stat(root + "/scripts/hook.sh"); err != nil || fi.Mode().Perm() != 0o750 {
		t.Errorf("mode: %v, %v", fi, err)
	}
	if fi, err := os.Lstat(root + "/.husky/inside"); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link is no longer a link: %v, %v", fi, err)
	}

	// ResolveParent: an outside link at the file is replaced, never written through.
	at, err = ResolveParent(root+"/.husky/escape", root)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteAtomic(at, []byte("mine\n"), WriteOptions{Perm: 0o644}); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(root + "/.husky/escape"); err != nil || !fi.Mode().IsRegular() {
		t.Errorf("the link was not replaced: %v, %v", fi, err)
	}

	// Missing directories are made inside the root.
	at, err = Resolve(root+"/a/b/c", root)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteAtomic(at, []byte("x"), WriteOptions{Perm: 0o644, DirPerm: 0o755}); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(root + "/a/b/c"); string(got) != "x" {
		t.Errorf("a/b/c holds %q", got)
	}

	// A directory swapped for an outside symlink between the check and the write: the
	// write fails, and nothing lands outside.
	if err := os.Mkdir(root+"/swap", 0o755); err != nil {
		t.Fatal(err)
	}
	at, err = Resolve(root+"/swap/post-checkout", root)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(root+"/swap", root+"/swapped"); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../outside", root+"/swap"); err != nil {
		t.Fatal(err)
	}
	if err := WriteAtomic(at, []byte("evil\n"), WriteOptions{Perm: 0o644}); err == nil {
		t.Error("a write through a directory swapped for an outside symlink succeeded")
	}
	if err := WriteAtomic(at, []byte("evil\n"), WriteOptions{Perm: 0o644, DirPerm: 0o755}); err == nil {
		t.Error("a write through a directory swapped for an outside symlink succeeded (DirPerm)")
	}
	if err := Remove(Target{Root: root, Path: root + "/dirlink/gitconfig"}); err == nil {
		t.Error("a remove through an outside symlink succeeded")
	}

	ents, _ := os.ReadDir(outside)
	if len(ents) != 1 {
		t.Errorf("outside holds %d files, want only gitconfig", len(ents))
	}
	if after, _ := os.ReadFile(outside + "/gitconfig"); string(after) != string(before) {
		t.Errorf("the outside file changed: %q", after)
	}
	for _, d := range []string{root, root + "/.husky", root + "/scripts"} {
		ents, _ := os.ReadDir(d)
		for _, e := range ents {
			if strings.Contains(e.Name(), TempInfix) {
				t.Errorf("left a temporary file %s/%s", d, e.Name())
			}
		}
	}
}

func TestRemove(t *testing.T) {
	t.Parallel()
	root, outside := tree(t)
	at, err := ResolveParent(root+"/.husky/escape", root)
	if err != nil {
		t.Fatal(err)
	}
	if err := Remove(at); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(root + "/.husky/escape"); !os.IsNotExist(err) {
		t.Errorf("the link is still there: %v", err)
	}
	if _, err := os.Stat(outside + "/gitconfig"); err != nil {
		t.Errorf("removing the link removed its target: %v", err)
	}
}
