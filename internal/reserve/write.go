package reserve

import (
	"errors"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// tempInfix separates the target's name from the random suffix of a
// temporary file.
const tempInfix = ".tmp-"

// TempPattern is the glob (for filepath.Match and gitignore) that matches
// the temporary files WriteAtomic creates next to a reservation file. A
// file that matches it and is still there was left by a crash, and can be
// deleted when no allocation is running.
const TempPattern = FileName + tempInfix + "*"

// IsTempName reports whether name (a base name, not a path) is a temporary
// file of WriteAtomic for a reservation file.
func IsTempName(name string) bool {
	return len(name) > len(FileName+tempInfix) && strings.HasPrefix(name, FileName+tempInfix)
}

// WriteAtomic writes data to path atomically: it writes a temporary file in
// the same directory, fsyncs it, renames it over path and fsyncs the
// directory. The file gets mode 0644 less the umask. Readers see either the
// old content or the new, never a partial file. The temporary file is
// named path + ".tmp-" + a random suffix (TempPattern for FileName) and is
// removed if anything fails before the rename.
//
// If path is a symlink, the link itself is replaced, so a write never goes
// through a link to some other file.
func WriteAtomic(path string, data []byte) error {
	// Written by hand rather than with renameio: its temporary names
	// (".<name>" + digits) carry no marker that doctor could match, and
	// os.CreateTemp would create 0600 and need a Chmod that knows the
	// umask, which a process can only read by changing it. Opening with
	// O_EXCL and 0644 lets the kernel apply the umask.
	dir := filepath.Dir(path)
	f, tmp, err := createTemp(path)
	if err != nil {
		return err
	}
	if err := writeSyncClose(f, data); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	// The rename is durable only once the directory entry is on disk.
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

func writeSyncClose(f *os.File, data []byte) error {
	_, err := f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func createTemp(path string) (*os.File, string, error) {
	for range 100 {
		tmp := path + tempInfix + strconv.FormatUint(rand.Uint64(), 36)
		f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, tmp, err
	}
	return nil, "", &fs.PathError{Op: "createtemp", Path: path + tempInfix + "*", Err: fs.ErrExist}
}
