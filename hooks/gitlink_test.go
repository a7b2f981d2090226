//go:build unix

package hooks

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckGitLinks: a hook file in the working tree is refused when a symlink on its
// path leads into a git directory (a .git component, the git or common directory,
// whatever its name) or into a nested repository, existing or not yet; a link that
// stays in the working tree's own files, and a hook outside the working tree, pass.
func TestCheckGitLinks(t *testing.T) {
	top := t.TempDir()
	gitDir := filepath.Join(top, "gitdir") // a separate git dir inside the tree
	for _, d := range []string{".git/info", "gitdir", "nested/.git", "scripts", ".husky"} {
		if err := os.MkdirAll(filepath.Join(top, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		link, to string // link relative to top, and its text
		hook     string // the hook file, relative to top
		why      string // part of the refusal; "" to pass
	}{
		{".husky/post-checkout", "../.git/config", ".husky/post-checkout", "in a git directory"},
		{".husky/post-checkout", "../.GIT./info/exclude", ".husky/post-checkout", "in a git directory"},
		{".husky/post-checkout", "../gitdir/config", ".husky/post-checkout", "in a git directory"},
		{".husky/post-checkout", "../nested/hook", ".husky/post-checkout", "in a nested repository"},
		{"hooks", ".git/missing", "hooks/post-checkout", "in a git directory"},
		{"hooks", "nested/x/y", "hooks/post-checkout", "in a nested repository"},
		{".husky/post-checkout", "../scripts/post-checkout.sh", ".husky/post-checkout", ""},
		{"hooks", "scripts", "hooks/post-checkout", ""},
		{"plain", "", ".husky/other", ""},
	}
	for _, tt := range tests {
		link := filepath.Join(top, tt.link)
		os.Remove(link)
		if tt.to != "" {
			if err := os.Symlink(tt.to, link); err != nil {
				t.Fatal(err)
			}
		}
		o := Options{Toplevel: top, GitDirs: []string{gitDir, filepath.Join(top, ".git")}}
		err := checkGitLinks(o, filepath.Join(top, tt.hook))
		var ge *GitLinkError
		switch {
		case tt.why == "" && err != nil:
			t.Errorf("%s -> %s: %v, want it to pass", tt.link, tt.to, err)
		case tt.why != "" && (!errors.As(err, &ge) || !strings.Contains(err.Error(), tt.why) || ge.Link != link):
			t.Errorf("%s -> %s: %v, want a GitLinkError on %s %q", tt.link, tt.to, err, link, tt.why)
		}
		os.Remove(link)
	}
	// The ordinary .git/hooks is the user's, not committed content.
	if err := os.Symlink("../config", filepath.Join(top, ".git", "post-checkout")); err != nil {
		t.Fatal(err)
	}
	o := Options{Toplevel: top, GitDirs: []string{filepath.Join(top, ".git")}}
	if err := checkGitLinks(o, filepath.Join(top, ".git", "post-checkout")); err != nil {
		t.Errorf("a hook in .git: %v, want it left to the ordinary checks", err)
	}
}
