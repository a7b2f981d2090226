package registry

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/git-worktree-ports/git-worktree-ports/internal/safefile"
)

// Entries lists the registered repositories, sorted by Name and then
// CommonDir. A missing index directory is an empty index, not an error;
// err is set only when the directory exists but cannot be listed.
//
// Every entry's CommonDir is checked with os.Stat:
//   - When it no longer exists (fs.ErrNotExist), the repository is gone:
//     its file is removed and the entry is returned in dropped, not in
//     entries. An exception is a repository on a file system that is not
//     mounted right now (its recorded Mount point is no longer a mount
//     point): it is kept, with a warning, so that unplugging a disk does
//     not forget the repositories on it.
//   - When it cannot be checked for any other reason (permission denied,
//     a stale network mount), the entry is kept in the index, left out of
//     entries, and reported in warnings.
//
// Files in the index directory are untrusted: an entry file that is not a
// regular file (FIFO, directory, device, socket, symlink loop), is larger
// than MaxEntrySize, cannot be read or does not parse is skipped with a
// warning and left in place; Entries never blocks on one. Files whose names
// do not look like entries (the lock file, temporary files) are ignored.
// Each warning is one line that names the file or repository.
func (x Index) Entries() (entries []Entry, dropped []Entry, warnings []string, err error) {
	des, err := os.ReadDir(x.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil, nil
	}
	if err != nil {
		return nil, nil, nil, fmt.Errorf("read the repository index: %w", err)
	}
	seen := map[string]bool{}
	for _, de := range des {
		if !isEntryName(de.Name()) {
			continue
		}
		path := filepath.Join(x.Dir, de.Name())
		e, err := readEntry(path)
		if err != nil {
			warnings = append(warnings, err.Error())
			continue
		}
		// A copied file can repeat a repository; reading its worktrees
		// twice would only cost time.
		if seen[e.CommonDir] {
			continue
		}
		seen[e.CommonDir] = true

		_, err = os.Stat(e.CommonDir)
		switch {
		case err == nil:
			entries = append(entries, e)
		case errors.Is(err, fs.ErrNotExist) && e.Mount != "" && !isMounted(e.Mount):
			warnings = append(warnings, fmt.Sprintf(
				"repository %s is on %s, which is not mounted; skipping it "+
					"(run `git worktree-ports forget %s` if it is gone for good)",
				e.CommonDir, e.Mount, e.CommonDir))
		case errors.Is(err, fs.ErrNotExist):
			dropped = append(dropped, e)
			if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
				warnings = append(warnings, fmt.Sprintf(
					"repository %s is gone, but its index entry %s could not be removed: %s",
					e.CommonDir, path, errnoText(err)))
			}
		default:
			warnings = append(warnings, fmt.Sprintf(
				"cannot read repository %s: %s; skipping it "+
					"(run `git worktree-ports forget %s` if it is gone for good)",
				e.CommonDir, errnoText(err), e.CommonDir))
		}
	}
	sort.Slice(entries, func(i, j int) bool {
		a, b := entries[i], entries[j]
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.CommonDir < b.CommonDir
	})
	return entries, dropped, warnings, nil
}

// fileError reports an entry file that cannot be used. Its message is one
// line that names the file.
type fileError struct {
	path, reason string
	err          error
}

func (e *fileError) Error() string { return "skipping index entry " + e.path + ": " + e.reason }

func (e *fileError) Unwrap() error { return e.err }

// readEntry reads and parses the entry file at path.
func readEntry(path string) (Entry, error) {
	data, err := readEntryFile(path)
	if err != nil {
		return Entry{}, err
	}
	var f entryFile
	if err := json.Unmarshal(data, &f); err != nil {
		return Entry{}, &fileError{path: path, reason: "corrupt: invalid or truncated JSON", err: err}
	}
	if f.CommonDir == "" || !filepath.IsAbs(f.CommonDir) {
		return Entry{}, &fileError{path: path, reason: `corrupt: "common_dir" missing or not an absolute path`}
	}
	f.CommonDir = filepath.Clean(f.CommonDir)
	if f.Mount != "" && !filepath.IsAbs(f.Mount) {
		f.Mount = ""
	}
	return f.Entry, nil
}

// readEntryFile returns the bytes of the entry file at path with the same rules as for
// reservation files (safefile.Read), and a smaller size limit.
func readEntryFile(path string) ([]byte, error) {
	data, err := safefile.Read(path, MaxEntrySize)
	var se *safefile.Error
	if errors.As(err, &se) {
		return nil, &fileError{path: path, reason: se.Reason, err: se.Err}
	}
	if err == nil && len(data) == 0 {
		return nil, &fileError{path: path, reason: "corrupt: empty"}
	}
	return data, err
}

// errnoText drops the operation and path from err, since the messages
// name the file already.
func errnoText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
