package claim

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// ListedBefore reports whether a worktree list taken at (or after) start is still
// complete: every worktree of the repository has an administrative directory
// <common>/worktrees/<id>, created by `git worktree add` before its checkout (and so before
// its hook allocates). The list is complete when there are exactly as many such
// directories as linked worktrees listed (git silently skips a half-made one) and none was
// created or changed since start. Directory timestamps come from a coarse kernel clock, so
// start is taken a margin early. Our own directory (gitDir) is exempt from the time check:
// in a post-checkout hook git has only just written it, and we are certainly listed.
// Anything unexpected means "no": the caller lists again.
func ListedBefore(commonDir, gitDir string, linked int, start time.Time) bool {
	dir := filepath.Join(commonDir, "worktrees")
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return linked == 0
	}
	if err != nil {
		return false
	}
	since := start.Add(-50 * time.Millisecond)
	n := 0
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		n++
		path := filepath.Join(dir, e.Name())
		if path == gitDir {
			continue
		}
		fi, err := os.Lstat(path)
		if err != nil || !changedBefore(fi, since) {
			return false
		}
	}
	return n == linked
}

// unchangedSince reports whether directory dir exists and nothing was added to, removed
// from or renamed in it since t (with the coarse kernel clock's margin, as ListedBefore).
func unchangedSince(dir string, t time.Time) bool {
	fi, err := os.Lstat(dir)
	return err == nil && changedBefore(fi, t.Add(-50*time.Millisecond))
}
