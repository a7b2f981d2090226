package alloc

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/git-worktree-ports/git-worktree-ports/internal/gitfiles"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gittest"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
)

// TestRecordMain: allocate's step notes the main worktree of a separate git dir where it
// runs in it, and nowhere else: not from a linked worktree, not in a bare repository.
func TestRecordMain(t *testing.T) {
	t.Parallel()
	s := gittest.New(t)
	top, gitDir, linked := s.SeparateGitDir("sep")
	note := filepath.Join(gitDir, gitfiles.MainRecordName)

	recordMain(gitwt.Location{Toplevel: linked, GitDir: filepath.Join(gitDir, "worktrees", "sep-b"), CommonDir: gitDir})
	recordMain(gitwt.Location{GitDir: gitDir, CommonDir: gitDir, Bare: true})
	if _, err := os.Lstat(note); err == nil {
		t.Fatal("noted from a linked worktree or a bare repository")
	}
	recordMain(gitwt.Location{Toplevel: top, GitDir: gitDir, CommonDir: gitDir})
	if data, err := os.ReadFile(note); err != nil || strings.TrimSpace(string(data)) != top {
		t.Errorf("from the main worktree: note %q, %v; want %q", data, err, top)
	}
}
