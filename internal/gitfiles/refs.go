package gitfiles

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
	"github.com/git-worktree-ports/git-worktree-ports/internal/safefile"
)

// HEAD and the refs it names, read as git's files backend reads them.

// head reads the HEAD in gitDir into w's Branch and Detached, as refs_resolve_ref_unsafe
// with the files backend does for the porcelain: a symbolic ref names the branch
// (whether or not it exists yet: an unborn branch), an object id means detached. Whatever
// git would resolve further, or read as broken, falls back.
func (f *Files) head(w *gitwt.Worktree, gitDir string, format *repoFormat) error {
	path := filepath.Join(gitDir, "HEAD")
	val, err := readRef(path)
	if err != nil {
		return err
	}
	if target, ok := strings.CutPrefix(val, "ref:"); ok {
		target = strings.TrimLeft(target, " \t\n\r")
		if !sharedRef(target) {
			return fallback("%s points to %q", path, target)
		}
		// The branch's own file decides whether git takes it as a branch: missing (unborn
		// or packed) or a directory it is; an object id it is; a symbolic ref git follows
		// further, and anything else is broken, which git reports as neither branch nor
		// detached.
		refPath := filepath.Join(f.Loc.CommonDir, filepath.FromSlash(target))
		v, err := readRef(refPath)
		switch {
		case err == nil:
			if !isObjectID(v, format.hexLen) {
				return fallback("%s holds %q", refPath, v)
			}
		case errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR):
		default:
			if fi, serr := os.Lstat(refPath); serr != nil || !fi.IsDir() {
				return err
			}
		}
		w.Branch = target
		return nil
	}
	if !isObjectID(val, format.hexLen) {
		return fallback("%s holds %q", path, val)
	}
	w.Detached = true
	return nil
}

// readRef reads a loose ref as the files backend does: a regular file (a symlink,
// which git reads its own way, falls back), with trailing white space removed. The
// error of a missing file matches fs.ErrNotExist.
func readRef(path string) (string, error) {
	data, err := safefile.ReadNoFollow(path, maxRefFile)
	if err != nil {
		return "", fallbackWrap(err)
	}
	if strings.IndexByte(string(data), 0) >= 0 {
		return "", fallback("%s holds a NUL byte", path)
	}
	return strings.TrimRight(string(data), " \t\n\r"), nil
}

// isObjectID reports whether v starts with an object id of n hex digits followed by
// nothing or white space, as parse_loose_ref_contents takes it.
func isObjectID(v string, n int) bool {
	if len(v) < n || !gitwt.IsHex(v[:n]) {
		return false
	}
	return len(v) == n || gitSpace(v[n])
}

// sharedRef reports whether HEAD may name ref and be read here: a valid ref name
// (git's check_refname_format) under refs/, and not one of the refs each worktree keeps
// for itself (refs/bisect/, refs/worktree/, refs/rewritten/).
func sharedRef(ref string) bool {
	if !strings.HasPrefix(ref, "refs/") {
		return false
	}
	for _, own := range []string{"refs/bisect/", "refs/worktree/", "refs/rewritten/"} {
		if strings.HasPrefix(ref, own) {
			return false
		}
	}
	return validRefName(ref)
}

// validRefName is git's check_refname_format (without its flags): no control
// characters, space, ~ ^ : ? * [ \ or DEL; no "..", "@{" or "//"; no component that
// starts with "." or ends with ".lock"; not ending in "/" or "."; not "@".
func validRefName(ref string) bool {
	if ref == "" || ref == "@" || strings.HasSuffix(ref, ".") {
		return false
	}
	for _, comp := range strings.Split(ref, "/") {
		if comp == "" || comp[0] == '.' || strings.HasSuffix(comp, ".lock") {
			return false
		}
		for i := 0; i < len(comp); i++ {
			c := comp[i]
			switch {
			case c < 0x20 || c == 0x7f:
				return false
			case strings.IndexByte(" ~^:?*[\\", c) >= 0:
				return false
			case c == '.' && i+1 < len(comp) && comp[i+1] == '.':
				return false
			case c == '@' && i+1 < len(comp) && comp[i+1] == '{':
				return false
			}
		}
	}
	return true
}
