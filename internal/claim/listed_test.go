package claim

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestListedBefore(t *testing.T) {
	common := t.TempDir()
	wt := filepath.Join(common, "worktrees")
	if !ListedBefore(common, "", 0, time.Now()) {
		t.Error("no worktrees dir and nothing listed: want complete")
	}
	if ListedBefore(common, "", 1, time.Now()) {
		t.Error("no worktrees dir but one listed: want incomplete")
	}
	for _, id := range []string{"a", "b"} {
		if err := os.MkdirAll(filepath.Join(wt, id), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(wt, "stray-file"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Second) // the listing "started" after both were made
	tests := []struct {
		name   string
		linked int
		start  time.Time
		want   bool
	}{
		{"both listed, made before", 2, later, true},
		{"one skipped by git (half-made)", 1, later, false},
		{"one more listed than exists (removed since)", 3, later, false},
		{"made after the listing started", 2, time.Now().Add(-time.Second), false},
	}
	for _, tt := range tests {
		if got := ListedBefore(common, "", tt.linked, tt.start); got != tt.want {
			t.Errorf("%s: ListedBefore = %v, want %v", tt.name, got, tt.want)
		}
	}
	// A change inside an admin dir (a worktree added, locked, its index rewritten) counts.
	// Let both directories age past the coarse-clock margin first.
	time.Sleep(120 * time.Millisecond)
	if err := os.WriteFile(filepath.Join(wt, "a", "locked"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if ListedBefore(common, "", 2, time.Now().Add(-10*time.Millisecond)) {
		t.Error("an admin dir changed after the listing started: want incomplete")
	}
	// Unless it is our own: a hook runs just after git wrote it, and we are listed.
	if !ListedBefore(common, filepath.Join(wt, "a"), 2, time.Now().Add(-10*time.Millisecond)) {
		t.Error("only our own admin dir changed: want complete")
	}
}
