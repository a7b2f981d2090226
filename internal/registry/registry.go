// Package registry is the per-user index of the repositories that use
// git-worktree-ports. It records only where each repository is, never its
// ports: the reservation files stay the single source of truth, and the
// index only tells an allocation which other repositories' reservation
// files to read.
//
// The index is a directory (see Dir) with one small JSON file per
// repository, named by a hash of the repository's common git directory, so
// registering one repository never rewrites a file that another one shares.
// Next to the entries lives the per-user lock file, "lock" (see
// Index.LockUser).
package registry

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/git-worktree-ports/git-worktree-ports/internal/fspath"
	"github.com/git-worktree-ports/git-worktree-ports/internal/safefile"
)

// DirName is the name of the index directory under $XDG_STATE_HOME.
const DirName = "git-worktree-ports"

// LockFileName is the name of the per-user lock file in the index directory.
const LockFileName = "lock"

// FormatVersion is the value of the "version" key that Register writes.
// Entries accepts any version.
const FormatVersion = 1

// MaxEntrySize is the largest entry file Entries reads, in bytes. Real
// entries are a few hundred bytes.
const MaxEntrySize = 64 << 10

// entryExt ends every entry file's name.
const entryExt = ".json"

// hashHexLen is the length of the hex hash in an entry file's name: the
// first 16 bytes of a SHA-256.
const hashHexLen = 32

// Dir returns the index directory,
// $XDG_STATE_HOME/git-worktree-ports, or ~/.local/state/git-worktree-ports
// when XDG_STATE_HOME is unset. As the XDG Base Directory specification
// requires, a relative XDG_STATE_HOME is ignored. getenv is usually
// os.Getenv; tests inject their own.
func Dir(getenv func(string) string) (string, error) {
	if s := getenv("XDG_STATE_HOME"); s != "" && filepath.IsAbs(s) {
		return filepath.Join(s, DirName), nil
	}
	home := getenv("HOME")
	if home == "" || !filepath.IsAbs(home) {
		return "", errors.New("cannot find the per-user state directory: " +
			"neither XDG_STATE_HOME nor HOME is set to an absolute path")
	}
	return filepath.Join(home, ".local", "state", DirName), nil
}

// Entry is one registered repository.
type Entry struct {
	// CommonDir is the absolute git common directory, symlinks resolved
	// (see fspath.Canonical). It is the entry's key.
	CommonDir string `json:"common_dir"`
	// MainPath is the main worktree's path, or the bare repository's
	// directory, for messages.
	MainPath string `json:"main"`
	// Name is a short name of the repository for messages, as in
	// "(repo backend)".
	Name string `json:"name"`
	// Mount is the mount point of the file system that held CommonDir when
	// it was registered, or "" for the root file system. Register fills
	// it in. It lets Entries tell a deleted repository, whose entry it
	// drops, from one on a disk that is not mounted right now, which it
	// keeps.
	Mount string `json:"mount,omitempty"`
}

// entryFile is the JSON layout of an entry file.
type entryFile struct {
	Version int `json:"version"`
	Entry
}

// Index is the directory of entries.
type Index struct {
	// Dir is the index directory, usually from Dir.
	Dir string
	// Timeout, when positive, bounds how long Entries waits for any one
	// repository's file system; see Entries.
	Timeout time.Duration
}

// fileName returns the name of the entry file for the canonical commonDir.
func fileName(commonDir string) string {
	sum := sha256.Sum256([]byte(commonDir))
	return hex.EncodeToString(sum[:hashHexLen/2]) + entryExt
}

