package fspath

import "testing"

// TestIsDotGit checks the spellings git's verify_path refuses as .git (git's path.c
// is_ntfs_dotgit and utf8.c is_hfs_dotgit, and the t0060/t1450 cases they come with),
// and the names that are not .git to any file system.
func TestIsDotGit(t *testing.T) {
	tests := []struct {
		name string
		want bool
		why  string
	}{
		{".git", true, "itself"},
		{".GIT", true, "case-insensitive file systems (verify_dotfile)"},
		{".Git", true, "case-insensitive file systems (verify_dotfile)"},
		// is_ntfs_dotgit
		{".git.", true, "is_ntfs_dotgit: NTFS drops trailing dots"},
		{".git ", true, "is_ntfs_dotgit: NTFS drops trailing spaces"},
		{".git . .", true, "is_ntfs_dotgit: dots and spaces"},
		{".GIT...", true, "is_ntfs_dotgit: any case, trailing dots"},
		{"git~1", true, "is_ntfs_dotgit: the 8.3 short name of .git"},
		{"GIT~1", true, "is_ntfs_dotgit: the 8.3 short name, upper case"},
		{"GIT~1. ", true, "is_ntfs_dotgit: short name with trailing dot and space"},
		{".git::$INDEX_ALLOCATION", true, "is_ntfs_dotgit: the directory's default stream"},
		{".git:stream", true, "is_ntfs_dotgit: an alternate data stream of .git"},
		{".git\\config", true, "is_ntfs_dotgit: a backslash separates on Windows"},
		{".git/config", true, "is_ntfs_dotgit: up to the separator"},
		// is_hfs_dotgit
		{".g\u200cit", true, "is_hfs_dotgit: ZERO WIDTH NON-JOINER is ignored"},
		{"\u200d.git", true, "is_hfs_dotgit: ZERO WIDTH JOINER first"},
		{".gi\u200et", true, "is_hfs_dotgit: LEFT-TO-RIGHT MARK"},
		{".git\u202e", true, "is_hfs_dotgit: RIGHT-TO-LEFT OVERRIDE last"},
		{".\u206aGIT", true, "is_hfs_dotgit: INHIBIT SYMMETRIC SWAPPING, upper case"},
		{".git\ufeff", true, "is_hfs_dotgit: ZERO WIDTH NO-BREAK SPACE"},
		{".git\xff", true, "is_hfs_dotgit: malformed UTF-8 reads as the end, as in git"},
		// Not .git.
		{"git", false, "no dot"},
		{".gitignore", false, "another file"},
		{".gitmodules", false, "another file (git checks it apart, as a symlink)"},
		{".git-foo", false, "another name"},
		{".git~1", false, "not the short name"},
		{"git~2", false, "another short name"},
		{"GIT~10", false, "another short name"},
		{".gitx.", false, "another name with a dot"},
		{"x.git", false, "a suffix"},
		{".g\u200bit", false, "U+200B is not one HFS+ ignores (git's list)"},
		{".gİt", false, "not ASCII"},
		{"", false, "empty"},
		{".", false, "dot"},
	}
	for _, tt := range tests {
		if got := IsDotGit(tt.name); got != tt.want {
			t.Errorf("IsDotGit(%q) = %v, want %v (%s)", tt.name, got, tt.want, tt.why)
		}
	}
}

func TestStripHFSIgnorable(t *testing.T) {
	for in, want := range map[string]string{
		".worktree-ports.json":             ".worktree-ports.json",
		".worktree\u200c-ports.json":       ".worktree-ports.json",
		"\ufeff.worktree-ports\u202e.json": ".worktree-ports.json",
		".env\u200b":                       ".env\u200b",
	} {
		if got := StripHFSIgnorable(in); got != want {
			t.Errorf("StripHFSIgnorable(%q) = %q, want %q", in, got, want)
		}
	}
}
