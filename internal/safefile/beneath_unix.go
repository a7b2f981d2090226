//go:build unix

package safefile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// Dir is a directory opened by OpenBeneath. Its methods act on files directly in it,
// never following a symlink.
type Dir struct {
	Path string // the directory, for messages
	fd   int
}

// OpenBeneath opens the directory rel (slash-separated, "." for root itself) beneath
// root, refusing with a *SymlinkError any symlink on the way, and an absolute rel or
// one with "..". root itself is trusted, wherever it leads. A missing directory wraps
// fs.ErrNotExist.
func OpenBeneath(root, rel string) (*Dir, error) {
	comps, err := components(rel)
	if err != nil {
		return nil, err
	}
	rootfd, err := openRetry(unix.AT_FDCWD, root, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC|unix.O_NONBLOCK)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: root, Err: err}
	}
	if len(comps) == 0 {
		return &Dir{Path: root, fd: rootfd}, nil
	}
	defer unix.Close(rootfd)
	dir := filepath.Join(root, filepath.FromSlash(strings.Join(comps, "/")))
	fd, err := openBeneath(rootfd, root, comps)
	if err != nil {
		return nil, err
	}
	return &Dir{Path: dir, fd: fd}, nil
}

// walkBeneath opens comps below the directory fd one at a time with O_NOFOLLOW: the
// portable way, and Linux's without openat2.
func walkBeneath(fd int, root string, comps []string) (int, error) {
	cur := fd
	closeCur := func() {
		if cur != fd {
			unix.Close(cur)
		}
	}
	for i, c := range comps {
		next, err := openRetry(cur, c, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC|unix.O_NONBLOCK)
		if err != nil {
			at := filepath.Join(root, filepath.FromSlash(strings.Join(comps[:i+1], "/")))
			var st unix.Stat_t
			// ELOOP on Linux, EMLINK on FreeBSD, ENOTDIR with O_DIRECTORY elsewhere: ask.
			if unix.Fstatat(cur, c, &st, unix.AT_SYMLINK_NOFOLLOW) == nil && st.Mode&unix.S_IFMT == unix.S_IFLNK {
				closeCur()
				return -1, &SymlinkError{Path: at}
			}
			closeCur()
			return -1, &fs.PathError{Op: "open", Path: at, Err: err}
		}
		closeCur()
		cur = next
	}
	return cur, nil
}

// openRetry is openat, retried on EINTR. A file it creates gets mode 0600 (less the
// umask).
func openRetry(dirfd int, name string, flags int) (int, error) {
	for {
		fd, err := unix.Openat(dirfd, name, flags, 0o600)
		if err != unix.EINTR {
			return fd, err
		}
	}
}

// Close closes the directory.
func (d *Dir) Close() error { return unix.Close(d.fd) }

func (d *Dir) at(name string) string { return filepath.Join(d.Path, name) }

// ReadFile returns the bytes of the regular file name in d, at most max of them, and its
// permission bits. A symlink, a FIFO, a device or a directory is refused without being
// opened for what it leads to. Every error is an *Error; a missing file wraps
// fs.ErrNotExist.
func (d *Dir) ReadFile(name string, max int64) ([]byte, fs.FileMode, error) {
	path := d.at(name)
	if err := checkName(name); err != nil {
		return nil, 0, &Error{Path: path, Reason: err.Error(), Err: err}
	}
	fail := func(reason string, err error) ([]byte, error) {
		return nil, &Error{Path: path, Reason: reason, Err: err}
	}
	var st unix.Stat_t
	if err := unix.Fstatat(d.fd, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		if errors.Is(err, unix.ENOENT) {
			return nil, 0, &Error{Path: path, Reason: "missing", Err: fs.ErrNotExist}
		}
		_, e := fail("cannot stat: "+err.Error(), err)
		return nil, 0, e
	}
	if reason := check(statInfo(name, &st), max); reason != "" {
		_, e := fail(reason, nil)
		return nil, 0, e
	}
	fd, err := openRetry(d.fd, name, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_NOCTTY|unix.O_CLOEXEC)
	if err != nil {
		return nil, 0, openFailure(path, err, "not a regular file (symlink)")
	}
	defer unix.Close(fd)
	data, err := readOpen(fd, max, fail)
	if err != nil {
		return nil, 0, err
	}
	if err := unix.Fstat(fd, &st); err != nil {
		_, e := fail("cannot stat: "+err.Error(), err)
		return nil, 0, e
	}
	return data, fs.FileMode(st.Mode & 0o777), nil
}

