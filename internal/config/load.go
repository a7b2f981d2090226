package config

import (
	"errors"
	"io/fs"
	"os"

	"github.com/git-worktree-ports/git-worktree-ports/internal/envname"
	"github.com/git-worktree-ports/git-worktree-ports/internal/safefile"
)

// Load reads and parses the config file at file. A missing file gives
// Default() and no error. It refuses, without blocking, anything that is
// not a regular file (a FIFO, directory, device or socket) and files larger
// than MaxFileSize; a dangling symlink is an error, not a missing file.
// allow is as for Parse.
func Load(file string, allow envname.Allow) (Config, error) {
	data, err := safefile.Read(file, MaxFileSize)
	var se *safefile.Error
	switch {
	case err == nil:
		return Parse(file, data, allow)
	case errors.Is(err, fs.ErrNotExist):
		if _, lerr := os.Lstat(file); lerr == nil {
			return Config{}, &Error{File: file, Msg: "is a symlink to a missing file"}
		}
		c := Default()
		c.allow = allow
		return c, nil
	case errors.As(err, &se):
		return Config{}, &Error{File: file, Msg: "is " + se.Reason}
	}
	return Config{}, err
}
