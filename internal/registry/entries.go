package registry

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/git-worktree-ports/git-worktree-ports/internal/safefile"
	"github.com/git-worktree-ports/git-worktree-ports/internal/shquote"
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
//   - The checks run at the same time, and Entries waits at most
//     x.Timeout (when positive) for them: a stat on a hung network mount
//     can block for ever. A repository that has not answered by then is
//     kept in the index, left out of entries, and reported in warnings.
//
// Files in the index directory are untrusted: an entry file that is not a
// regular file (FIFO, directory, device, socket, symlink loop), is larger
// than MaxEntrySize, cannot be read or does not parse is skipped with a
// warning and left in place; Entries never blocks on one. Files whose names
// do not look like entries (the lock file, temporary files) are ignored.
// Each warning is one line that names the file or repository.
func (x Index) Entries() (entries []Entry, dropped []Entry, warnings []string, err error) {
	recorded, paths, warnings, err := x.registered()
	if err != nil || len(recorded) == 0 {
		return nil, nil, warnings, err
	}
	statErrs := statAll(recorded, x.Timeout)
	for i, e := range recorded {
		path := paths[i]
		err := statErrs[i]
		switch {
		case err == nil:
			entries = append(entries, e)
		case errors.Is(err, fs.ErrNotExist) && e.Mount != "" && !isMounted(e.Mount):
			warnings = append(warnings, fmt.Sprintf(
				"repository %s is on %s, which is not mounted; skipping it "+
					"(run `git worktree-ports forget %s` if it is gone for good)",
				e.CommonDir, e.Mount, shquote.Word(e.CommonDir)))
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
				e.CommonDir, errnoText(err), shquote.Word(e.CommonDir)))
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

// Registered returns the entries as their files record them, without checking that the
// repositories still exist, so it touches no file system but the index's. Entry files
// that cannot be used are reported in warnings, as by Entries; a repository recorded
// twice is returned once.
func (x Index) Registered() (entries []Entry, warnings []string, err error) {
	entries, _, warnings, err = x.registered()
	return entries, warnings, err
}

// registered is Registered, plus the path of each entry's file.
func (x Index) registered() (entries []Entry, paths, warnings []string, err error) {
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
		entries = append(entries, e)
		paths = append(paths, path)
	}
	return entries, paths, warnings, nil
}

// statDir is os.Stat; tests replace it to stand in for a hung file system.
var statDir = os.Stat

// statAll stats the common directory of every entry at once, and returns each one's
// error. With a positive timeout it waits no longer than that: a stat that has not
// returned by then (a hung network mount blocks it in the kernel, where nothing can
// interrupt it) is left behind, and its entry gets a *NoAnswerError.
func statAll(entries []Entry, timeout time.Duration) []error {
	stat := statDir
	errs := make([]error, len(entries))
	if timeout <= 0 {
		for i, e := range entries {
			_, errs[i] = stat(e.CommonDir)
		}
		return errs
	}
	type result struct {
		i   int
		err error
	}
	// Buffered, so a stat that returns after we stopped waiting does not block its
	// goroutine for ever.
	results := make(chan result, len(entries))
	for i, e := range entries {
		go func() {
			_, err := stat(e.CommonDir)
			results <- result{i, err}
		}()
	}
	answered := make([]bool, len(entries))
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for range entries {
		select {
		case r := <-results:
			errs[r.i], answered[r.i] = r.err, true
		case <-timer.C:
			for i := range errs {
				if !answered[i] {
					errs[i] = &NoAnswerError{Timeout: timeout}
				}
			}
			return errs
		}
	}
	return errs
}

// NoAnswerError reports a repository that did not answer in time, most likely because
// it is on a hung network mount.
type NoAnswerError struct {
	Timeout time.Duration
}

func (e *NoAnswerError) Error() string {
	return fmt.Sprintf("no answer within %s (a hung file system?)", e.Timeout)
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
