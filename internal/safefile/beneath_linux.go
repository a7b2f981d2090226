package safefile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// noOpenat2 is set once openat2 is known to be missing (ENOSYS: a kernel before 5.6, or
// a seccomp filter that does not know it, which may say EPERM); tests set it to run the
// walk.
var noOpenat2 atomic.Bool

// openBeneath opens comps below the directory fd with one openat2 that the kernel
// resolves beneath fd refusing every symlink, or with the walk where openat2 is missing.
func openBeneath(fd int, root string, comps []string) (int, error) {
	if noOpenat2.Load() {
		return walkBeneath(fd, root, comps)
	}
	rel := strings.Join(comps, "/")
	how := unix.OpenHow{
		Flags:   unix.O_RDONLY | unix.O_DIRECTORY | unix.O_CLOEXEC | unix.O_NONBLOCK,
		Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS,
	}
	for try := 0; ; try++ {
		next, err := unix.Openat2(fd, rel, &how)
		switch {
		case err == nil:
			return next, nil
		case err == unix.EINTR, err == unix.EAGAIN && try < 100:
			// EAGAIN: a rename elsewhere raced the lookup; the kernel asks to try again.
			continue
		case err == unix.ENOSYS, err == unix.EPERM:
			// EPERM: an older container runtime's seccomp filter refuses system calls it
			// does not know with it. The walk is as safe, only longer.
			noOpenat2.Store(true)
			return walkBeneath(fd, root, comps)
		case err == unix.ELOOP:
			// The walk names the symlink; the kernel does not say which component it was.
			wfd, werr := walkBeneath(fd, root, comps)
			if werr == nil {
				unix.Close(wfd) // swapped back meanwhile: the refusal stands
			} else if errors.As(werr, new(*SymlinkError)) {
				return -1, werr
			}
			return -1, &SymlinkError{Path: filepath.Join(root, filepath.FromSlash(rel))}
		}
		return -1, &fs.PathError{Op: "openat2", Path: filepath.Join(root, filepath.FromSlash(rel)), Err: err}
	}
}

// procUmask reads the umask from /proc/self/status (Linux 4.7 and later), which does not
// change it even for a moment, as reading it with umask(2) must.
func procUmask() (fs.FileMode, bool) {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, false
	}
	for line := range strings.Lines(string(data)) {
		if v, ok := strings.CutPrefix(line, "Umask:"); ok {
			m, err := strconv.ParseUint(strings.TrimSpace(v), 8, 32)
			return fs.FileMode(m) & 0o777, err == nil
		}
	}
	return 0, false
}
