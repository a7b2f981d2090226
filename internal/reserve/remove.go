package reserve

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/git-worktree-ports/git-worktree-ports/internal/safefile"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// Remove deletes the reservation file at the worktree top level root, freeing its
// bundle. It reports false, and no error, when there is none. A directory where the file
// belongs is refused, never removed; a symlink there is removed itself, never followed.
func Remove(root string) (bool, error) {
	path := filepath.Join(root, FileName)
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if fi.IsDir() {
		return false, fmt.Errorf("%s: is a directory, not a reservation; not removing it", untrusted.New(path))
	}
	// Like every write, through safefile: relative to the worktree's directory opened
	// once, so a directory swapped for a symlink meanwhile cannot move the removal.
	t, err := safefile.ResolveParent(path, root)
	if err != nil {
		return false, err
	}
	if err := safefile.Remove(t); err != nil {
		return false, err
	}
	return true, nil
}

// InUse returns the first port of r's bundle that p says something listens on: while
// there is one, the bundle is in use (release refuses to free it without --force). A
// main worktree's file (Main) has its listed ports for a bundle. The caller chooses how
// to tell (listener.SystemProber asks the network stack), so this package reads files
// and never probes.
func (r Reservation) InUse(p interface{ Bound(port int) bool }) (int, bool) {
	if r.Main {
		for _, q := range r.Ports {
			if p.Bound(q.Port) {
				return q.Port, true
			}
		}
		return 0, false
	}
	for port := r.Base; port < r.Base+r.Width; port++ {
		if p.Bound(port) {
			return port, true
		}
	}
	return 0, false
}
