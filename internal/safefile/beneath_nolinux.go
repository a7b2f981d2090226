//go:build unix && !linux

package safefile

import "io/fs"

// openBeneath opens comps below the directory fd one component at a time with
// O_NOFOLLOW: outside Linux there is no openat2.
func openBeneath(fd int, root string, comps []string) (int, error) {
	return walkBeneath(fd, root, comps)
}

// procUmask reports that there is no /proc to read the umask from.
func procUmask() (fs.FileMode, bool) { return 0, false }
