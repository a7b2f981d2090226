package reserve

import (
	"path/filepath"
	"strings"

	"github.com/git-worktree-ports/git-worktree-ports/internal/safefile"
)

// tempInfix separates the target's name from the random suffix of a
// temporary file.
const tempInfix = safefile.TempInfix

// TempPattern is the glob (for filepath.Match and gitignore) that matches
// the temporary files WriteAtomic creates next to a reservation file. A
// file that matches it and is still there was left by a crash, and can be
// deleted when no allocation is running.
const TempPattern = FileName + tempInfix + "*"

// IsTempName reports whether name (a base name, not a path) is a temporary
// file of WriteAtomic for a reservation file.
func IsTempName(name string) bool {
	return len(name) > len(FileName+tempInfix) && strings.HasPrefix(name, FileName+tempInfix)
}

// writeOptions are WriteAtomic's: mode 0644 less the umask, and temporary files named
// path + ".tmp-" + a random suffix, which TempPattern matches.
var writeOptions = safefile.WriteOptions{Perm: 0o644}

// WriteAtomic writes data to path atomically: it writes a temporary file in
// the same directory, fsyncs it, renames it over path and fsyncs the
// directory (safefile.WriteAtomic). The file gets mode 0644 less the umask.
// Readers see either the old content or the new, never a partial file. The
// temporary file is named path + ".tmp-" + a random suffix (TempPattern for
// FileName) and is removed if anything fails before the rename.
//
// If path is a symlink, the link itself is replaced, so a write never goes
// through a link to some other file. path's directory is the root: the write
// happens relative to that directory once opened, so swapping the directory
// for a symlink meanwhile cannot move the write elsewhere. A reservation
// always lies directly at its worktree's top level, so there is no
// directory below the root to check.
func WriteAtomic(path string, data []byte) error {
	t, err := safefile.ResolveParent(path, filepath.Dir(path))
	if err != nil {
		return err
	}
	return safefile.WriteAtomic(t, data, writeOptions)
}
