package listener

import (
	"os"
	"path/filepath"
	"testing"
)

func TestAttribute(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		cwd       string
		worktrees []string
		want      string
	}{
		{"top of a worktree", "/w/main", []string{"/w/main", "/w/feat"}, "/w/main"},
		{"below a worktree", "/w/feat/web/src", []string{"/w/main", "/w/feat"}, "/w/feat"},
		{"outside", "/home/me", []string{"/w/main", "/w/feat"}, ""},
		{"sibling with a longer name", "/a/bc", []string{"/a/b"}, ""},
		{"sibling below a longer name", "/a/bc/d", []string{"/a/b"}, ""},
		{"nested: the inner one wins", "/w/main/.wt/x/src", []string{"/w/main", "/w/main/.wt/x"}, "/w/main/.wt/x"},
		{"nested: order does not matter", "/w/main/.wt/x", []string{"/w/main/.wt/x", "/w/main"}, "/w/main/.wt/x"},
		{"nested: the outer one outside the inner", "/w/main/.wt/y", []string{"/w/main/.wt/x", "/w/main"}, "/w/main"},
		{"unclean paths", "/w//feat/./src/", []string{"/w/feat/"}, "/w/feat/"},
		{"dot-dot in the cwd", "/w/feat/../main/x", []string{"/w/main", "/w/feat"}, "/w/main"},
		{"root contains everything", "/w/x", []string{"/"}, "/"},
		{"empty cwd is unknown", "", []string{"/"}, ""},
		{"empty worktree is skipped", "/w", []string{""}, ""},
		{"no worktrees", "/w", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := Attribute(tt.cwd, tt.worktrees); got != tt.want {
				t.Errorf("Attribute(%q, %q) = %q, want %q", tt.cwd, tt.worktrees, got, tt.want)
			}
		})
	}
}

func TestAttributeSymlinks(t *testing.T) {
	t.Parallel()
	// real/main is a worktree; link -> real, so link/main is the same
	// directory; side/feat is a worktree reached through a symlink inside main.
	root := realPath(t, t.TempDir())
	real := filepath.Join(root, "real")
	mainWT := filepath.Join(real, "main")
	feat := filepath.Join(root, "side", "feat")
	for _, d := range []string{filepath.Join(mainWT, "src"), filepath.Join(feat, "src")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	link := filepath.Join(root, "link")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	featLink := filepath.Join(mainWT, "feat-link")
	if err := os.Symlink(feat, featLink); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name      string
		cwd       string
		worktrees []string
		want      string
	}{
		{"worktree listed through a symlink, cwd resolved",
			filepath.Join(mainWT, "src"), []string{filepath.Join(link, "main")}, filepath.Join(link, "main")},
		{"cwd through a symlink, worktree resolved",
			filepath.Join(link, "main", "src"), []string{mainWT}, mainWT},
		{"a symlink inside one worktree into another: the real one wins",
			filepath.Join(featLink, "src"), []string{mainWT, feat}, feat},
		{"a path spelled through a worktree's symlink counts when no real path matches",
			filepath.Join(featLink, "src"), []string{mainWT}, mainWT},
		{"a directory that is gone falls back to the cleaned path",
			filepath.Join(link, "main", "deleted", "x"), []string{filepath.Join(link, "main")}, filepath.Join(link, "main")},
		{"sibling prefix after resolving",
			filepath.Join(root, "real2"), []string{filepath.Join(link)}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := Attribute(tt.cwd, tt.worktrees); got != tt.want {
				t.Errorf("Attribute(%q, %q) = %q, want %q", tt.cwd, tt.worktrees, got, tt.want)
			}
		})
	}
}
