//go:build !unix

package safefile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Dir is a directory opened by OpenBeneath. Its methods act on files directly in it,
// never following a symlink.
type Dir struct {
	Path string // the directory, for messages
	r    *os.Root
}

// OpenBeneath opens the directory rel (slash-separated, "." for root itself) beneath
// root, refusing with a *SymlinkError any symlink on the way, and an absolute rel or
// one with "..". root itself is trusted, wherever it leads. A missing directory wraps
// fs.ErrNotExist. Outside Unix, os.Root keeps the walk beneath root, and each component
// is checked for a symlink before it is opened.
func OpenBeneath(root, rel string) (*Dir, error) {
	comps, err := components(rel)
	if err != nil {
		return nil, err
	}
	r, err := os.OpenRoot(root)
	if err != nil {
		return nil, err
	}
	for i := range comps {
		sub := strings.Join(comps[:i+1], "/")
		fi, err := r.Lstat(sub)
		if err == nil && fi.Mode()&fs.ModeSymlink != 0 {
			r.Close()
			return nil, &SymlinkError{Path: filepath.Join(root, filepath.FromSlash(sub))}
		}
	}
	if len(comps) == 0 {
		return &Dir{Path: root, r: r}, nil
	}
	defer r.Close()
	sub := strings.Join(comps, "/")
	d, err := r.OpenRoot(sub)
	if err != nil {
		return nil, err
	}
	return &Dir{Path: filepath.Join(root, filepath.FromSlash(sub)), r: d}, nil
}

// Close closes the directory.
func (d *Dir) Close() error { return d.r.Close() }

func (d *Dir) at(name string) string { return filepath.Join(d.Path, name) }

// ReadFile returns the bytes of the regular file name in d, at most max of them, and its
// permission bits. Every error is an *Error; a missing file wraps fs.ErrNotExist.
func (d *Dir) ReadFile(name string, max int64) ([]byte, fs.FileMode, error) {
	path := d.at(name)
	if err := checkName(name); err != nil {
		return nil, 0, &Error{Path: path, Reason: err.Error(), Err: err}
	}
	fi, err := d.r.Lstat(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, &Error{Path: path, Reason: "missing", Err: err}
	} else if err != nil {
		return nil, 0, &Error{Path: path, Reason: "cannot stat: " + errnoText(err), Err: err}
	}
	if reason := check(fi, max); reason != "" {
		return nil, 0, &Error{Path: path, Reason: reason}
	}
	f, err := d.r.Open(name)
	if err != nil {
		return nil, 0, openFailure(path, err, "symlink loop")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, 0, &Error{Path: path, Reason: "unreadable: " + errnoText(err), Err: err}
	}
	if int64(len(data)) > max {
		return nil, 0, &Error{Path: path, Reason: tooLarge(max)}
	}
	return data, fi.Mode().Perm(), nil
}

// WriteAtomic replaces the file name in d with data and mode perm: a temporary file
// named tempPrefix and a random suffix, created with O_EXCL and mode 0600, written,
// given perm, synced and renamed over name.
func (d *Dir) WriteAtomic(name string, data []byte, perm fs.FileMode, tempPrefix string) error {
	if err := checkName(name); err != nil {
		return err
	}
	var f *os.File
	var tmp string
	var err error
	for range 100 {
		tmp = tempName(tempPrefix)
		f, err = d.r.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if !errors.Is(err, fs.ErrExist) {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("%s: cannot create a temporary file: %w", d.at(name), err)
	}
	err = fill(f, data, perm)
	if err == nil {
		err = d.r.Rename(tmp, name)
	}
	if err != nil {
		d.r.Remove(tmp)
		return fmt.Errorf("%s: %w", d.at(name), err)
	}
	return nil
}

// Remove deletes the file name in d.
func (d *Dir) Remove(name string) error {
	if err := checkName(name); err != nil {
		return err
	}
	return d.r.Remove(name)
}

// RemoveTemps removes the regular files in d whose names begin with prefix and go on,
// and returns their names.
func (d *Dir) RemoveTemps(prefix string) ([]string, error) {
	f, err := d.r.Open(".")
	if err != nil {
		return nil, err
	}
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
		if fi, err := d.r.Lstat(n); err != nil || !fi.Mode().IsRegular() {
			continue
		}
		if err := d.r.Remove(n); err != nil {
			return removed, err
		}
		removed = append(removed, n)
	}
	return removed, nil
}

// Umasked returns perm: outside Unix there is no umask.
func Umasked(perm fs.FileMode) fs.FileMode { return perm }
