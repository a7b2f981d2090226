package claim

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/git-worktree-ports/git-worktree-ports/internal/registry"
	"time"
)

func TestWithin(t *testing.T) {
	t.Parallel()
	if v, ok := within(context.Background(), func() int { return 7 }); !ok || v != 7 {
		t.Errorf("within(quick) = %v, %v; want 7, true", v, ok)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	block := make(chan struct{})
	defer close(block)
	if v, ok := within(ctx, func() int { <-block; return 7 }); ok || v != 0 {
		t.Errorf("within(blocked) = %v, %v; want 0, false", v, ok)
	}
}

// TestFileText checks that the "range exhausted" message names the one file that took
// most of the slots by itself, and names none when the slots are spread out.

// TestListForeignIndexUnreadable: an index that cannot be read lists no repository and
// says so once, naming the index, as list --all prints it; with no warn function it is
// silent.
func TestListForeignIndexUnreadable(t *testing.T) {
	notDir := filepath.Join(t.TempDir(), "index")
	if err := os.WriteFile(notDir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	var warnings []string
	f := ListForeign(context.Background(), registry.Index{Dir: notDir}, "", nil, func(s string) { warnings = append(warnings, s) })
	if len(f.Repos) != 0 || len(warnings) != 1 || !strings.Contains(warnings[0], "cross-repository index "+notDir) {
		t.Errorf("repos %v, warnings %q", f.Repos, warnings)
	}
	if f := ListForeign(context.Background(), registry.Index{Dir: notDir}, "", nil, nil); len(f.Repos) != 0 {
		t.Errorf("without warn: repos %v", f.Repos)
	}
}

// TestFirstLine: a git error is reported by its first line.
func TestFirstLine(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"fatal: not a git repository\nhint: more", "fatal: not a git repository"},
		{"one line", "one line"},
		{"", ""},
	} {
		if got := firstLine(errors.New(tt.in)); got != tt.want {
			t.Errorf("firstLine(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
