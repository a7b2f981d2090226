//go:build !unix

package registry

// mountPoint returns "": outside Unix, mount points are not tracked, so a
// missing repository is always dropped from the index.
func mountPoint(dir string) string { return "" }

// isMounted reports true, so that Entries treats a missing repository as
// gone.
func isMounted(dir string) bool { return true }
