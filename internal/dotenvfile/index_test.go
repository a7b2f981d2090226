package dotenvfile

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/git-worktree-ports/git-worktree-ports/internal/gittest"
)

// TestIndexTrackedAgreesWithGit: the dotenv check reads the index (no git process) and
// finds the files git ls-files finds, from the top level and through a symlink to it;
// from below the top level, or with a split index, it leaves the answer to git.
func TestIndexTrackedAgreesWithGit(t *testing.T) {
	t.Parallel()
	s := gittest.New(t)
	m := s.Repo("r")
	rels := []string{".env", "web/.env.local", "web", "api/.env", "none"}
	for _, f := range []string{".env", "web/.env.local", "api/.env"} {
		s.Write(filepath.Join(m, f), "X=1\n")
	}
	s.Git(m, "add", ".env", "web/.env.local")
	link := s.Path("link")
	if err := os.Symlink(m, link); err != nil {
		t.Fatal(err)
	}
	for _, root := range []string{m, link} {
		got, ok := indexTracked(root, s.Env, rels)
		if !ok {
			t.Fatalf("from %s: fell back to git", root)
		}
		for _, r := range rels {
			want := s.Git(m, "ls-files", "-z", "--", ":(top,literal)"+r) != ""
			if got[r] != want {
				t.Errorf("from %s: %s tracked=%v, git ls-files says %v", root, r, got[r], want)
			}
		}
	}
	if _, ok := indexTracked(filepath.Join(m, "web"), s.Env, rels); ok {
		t.Errorf("from below the top level: read the index; want git asked")
	}
	s.Git(m, "update-index", "--split-index")
	if _, ok := indexTracked(m, s.Env, rels); ok {
		t.Errorf("split index: read the index; want git asked")
	}
}
