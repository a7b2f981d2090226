//go:build unix

package claim

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
)

// TestReadSiblings: every other worktree's usable reservation is read, with its age and
// a label relative to the base, and the main worktree (git lists it first) is marked;
// this worktree, a bare entry and a missing file count as nothing, silently; a file that
// cannot be used, a symlink among them (never followed), is one warning naming it.
func TestReadSiblings(t *testing.T) {
	dir := t.TempDir()
	mk := func(name, content string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
		if content != "" {
			if err := os.WriteFile(filepath.Join(p, reserve.FileName), []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return p
	}
	file := func(base int) string {
		data, err := reserve.Marshal(nil, reserve.Reservation{Version: 1, Base: base, Width: 10})
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	main := mk("shop", file(21000))
	self := mk("self", file(21010))
	good := mk("good", file(21020))
	missing := mk("missing", "")
	broken := mk("broken", "{not json")
	link := mk("link", "")
	if err := os.Symlink(filepath.Join(good, reserve.FileName), filepath.Join(link, reserve.FileName)); err != nil {
		t.Fatal(err)
	}
	mtime := time.Unix(1_700_000_000, 0)
	if err := os.Chtimes(filepath.Join(good, reserve.FileName), mtime, mtime); err != nil {
		t.Fatal(err)
	}
	wts := []gitwt.Worktree{{Path: main}, {Path: self}, {Path: good}, {Path: missing}, {Path: broken}, {Path: link}, {Path: filepath.Join(dir, "bare.git"), Bare: true}}
	var warnings []string
	sibs := ReadSiblings(wts, self, self, func(s string) { warnings = append(warnings, s) })

	if len(sibs) != 2 {
		t.Fatalf("read %d siblings, want shop and good: %+v", len(sibs), sibs)
	}
	if s := sibs[0]; s.Worktree.Path != main || !s.Main || s.Reservation.Base != 21000 || s.Label != "../shop" || s.Path != filepath.Join(main, reserve.FileName) {
		t.Errorf("main worktree: %+v", s)
	}
	if s := sibs[1]; s.Worktree.Path != good || s.Main || s.Reservation.Base != 21020 || !s.ModTime.Equal(mtime) || s.Label != "../good" {
		t.Errorf("linked worktree: %+v", s)
	}
	if len(warnings) != 2 || !strings.Contains(warnings[0], "broken") || !strings.Contains(warnings[1], "link") {
		t.Errorf("warnings = %q, want one for broken, then one for link", warnings)
	}
	// No warn function: the same siblings, nothing printed.
	if got := ReadSiblings(wts, self, self, nil); len(got) != 2 {
		t.Errorf("without warn: %d siblings", len(got))
	}
}
