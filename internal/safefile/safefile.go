// Package safefile reads files that anyone may have put in place: another worktree's
// reservation, a config file, an index entry. It never blocks (on a FIFO or a device),
// never loops (on a symlink loop), never reads more than a limit, and says in a few words
// why a file was refused. Every file the tool writes or removes goes through it too
// (Resolve, WriteAtomic, Remove; see write.go): atomically, and never outside the
// directories the file belongs in. Files a committed file names (the dotenv files) go
// through OpenBeneath and Dir instead (beneath.go), which follow no symlink at all.
package safefile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// Error says why a file was refused. Err, when set, is the underlying error: a missing
// file wraps fs.ErrNotExist, so errors.Is(err, fs.ErrNotExist) tells it apart.
type Error struct {
	Path   string
	Reason string // e.g. "missing", "not a regular file (FIFO)", "larger than 1 MiB"
	Err    error
}

func (e *Error) Error() string { return e.Path + ": " + e.Reason }
func (e *Error) Unwrap() error { return e.Err }

// Read returns the bytes of the regular file at path, at most max of them. It refuses,
// without opening it, anything that is not a regular file (following a symlink: a loop
// is refused too), then opens without blocking and checks the open file again, since the
// path may have been swapped in between. Every error is an *Error.
func Read(path string, max int64) ([]byte, error) {
	fail := func(reason string, err error) ([]byte, error) {
		return nil, &Error{Path: path, Reason: reason, Err: err}
	}
	fi, ferr := lstat(path)
	if ferr != nil {
		return nil, ferr
	}
	var err error
	if fi.Mode()&fs.ModeSymlink != 0 {
		fi, err = os.Stat(path)
		switch {
		case errors.Is(err, syscall.ELOOP):
			return fail("symlink loop", err)
		case errors.Is(err, fs.ErrNotExist):
			return fail("symlink to a missing file", err)
		case err != nil:
			return fail("cannot follow symlink: "+errnoText(err), err)
		}
	}
	if reason := check(fi, max); reason != "" {
		return fail(reason, nil)
	}
	f, err := openNonBlocking(path)
	if err != nil {
		return nil, openFailure(path, err, "symlink loop")
	}
	defer f.Close()
	if fi, err = f.Stat(); err != nil {
		return fail("cannot stat: "+errnoText(err), err)
	}
	if reason := check(fi, max); reason != "" {
		return fail(reason, nil)
	}
	// The limit guards against a file that grows after the Fstat.
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		if errors.Is(err, fs.ErrPermission) {
			return fail("unreadable: permission denied", err)
		}
		return fail("unreadable: "+errnoText(err), err)
	}
	if int64(len(data)) > max {
		return fail(tooLarge(max), nil)
	}
	return data, nil
}

// check returns why fi cannot be read as a file of at most max bytes, or "".
func check(fi fs.FileInfo, max int64) string {
	m := fi.Mode()
	if !m.IsRegular() {
		return "not a regular file (" + Kind(m) + ")"
	}
	if fi.Size() > max {
		return tooLarge(max)
	}
	return ""
}

func tooLarge(max int64) string {
	switch {
	case max >= 1<<20 && max%(1<<20) == 0:
		return fmt.Sprintf("larger than %d MiB", max>>20)
	case max >= 1<<10 && max%(1<<10) == 0:
		return fmt.Sprintf("larger than %d KiB", max>>10)
	}
	return fmt.Sprintf("larger than %d bytes", max)
}

// Kind names a file mode that is not a regular file's.
func Kind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "FIFO"
	case m.IsDir():
		return "directory"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeCharDevice != 0:
		return "character device"
	case m&fs.ModeDevice != 0:
		return "block device"
	case m&fs.ModeSymlink != 0:
		return "symlink"
	}
	return "irregular file"
}

// errnoText drops the operation and path from err: Error names the file already.
func errnoText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// lstat is both readers' first step: what is at path, without following it.
func lstat(path string) (fs.FileInfo, *Error) {
	fi, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, &Error{Path: path, Reason: "missing", Err: err}
	case err != nil:
		return nil, &Error{Path: path, Reason: "cannot stat: " + errnoText(err), Err: err}
	}
	return fi, nil
}

// openFailure says why opening path failed; loop is the reason given for ELOOP, which
// means a loop to Read and a symlink to ReadNoFollow (O_NOFOLLOW).
func openFailure(path string, err error, loop string) *Error {
	reason := "cannot open: " + errnoText(err)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		reason = "missing"
	case errors.Is(err, fs.ErrPermission):
		reason = "unreadable: permission denied"
	case errors.Is(err, syscall.ELOOP):
		reason = loop
	}
	return &Error{Path: path, Reason: reason, Err: err}
}
