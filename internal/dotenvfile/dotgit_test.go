package dotenvfile

import (
	"os"
	"path/filepath"
	"testing"
)

// TestInGitDirAsGitSees: a path lies in a git directory when any component is .git to
// NTFS or HFS+, as git's verify_path refuses it on every platform by default
// (core.protectNTFS, core.protectHFS; path.c is_ntfs_dotgit, utf8.c is_hfs_dotgit).
func TestInGitDirAsGitSees(t *testing.T) {
	tests := []struct {
		rel  string
		want bool
	}{
		{".git/config", true},
		{".GIT/config", true},
		{".git./config", true},                   // is_ntfs_dotgit: trailing dot
		{".git  /hooks/post-checkout", true},     // is_ntfs_dotgit: trailing spaces
		{"GIT~1/config", true},                   // is_ntfs_dotgit: 8.3 short name
		{".git::$INDEX_ALLOCATION/config", true}, // is_ntfs_dotgit: the directory's stream
		{"sub/.g\u200cit/config", true},          // is_hfs_dotgit: ignored code point
		{"sub/\ufeff.GIT/info/exclude", true},    // is_hfs_dotgit: BOM, upper case
		{".env", false},
		{".gitignore", false},
		{"git/.env", false},
		{"sub/.git-env", false},
	}
	for _, tt := range tests {
		if got := inGitDir(tt.rel); got != tt.want {
			t.Errorf("inGitDir(%q) = %v, want %v", tt.rel, got, tt.want)
		}
	}
}

// TestIsOwnAsFileSystemsSee: the tool's own files in any spelling a file system reads
// as one of them.
func TestIsOwnAsFileSystemsSee(t *testing.T) {
	for base, want := range map[string]bool{
		".worktree-ports.json":        true,
		".WORKTREE-PORTS.config.json": true,
		".worktree-ports.json. ":      true, // NTFS drops the trailing dot and space
		".worktree\u200c-ports.json":  true, // HFS+ ignores U+200C
		"\ufeff.worktree-ports.json":  true, // and U+FEFF
		"WORKTR~1.JSO":                true, // NTFS 8.3 short name
		"worktr~2":                    true,
		".env":                        false,
		".worktree-port":              false,
		"worktree-ports.json":         false,
		"WORKTR~.JSO":                 false,
		".worktree\u200b-ports.json":  false, // U+200B is not one HFS+ ignores
	} {
		if got := isOwn(base); got != want {
			t.Errorf("isOwn(%q) = %v, want %v", base, got, want)
		}
	}
}

// TestHoldsDotGit: a directory with an entry NTFS or HFS+ reads as .git holds one.
func TestHoldsDotGit(t *testing.T) {
	for entry, want := range map[string]bool{
		".git":       true,
		".git.":      true,
		"GIT~1":      true,
		".g\u200cit": true,
		".gitignore": false,
		"src":        false,
	} {
		dir := t.TempDir()
		if err := os.Mkdir(filepath.Join(dir, entry), 0o755); err != nil {
			t.Fatal(err)
		}
		if got := holdsDotGit(dir); got != want {
			t.Errorf("holdsDotGit(dir with %q) = %v, want %v", entry, got, want)
		}
	}
}
