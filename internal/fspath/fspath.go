// Package fspath owns how the tool tells whether two paths are the same, and the one
// canonical form of a path. Every comparison of paths goes through it, in one of two
// ways, chosen by whether the paths may be opened:
//
//   - Equal compares the text, cleaned, and never touches the disk. It is for paths that
//     must not be opened (one recorded in a reservation file anyone may have committed
//     could name a hung network mount) and for paths git prints, which it prints the
//     same way every time.
//   - Same asks the file system: the same directory entry, through symlinks or not. It is
//     for paths from different sources (git, the environment, the user's argument, a
//     .git file) that may spell one directory differently.
//
// Real and Canonical resolve symlinks as git does when it prints a path.
package fspath

import (
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
)

// Equal reports whether a and b are the same path once cleaned, compared as the running
// system's file systems compare names by default (EqualOn). It does not touch the disk.
func Equal(a, b string) bool { return EqualOn(runtime.GOOS, a, b) }

// FoldsCase reports whether the file systems of goos compare names without case by
// default: Windows (NTFS) and macOS (APFS, HFS+) do; Linux and the BSDs compare bytes.
func FoldsCase(goos string) bool { return goos == "windows" || goos == "darwin" }

// EqualOn is Equal as goos compares names: byte for byte, or, where names fold case,
// with Unicode simple case folding (strings.EqualFold), close to NTFS's and APFS's
// tables. The paths are cleaned by the running system's rules.
func EqualOn(goos, a, b string) bool {
	a, b = filepath.Clean(a), filepath.Clean(b)
	if FoldsCase(goos) {
		return strings.EqualFold(a, b)
	}
	return a == b
}

// Same reports whether a and b name one directory entry: equal paths (Equal), or paths
// that lead to the same file, through symlinks or not. A path that does not exist is
// the same only as an equal one. Paths with a ".." element are compared as text only
// when one does not exist: after a symlink, ".." leaves the symlink's target, not its
// parent.
func Same(a, b string) bool {
	if Equal(a, b) && !hasDotDot(a) && !hasDotDot(b) {
		return true
	}
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	if errA != nil || errB != nil {
		return Equal(a, b)
	}
	return os.SameFile(fa, fb)
}

func hasDotDot(p string) bool {
	return strings.Contains(p, "..") && slices.Contains(strings.Split(filepath.ToSlash(p), "/"), "..")
}

// JoinPhysical returns rel as the kernel reads it from the directory base, the way git
// reads a relative path in a .git file, commondir or core.worktree (it opens it, or
// chdirs to it): rel itself when absolute, else base + "/" + rel, not cleaned. Cleaning
// would read "sym/../x" as "x" beside sym, where the kernel finds x beside sym's target,
// another directory. Resolve the result with Real or filepath.EvalSymlinks.
func JoinPhysical(base, rel string) string {
	if filepath.IsAbs(rel) {
		return rel
	}
	return strings.TrimSuffix(base, string(filepath.Separator)) + string(filepath.Separator) + rel
}

// Real returns p cleaned, with its symlinks resolved when it exists, the way git prints
// paths; a path that cannot be resolved (gone, unreadable) is returned cleaned. It is
// resolved before it is cleaned, since ".." after a symlink leaves the symlink's target.
func Real(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	return filepath.Clean(p)
}

// Canonical returns p absolute (relative to the working directory), cleaned, and with
// its symlinks resolved when it exists: one spelling for one directory, for use as a
// key.
func Canonical(p string) string {
	if abs, err := filepath.Abs(p); err == nil {
		p = abs
	}
	return Real(p)
}