// isEntryName reports whether name has the form of an entry file's name.
func isEntryName(name string) bool {
	h, ok := strings.CutSuffix(name, entryExt)
	if !ok || len(h) != hashHexLen {
		return false
	}
	for _, c := range []byte(h) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// Path returns the path of the entry file for commonDir.
func (x Index) Path(commonDir string) string {
	return filepath.Join(x.Dir, fileName(fspath.Canonical(commonDir)))
}

// EntryPath returns the path of the entry file of e, an entry read from the index, whose
// CommonDir is canonical already. Unlike Path it touches no file system: the repository
// may sit on a mount that stopped answering.
func (x Index) EntryPath(e Entry) string {
	return filepath.Join(x.Dir, fileName(e.CommonDir))
}

// Register records e in the index, creating the index directory (mode
// 0700) when needed. e.CommonDir must be absolute; it is stored in its
// Canonical form, and Mount is filled in. An empty Name defaults to the
// base name of MainPath (or of the common directory's parent) without a
// ".git" suffix. An index directory that is a symlink leading out of its
// parent is refused with a *safefile.EscapeError (see target).
//
// Register is idempotent: when the entry file already holds the same
// content it is left untouched, not even rewritten. Otherwise it is
// replaced atomically. added reports whether the repository was not in the
// index before; updating an existing entry returns false.
func (x Index) Register(e Entry) (added bool, err error) {
	if e.CommonDir == "" || !filepath.IsAbs(e.CommonDir) {
		return false, fmt.Errorf("register %q: the common directory must be an absolute path", e.CommonDir)
	}
	e.CommonDir = fspath.Canonical(e.CommonDir)
	if e.MainPath != "" {
		e.MainPath = filepath.Clean(e.MainPath)
	}
	if e.Name == "" {
		e.Name = defaultName(e)
	}
	e.Mount = mountPoint(e.CommonDir)

	data, err := json.MarshalIndent(entryFile{Version: FormatVersion, Entry: e}, "", "  ")
	if err != nil {
		return false, err
	}
	data = append(data, '\n')

	path := filepath.Join(x.Dir, fileName(e.CommonDir))
	at, err := x.target(path)
	if err != nil {
		return false, err
	}
	old, err := readEntryFile(path)
	if err == nil && bytes.Equal(old, data) {
		return false, nil
	}
	// A corrupt or hostile file under our name did not register the
	// repository; the rename below replaces it, whatever it is (a symlink
	// included: it is replaced, never written through).
	var prev entryFile
	added = err != nil || json.Unmarshal(old, &prev) != nil || filepath.Clean(prev.CommonDir) != e.CommonDir
	if err := safefile.WriteAtomic(at, data, safefile.WriteOptions{Perm: 0o600, DirPerm: 0o700}); err != nil {
		return false, fmt.Errorf("register %s in the repository index: %w", e.CommonDir, err)
	}
	return added, nil
}

// target checks where a write to path, a file in the index directory, lands.
// The root is the directory that holds the index directory ($XDG_STATE_HOME
// or ~/.local/state), so that an index directory that is a symlink leading
// somewhere else (put there by whoever could write the state directory) is
// refused with a *safefile.EscapeError rather than written through. The
// entry file itself is replaced, never followed.
func (x Index) target(path string) (safefile.Target, error) {
	return safefile.ResolveParent(path, filepath.Dir(filepath.Clean(x.Dir)))
}

// defaultName derives a short repository name from the entry's paths.
func defaultName(e Entry) string {
	p := e.MainPath
	if p == "" {
		p = e.CommonDir
		if filepath.Base(p) == ".git" {
			p = filepath.Dir(p)
		}
	}
	name := strings.TrimSuffix(filepath.Base(p), ".git")
	if name == "" || name == "." || name == string(filepath.Separator) {
		return filepath.Base(p)
	}
	return name
}

// Forget removes the repository whose common directory is commonDir from
// the index, and reports whether it was there. commonDir may name a
// directory that no longer exists, and need not be spelled exactly as it
// was registered: when the file named by its hash is missing, the entries
// are searched for a CommonDir equal to its cleaned absolute form.
func (x Index) Forget(commonDir string) (bool, error) {
	if commonDir == "" {
		return false, errors.New("forget: no repository given")
	}
	cleaned := filepath.Clean(commonDir)
	if abs, err := filepath.Abs(cleaned); err == nil {
		cleaned = abs
	}
	for _, key := range []string{fspath.Canonical(commonDir), cleaned} {
		removed, err := x.remove(filepath.Join(x.Dir, fileName(key)))
		if removed || err != nil {
			return removed, err
		}
	}
	des, err := os.ReadDir(x.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	for _, de := range des {
		if !isEntryName(de.Name()) {
			continue
		}
		path := filepath.Join(x.Dir, de.Name())
		e, err := readEntry(path)
		if err == nil && (e.CommonDir == cleaned || e.CommonDir == fspath.Canonical(commonDir)) {
			return x.remove(path)
		}
	}
	return false, nil
}

// remove deletes an entry file, reporting whether it existed.
func (x Index) remove(path string) (bool, error) {
	err := os.Remove(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("forget: %w", err)
	}
	return true, nil
}
