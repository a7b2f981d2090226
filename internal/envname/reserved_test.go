package envname_test

import (
	"slices"
	"testing"

	"github.com/git-worktree-ports/git-worktree-ports/internal/config"
	"github.com/git-worktree-ports/git-worktree-ports/internal/envname"
)

// TestReservedMatchConfig holds envname.Reserved to the names the tool exports itself.
func TestReservedMatchConfig(t *testing.T) {
	want := []string{config.EnvRoot, config.EnvSlot}
	if !slices.Equal(envname.Reserved, want) {
		t.Errorf("envname.Reserved = %q, want %q", envname.Reserved, want)
	}
}
