//go:build unix

package gitfiles

import (
	"os"
	"syscall"
)

// ownedByUs returns nil when path is owned by the effective user, as git's
// is_path_owned_by_current_user decides it (lstat), and a fallback otherwise: git then
// refuses the repository unless safe.directory allows it, which git decides. Under sudo
// (root with SUDO_UID set) git compares with SUDO_UID; that is left to git too.
func ownedByUs(path string, getenv func(string) (string, bool)) error {
	fi, err := os.Lstat(path)
	if err != nil {
		return fallback("%s: %v", path, err)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fallback("%s: no owner", path)
	}
	euid := os.Geteuid()
	if euid == 0 {
		if _, sudo := getenv("SUDO_UID"); sudo {
			return fallback("running under sudo (SUDO_UID is set)")
		}
	}
	if int(st.Uid) != euid {
		return fallback("%s is owned by uid %d, not %d (git decides, with safe.directory)", path, st.Uid, euid)
	}
	return nil
}

// device returns the file system that dir is on, as git's discovery compares them.
func device(dir string) (uint64, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return 0, fallback("%v", err)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, fallback("%s: no device", dir)
	}
	return uint64(st.Dev), nil // narrower than uint64 on some systems
}

// searchable reports whether this process may search the directory dir, as git's
// access(dir, X_OK) asks it.
func searchable(dir string) bool {
	return syscall.Access(dir, 1) == nil // X_OK
}
