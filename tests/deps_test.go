package tests

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestBinaryLinksOnlyGoGitsIndex: the binary uses go-git's index decoder, and nothing of
// go-git that reaches gcfg, whose encoding/gob initialiser (0.1 ms) would run on every
// start of `env` (docs/DESIGN.md, "Why git's porcelain and not go-git").
func TestBinaryLinksOnlyGoGitsIndex(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "../cmd/git-worktree-ports").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	deps := strings.Fields(string(out))
	if !slices.Contains(deps, "github.com/go-git/go-git/v5/plumbing/format/index") {
		t.Errorf("the binary no longer links go-git's index decoder; update docs/DESIGN.md and this test")
	}
	for _, banned := range []string{"encoding/gob", "github.com/go-git/gcfg", "github.com/go-git/go-git/v5/plumbing/transport", "github.com/go-git/go-git/v5/plumbing/format/gitignore"} {
		if slices.Contains(deps, banned) {
			t.Errorf("the binary links %s: its initialisers cost every start of env", banned)
		}
	}
}