// WriteAtomic replaces the file name in d with data and mode perm, exactly: a temporary
// file named tempPrefix and a random suffix, created in d with mode 0600 and O_EXCL (so
// a copy of a file with secrets is never readable by others, and never a symlink
// followed), written, given perm, fsynced and renamed over name, and d fsynced. A
// symlink at name is replaced, never written through. The temporary file is removed
// when anything fails before the rename; a crash leaves it (RemoveTemps).
func (d *Dir) WriteAtomic(name string, data []byte, perm fs.FileMode, tempPrefix string) error {
	if err := checkName(name); err != nil {
		return err
	}
	var fd int
	var tmp string
	var err error
	for range 100 {
		tmp = tempName(tempPrefix)
		fd, err = openRetry(d.fd, tmp, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC)
		if err != unix.EEXIST {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("%s: cannot create a temporary file: %w", d.at(name), err)
	}
	f := os.NewFile(uintptr(fd), d.at(tmp))
	if testHookTemp != nil {
		testHookTemp(f)
	}
	err = fill(f, data, perm)
	if err == nil {
		err = unix.Renameat(d.fd, tmp, d.fd, name)
	}
	if err != nil {
		unix.Unlinkat(d.fd, tmp, 0)
		return fmt.Errorf("%s: %w", d.at(name), err)
	}
	return unix.Fsync(d.fd)
}

// Remove deletes the file name in d; a symlink there is removed, not followed.
func (d *Dir) Remove(name string) error {
	if err := checkName(name); err != nil {
		return err
	}
	if err := unix.Unlinkat(d.fd, name, 0); err != nil {
		return &fs.PathError{Op: "remove", Path: d.at(name), Err: err}
	}
	return nil
}

// RemoveTemps removes the regular files in d whose names begin with prefix and go on
// (WriteAtomic's temporary files, left by a crash), and returns their names. Nothing
// else is touched: not a symlink, not a directory.
func (d *Dir) RemoveTemps(prefix string) ([]string, error) {
	fd, err := openRetry(d.fd, ".", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: d.Path, Err: err}
	}
	f := os.NewFile(uintptr(fd), d.Path)
	names, err := f.Readdirnames(-1)
	f.Close()
	if err != nil {
		return nil, err
	}
	var removed []string
	for _, n := range names {
		if len(n) <= len(prefix) || !strings.HasPrefix(n, prefix) {
			continue
		}
		var st unix.Stat_t
		if unix.Fstatat(d.fd, n, &st, unix.AT_SYMLINK_NOFOLLOW) != nil || st.Mode&unix.S_IFMT != unix.S_IFREG {
			continue
		}
		if err := unix.Unlinkat(d.fd, n, 0); err != nil {
			return removed, &fs.PathError{Op: "remove", Path: d.at(n), Err: err}
		}
		removed = append(removed, n)
	}
	return removed, nil
}

// Umasked returns perm less the process's umask, as the kernel applies it to a file
// created with perm.
func Umasked(perm fs.FileMode) fs.FileMode {
	umaskOnce.Do(func() {
		if m, ok := procUmask(); ok {
			umask = m
			return
		}
		// Elsewhere the only way to read the umask is to set it; the window is two
		// system calls.
		m := unix.Umask(0o022)
		unix.Umask(m)
		umask = fs.FileMode(m)
	})
	return perm &^ umask
}

// testHookTemp, when set, sees each temporary file WriteAtomic creates, before it is
// written.
var testHookTemp func(*os.File)

var (
	umaskOnce sync.Once
	umask     fs.FileMode
)

// statInfo is enough of an fs.FileInfo for check.
func statInfo(name string, st *unix.Stat_t) fs.FileInfo {
	return statFileInfo{name: name, st: st}
}

type statFileInfo struct {
	name string
	st   *unix.Stat_t
}

func (s statFileInfo) Name() string { return s.name }
func (s statFileInfo) Size() int64  { return s.st.Size }
func (s statFileInfo) Mode() fs.FileMode {
	m := fs.FileMode(s.st.Mode & 0o777)
	switch s.st.Mode & unix.S_IFMT {
	case unix.S_IFREG:
	case unix.S_IFDIR:
		m |= fs.ModeDir
	case unix.S_IFLNK:
		m |= fs.ModeSymlink
	case unix.S_IFIFO:
		m |= fs.ModeNamedPipe
	case unix.S_IFSOCK:
		m |= fs.ModeSocket
	case unix.S_IFCHR:
		m |= fs.ModeDevice | fs.ModeCharDevice
	case unix.S_IFBLK:
		m |= fs.ModeDevice
	default:
		m |= fs.ModeIrregular
	}
	return m
}
func (s statFileInfo) ModTime() time.Time { return time.Time{} }
func (s statFileInfo) IsDir() bool        { return s.Mode().IsDir() }
func (s statFileInfo) Sys() any           { return s.st }
