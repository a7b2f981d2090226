package safefile

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// The writing half of the package. Every file the tool writes (a hook, a reservation, a
// registry entry) goes through Resolve or ResolveParent, which check that the write stays
// inside the directories it belongs to, and then through WriteAtomic or Remove, which do
// the write relative to a directory descriptor.
//
// What is guaranteed. Resolve looks at the path as it is at that moment. WriteAtomic then
// opens the root and walks down to the file's directory with os.Root, one component at a
// time (openat with O_NOFOLLOW on Unix), which refuses any symlink that leads out of the
// root; it creates its temporary file there with O_EXCL (which never follows a symlink)
// and renames it into place within that same open directory. So a directory swapped for
// an outside symlink after the check cannot carry the write out of the root: the write
// fails instead. rename(2) replaces a symlink at the final name rather than writing
// through it. What is not guaranteed: a root that someone moves, or a file reached
// through an inside symlink (Resolve) that is swapped in the gap before the rename: the
// write then replaces whatever is at the resolved path, which is still inside the root.

// maxHops bounds the symlinks followed in one resolution, as Linux does (MAXSYMLINKS).
const maxHops = 40

// TempInfix separates a target's name from the random suffix of WriteAtomic's temporary
// file: a crash can leave "<name>.tmp-<suffix>" (after WriteOptions.TempPrefix) behind.
const TempInfix = ".tmp-"

// EscapeError refuses a write whose path, or a directory on the way to it, is a symlink
// that leads outside the directories the write must stay in (or that does not lie in
// them at all). Nothing has been written.
type EscapeError struct {
	Path   string   // the file that was to be written, as given
	Link   string   // the symlink that leads out: Path itself or a directory above it; "" when Path lies in no root
	Target string   // where Link leads, symlinks resolved
	Roots  []string // the directories the write must stay in
}

// Error names the paths with their control characters escaped: a symlink's target is
// whatever a committed file says.
func (e *EscapeError) Error() string {
	where := untrusted.New(strings.Join(e.Roots, " or "))
	path, link, target := untrusted.New(e.Path), untrusted.New(e.Link), untrusted.New(e.Target)
	switch e.Link {
	case "":
		return fmt.Sprintf("%s lies outside %s; refusing to write it", path, where)
	case e.Path:
		return fmt.Sprintf("%s is a symlink to %s, outside %s; refusing to write through it", path, target, where)
	}
	return fmt.Sprintf("%s: %s is a symlink to %s, outside %s; refusing to write through it", path, link, target, where)
}

// Target is a place to write a file, checked by Resolve or ResolveParent.
type Target struct {
	Root string // the root the file lies in, symlinks resolved
	Path string // the file: absolute, under Root, with no symlink in its directories
}

// Resolve returns where a write to path lands when it follows symlinks, as an editor
// does: the link stays a link and the file it points to is replaced. It refuses, with an
// *EscapeError, a path that lies in none of roots, or one in which any component (a
// directory or the file itself) is a symlink that resolves outside every root. The roots
// themselves are trusted: a root that is a symlink is resolved first, wherever it leads.
// Parts of the path that do not exist yet are taken as they are.
func Resolve(path string, roots ...string) (Target, error) {
	return resolve(path, true, roots)
}

// ResolveParent is Resolve for a writer that replaces the file itself, a symlink
// included, and never writes through it: only the directories above the file are
// followed and checked.
func ResolveParent(path string, roots ...string) (Target, error) {
	return resolve(path, false, roots)
}

type root struct{ given, real string }

func resolve(path string, followLast bool, given []string) (Target, error) {
	path = absClean(path)
	var roots []root
	var names []string
	for _, g := range given {
		g = absClean(g)
		real, err := walk(string(filepath.Separator), split(g), new(int))
		if err != nil {
			return Target{}, &Error{Path: g, Reason: "cannot resolve: " + errnoText(err), Err: err}
		}
		roots = append(roots, root{g, real})
		names = append(names, g)
	}
	var start root
	var rel string
	for _, r := range roots {
		if x, ok := under(path, r.given); ok {
			start, rel = r, x
			break
		}
		if x, ok := under(path, r.real); ok {
			start, rel = r, x
			break
		}
	}
	if start.real == "" {
		return Target{}, &EscapeError{Path: path, Roots: names}
	}
	// Component by component, so the message can name the one that leads out.
	cur, lexical := start.real, start.given
	comps := split(rel)
	hops := 0
	for i, c := range comps {
		lexical = filepath.Join(lexical, c)
		if i == len(comps)-1 && !followLast {
			cur = filepath.Join(cur, c)
			break
		}
		next, err := walk(cur, []string{c}, &hops)
		if err != nil {
			return Target{}, &Error{Path: path, Reason: "cannot resolve " + lexical + ": " + errnoText(err), Err: err}
		}
		if within(next, roots) == "" {
			return Target{}, &EscapeError{Path: path, Link: lexical, Target: next, Roots: names}
		}
		cur = next
	}
	return Target{Root: within(cur, roots), Path: cur}, nil
}

