//go:build unix

package safefile

import (
	"errors"
	"io/fs"
	"syscall"
)

// readNoFollow opens path without following a symlink swapped in since the Lstat, and
// without registering it with the runtime's poller (os.OpenFile would, for a
// non-blocking file), checks the open file, and reads the size it has in one read.
func readNoFollow(path string, max int64, fail func(string, error) ([]byte, error)) ([]byte, error) {
	var fd int
	var err error
	for {
		fd, err = syscall.Open(path, syscall.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOCTTY|syscall.O_NOFOLLOW|syscall.O_CLOEXEC, 0)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return nil, openFailure(path, err, "not a regular file (symlink)")
	}
	defer syscall.Close(fd)
	return readOpen(fd, max, fail)
}

// readOpen checks that the open file fd is regular and at most max bytes, and reads the
// size it has in one read.
func readOpen(fd int, max int64, fail func(string, error) ([]byte, error)) ([]byte, error) {
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		return fail("cannot stat: "+err.Error(), err)
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		return fail("not a regular file (changed while opened)", nil)
	}
	if st.Size > max {
		return fail(tooLarge(max), nil)
	}
	// A file that grows after the Fstat is read as it was then; one that shrinks ends
	// early.
	buf := make([]byte, st.Size)
	n := 0
	for n < len(buf) {
		m, err := syscall.Read(fd, buf[n:])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			if errors.Is(err, fs.ErrPermission) {
				return fail("unreadable: permission denied", err)
			}
			return fail("unreadable: "+err.Error(), err)
		}
		if m == 0 {
			break
		}
		n += m
	}
	return buf[:n], nil
}
