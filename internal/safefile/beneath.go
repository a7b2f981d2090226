package safefile

import (
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// The write path for files that a committed file names (the dotenv files): stricter than
// Resolve and WriteAtomic, which follow a symlink that stays inside the root. Here no
// symlink is ever followed, not even one inside: OpenBeneath opens the file's directory
// beneath the root with the kernel refusing every symlink on the way (openat2 with
// RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS on Linux, one openat with O_NOFOLLOW per component
// elsewhere and where openat2 is missing), and every operation on the open Dir names a
// file directly in it, again without following a symlink. So a directory swapped for a
// symlink after any check made before (to .git, say) makes the operation fail; it cannot
// carry it anywhere.

// SymlinkError refuses an operation that met a symlink where none may be: a directory
// on the way to the file, or the file itself. Nothing was written or removed.
type SymlinkError struct {
	Path string // the symlink, when known, else the path that holds one
}

func (e *SymlinkError) Error() string {
	return fmt.Sprintf("%s is or holds a symlink; refusing to go through it", untrusted.New(e.Path))
}

// components splits rel, a slash-separated path relative to a root, into its names,
// refusing what could leave the root: an absolute path or a ".." component. "." and ""
// are the root itself.
func components(rel string) ([]string, error) {
	slash := filepath.ToSlash(rel)
	if path.IsAbs(slash) || filepath.IsAbs(rel) || filepath.VolumeName(rel) != "" {
		return nil, fmt.Errorf("%s: not relative", untrusted.New(rel))
	}
	var out []string
	for _, c := range strings.Split(slash, "/") {
		switch c {
		case "", ".":
			continue
		case "..":
			return nil, fmt.Errorf("%s: a path with .. may leave the root", untrusted.New(rel))
		}
		out = append(out, c)
	}
	return out, nil
}

// tempName returns a name for a temporary file: prefix and a random suffix.
func tempName(prefix string) string {
	return prefix + strconv.FormatUint(rand.Uint64(), 36)
}

// checkName refuses a name that is not one entry directly in a directory.
func checkName(name string) error {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, `/`+string(filepath.Separator)) {
		return fmt.Errorf("%s: not a file name", untrusted.New(name))
	}
	return nil
}

// fill writes data to f, a new temporary file, gives it perm, flushes it to the disk and
// closes it, so that the rename that follows publishes whole content with its mode.
func fill(f *os.File, data []byte, perm fs.FileMode) error {
	_, err := f.Write(data)
	if err == nil {
		err = f.Chmod(perm.Perm())
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
