package gitfiles

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/git-worktree-ports/git-worktree-ports/internal/fspath"
	"github.com/git-worktree-ports/git-worktree-ports/internal/safefile"
)

// GitDirOf reads where the worktree at top keeps its git directory, without running git:
// top/.git when that is a directory, otherwise the directory its .git file names; both
// with symlinks resolved, as `git rev-parse --path-format=absolute --git-dir` prints it.
//
// registered reports whether git's own records name top as that git directory's
// worktree. A linked worktree is registered when its administrative directory's gitdir
// file points back to top/.git: `git worktree move` updates that file, a copy of the
// directory does not. A main worktree with a .git directory always is (a copy has its
// own). A main worktree of a separate git dir is, unless the main worktree noted there
// (RecordMain) is another live directory.
func GitDirOf(top string) (gitDir string, registered bool, err error) {
	dotGit := filepath.Join(top, ".git")
	fi, err := os.Lstat(dotGit)
	if err != nil {
		return "", false, err
	}
	if fi.IsDir() {
		return fspath.Real(dotGit), true, nil
	}
	gitDir, err = ReadGitFile(top)
	if err != nil {
		return "", false, err
	}
	if _, err := os.Lstat(filepath.Join(gitDir, "commondir")); err != nil {
		// No commondir: gitDir is a common directory, and top its main worktree.
		if main, ok := ReadMainRecord(gitDir); ok && main != top {
			return gitDir, false, nil
		}
		return gitDir, true, nil
	}
	data, err := safefile.Read(filepath.Join(gitDir, "gitdir"), maxGitFile)
	if err != nil {
		return gitDir, false, nil
	}
	back := strings.TrimRight(string(data), "\r\n")
	if back == "" {
		return gitDir, false, nil
	}
	// extensions.relativeWorktrees (git 2.48+) writes it relative to gitDir.
	return gitDir, fspath.Same(fspath.JoinPhysical(gitDir, back), dotGit), nil
}