// walk resolves comps from the real directory dir the way the kernel does, following
// every symlink, and returns the real path. Components that do not exist are appended as
// they are, so the result is where a file would be created.
func walk(dir string, comps []string, hops *int) (string, error) {
	cur := dir
	for len(comps) > 0 {
		c := comps[0]
		comps = comps[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			cur = filepath.Dir(cur)
			continue
		}
		next := filepath.Join(cur, c)
		fi, err := os.Lstat(next)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			cur = next
			continue
		case err != nil:
			return "", err
		case fi.Mode()&fs.ModeSymlink == 0:
			cur = next
			continue
		}
		if *hops++; *hops > maxHops {
			return "", &fs.PathError{Op: "resolve", Path: next, Err: syscall.ELOOP}
		}
		t, err := os.Readlink(next)
		if err != nil {
			return "", err
		}
		if filepath.IsAbs(t) {
			cur = string(filepath.Separator)
		}
		comps = append(split(t), comps...)
	}
	return cur, nil
}

// within returns the real root that p lies in, or "".
func within(p string, roots []root) string {
	for _, r := range roots {
		if _, ok := under(p, r.real); ok {
			return r.real
		}
	}
	return ""
}

// under reports whether p is dir or lies below it, and returns p relative to dir. Both
// are absolute and clean.
func under(p, dir string) (string, bool) {
	if p == dir {
		return ".", true
	}
	prefix := dir
	if !strings.HasSuffix(prefix, string(filepath.Separator)) {
		prefix += string(filepath.Separator)
	}
	if rest, ok := strings.CutPrefix(p, prefix); ok {
		return rest, true
	}
	return "", false
}

func split(p string) []string {
	return strings.Split(filepath.ToSlash(p), "/")
}

func absClean(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return filepath.Clean(p)
}

// WriteOptions says how WriteAtomic creates the file.
type WriteOptions struct {
	// Perm is the new file's permission bits, less the umask unless ExactPerm is set.
	Perm fs.FileMode
	// ExactPerm sets Perm exactly, whatever the umask (a hook that must stay executable).
	ExactPerm bool
	// DirPerm, when not zero, creates the root and any missing directory below it on the
	// way to the file, with these bits less the umask. When zero they must exist.
	DirPerm fs.FileMode
	// TempPrefix goes before the temporary file's name, e.g. "." to hide it.
	TempPrefix string
}

// WriteAtomic replaces the file at t with data: a temporary file in the same directory,
// written and fsynced, renamed over the file, and the directory fsynced, without which
// the rename itself may not survive a crash. Readers see the old content or the new,
// never a part. A symlink at t.Path itself is replaced, not written through. See the top
// of this file for what holds when the tree changes meanwhile. The temporary file is
// removed when anything fails before the rename.
func WriteAtomic(t Target, data []byte, o WriteOptions) error {
	if o.DirPerm != 0 {
		// The root is trusted, wherever it leads.
		if err := os.MkdirAll(t.Root, o.DirPerm); err != nil {
			return err
		}
	}
	d, name, err := openParent(t, o.DirPerm)
	if err != nil {
		return err
	}
	defer d.Close()
	f, tmp, err := createTemp(d, name, o)
	if err != nil {
		return fmt.Errorf("%s: %w", t.Path, err)
	}
	err = writeSyncClose(f, data, o)
	if err == nil {
		err = d.Rename(tmp, name)
	}
	if err != nil {
		d.Remove(tmp)
		return fmt.Errorf("%s: %w", t.Path, err)
	}
	dir, err := d.Open(".")
	if err != nil {
		return err
	}
	defer dir.Close()
	return dir.Sync()
}

// Remove deletes the file at t (a symlink at t.Path itself is removed, not followed),
// relative to its directory opened as WriteAtomic opens it.
func Remove(t Target) error {
	d, name, err := openParent(t, 0)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Remove(name); err != nil {
		return fmt.Errorf("%s: %w", t.Path, err)
	}
	return nil
}

// openParent opens t's directory through os.Root, creating it first when dirPerm is set,
// and returns it with the file's name in it.
func openParent(t Target, dirPerm fs.FileMode) (*os.Root, string, error) {
	rel, ok := under(t.Path, t.Root)
	if !ok || rel == "." {
		return nil, "", fmt.Errorf("%s: not a file under %s", t.Path, t.Root)
	}
	r, err := os.OpenRoot(t.Root)
	if err != nil {
		return nil, "", err
	}
	defer r.Close()
	dir := filepath.Dir(rel)
	if dirPerm != 0 && dir != "." {
		if err := r.MkdirAll(dir, dirPerm); err != nil {
			return nil, "", fmt.Errorf("%s: %w", t.Path, err)
		}
	}
	d, err := r.OpenRoot(dir)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", t.Path, err)
	}
	return d, filepath.Base(rel), nil
}

// TempName returns a name for WriteAtomic's temporary file next to the file name: one of
// many, chosen at random.
func TempName(name string, o WriteOptions) string {
	return o.TempPrefix + name + TempInfix + strconv.FormatUint(rand.Uint64(), 36)
}

func createTemp(d *os.Root, name string, o WriteOptions) (*os.File, string, error) {
	for range 100 {
		tmp := TempName(name, o)
		// O_EXCL with 0644-like bits lets the kernel apply the umask, which a process
		// can only read by changing it.
		f, err := d.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, o.Perm)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, tmp, err
	}
	return nil, "", errors.New("cannot create a temporary file: every name tried exists")
}

func writeSyncClose(f *os.File, data []byte, o WriteOptions) error {
	_, err := f.Write(data)
	if err == nil && o.ExactPerm {
		err = f.Chmod(o.Perm)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
