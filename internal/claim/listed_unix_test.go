//go:build unix

package claim

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/git-worktree-ports/git-worktree-ports/internal/gitfiles"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
)

// TestListedBeforeWithFiles: the completeness check under the lock stays meaningful
// when the list was read from git's files. `git worktree add` makes the administrative
// directory and writes "locked" before "gitdir"; the reader skips such a half-made entry,
// as git does, and ListedBefore then counts one directory more than the list holds.
// Once the entry is whole, the reader lists it and the count agrees.
func TestListedBeforeWithFiles(t *testing.T) {
	t.Parallel()
	env := gitEnv(t)
	tmp, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	m := filepath.Join(tmp, "main")
	git(t, env, tmp, "init", "-q", m)
	git(t, env, m, "commit", "-q", "--allow-empty", "-m", "init")
	git(t, env, m, "worktree", "add", "-q", "--detach", filepath.Join(tmp, "a"))
	git(t, env, m, "worktree", "add", "-q", "--detach", filepath.Join(tmp, "b"))
	common := filepath.Join(m, ".git")
	files := gitfiles.Files{Loc: gitwt.Location{CommonDir: common}, Env: env}
	list := func() (time.Time, int) {
		t.Helper()
		time.Sleep(120 * time.Millisecond) // past the coarse-clock margin
		start := time.Now()
		wts, err := files.Worktrees()
		if err != nil {
			t.Fatalf("Files: %v", err)
		}
		return start, len(wts) - 1
	}

	if start, linked := list(); linked != 2 || !ListedBefore(common, "", linked, start) {
		t.Fatalf("two whole worktrees: %d listed, complete %v", linked, ListedBefore(common, "", linked, start))
	}
	half := filepath.Join(common, "worktrees", "c")
	if err := os.Mkdir(half, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(half, "locked"), []byte("initializing"), 0o644); err != nil {
		t.Fatal(err)
	}
	if start, linked := list(); linked != 2 || ListedBefore(common, "", linked, start) {
		t.Errorf("a half-made entry: %d listed, want 2 and the list reported incomplete", linked)
	}
	// The rest of what git writes, and the worktree's own .git.
	c := filepath.Join(tmp, "c")
	if err := os.Mkdir(c, 0o755); err != nil {
		t.Fatal(err)
	}
	for path, content := range map[string]string{
		filepath.Join(half, "gitdir"):    filepath.Join(c, ".git") + "\n",
		filepath.Join(c, ".git"):         "gitdir: " + half + "\n",
		filepath.Join(half, "HEAD"):      "ref: refs/heads/main\n",
		filepath.Join(half, "commondir"): "../..\n",
	} {
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Remove(filepath.Join(half, "locked")); err != nil {
		t.Fatal(err)
	}
	if start, linked := list(); linked != 3 || !ListedBefore(common, "", linked, start) {
		t.Errorf("the entry made whole: %d listed, want 3 and the list complete", linked)
	}
}
