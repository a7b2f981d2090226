package gitfiles

import (
	"path/filepath"
	"testing"
)

func TestGitDirOf(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	top := s.Repo("r")
	linked := s.Path("r-b")
	s.Git(top, "worktree", "add", "-q", linked)
	admin := filepath.Join(top, ".git", "worktrees", "r-b")

	check := func(dir, wantGitDir string, wantRegistered bool) {
		t.Helper()
		gd, reg, err := GitDirOf(dir)
		if err != nil || gd != wantGitDir || reg != wantRegistered {
			t.Errorf("GitDirOf(%s) = %q, %v, %v; want %q, %v", dir, gd, reg, err, wantGitDir, wantRegistered)
		}
		// It agrees with git wherever git runs.
		if err == nil && wantRegistered {
			if loc := s.locate(dir); loc.GitDir != gd {
				t.Errorf("GitDirOf(%s) = %q, git says %q", dir, gd, loc.GitDir)
			}
		}
	}
	check(top, filepath.Join(top, ".git"), true)
	check(linked, admin, true)

	// git worktree move keeps the administrative directory and updates its gitdir file.
	moved := s.Path("moved")
	s.Git(top, "worktree", "move", linked, moved)
	check(moved, admin, true)

	// A copy of the moved directory keeps the .git file, but git's records do not name it.
	cp := s.Path("copy")
	s.Write(filepath.Join(cp, ".git"), "gitdir: "+admin+"\n")
	check(cp, admin, false)

	// A separate git dir's main worktree, and a copy of it once the note names the original.
	sep, sepGit := s.Path("sep"), s.Path("sep.git")
	s.Git(s.Root, "init", "-q", "--separate-git-dir", sepGit, sep)
	check(sep, sepGit, true)
	if err := RecordMain(sep, sepGit); err != nil {
		t.Fatal(err)
	}
	sepCopy := s.Path("sep-copy")
	s.Write(filepath.Join(sepCopy, ".git"), "gitdir: ../sep.git\n")
	check(sepCopy, sepGit, false)
	check(sep, sepGit, true)

	if _, _, err := GitDirOf(s.Path("nowhere")); err == nil {
		t.Error("GitDirOf of a directory without .git succeeded")
	}
}
