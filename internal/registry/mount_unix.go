//go:build unix

package registry

import (
	"os"
	"path/filepath"
	"syscall"
)

// device returns the ID of the file system that holds path.
func device(path string) (uint64, bool) {
	fi, err := os.Stat(path)
	if err != nil {
		return 0, false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return uint64(st.Dev), true
}

// mountPoint returns the top directory of the file system that holds dir:
// the highest ancestor still on dir's device. It returns "" for the root
// file system, or when dir cannot be examined. Bind mounts within one
// device are not seen, which is what isMounted needs: it can only tell
// mount points that change the device.
func mountPoint(dir string) string {
	dev, ok := device(dir)
	if !ok {
		return ""
	}
	for p := dir; ; {
		parent := filepath.Dir(p)
		if parent == p {
			return ""
		}
		pdev, ok := device(parent)
		if !ok {
			return ""
		}
		if pdev != dev {
			return p
		}
		p = parent
	}
}

// isMounted reports whether a file system is mounted on dir now: dir
// exists and is on another device than its parent.
func isMounted(dir string) bool {
	dev, ok := device(dir)
	if !ok {
		return false
	}
	pdev, ok := device(filepath.Dir(dir))
	return ok && dev != pdev
}
