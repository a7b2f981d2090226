package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/tidwall/gjson"

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

// DotenvOf returns the "dotenv" list of the config file at file, checked as Parse checks
// it, without the rest of the file: release removes the blocks it lists even when
// another key would keep the file from loading (an env name the user's git config
// allows, say). A missing file lists none.
func DotenvOf(file string) ([]string, error) {
	data, err := safefile.Read(file, MaxFileSize)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, nil
	case err != nil:
		var se *safefile.Error
		if errors.As(err, &se) {
			return nil, &Error{File: file, Msg: "is " + se.Reason}
		}
		return nil, err
	}
	clean, err := stripJSONC(data)
	if err != nil || !json.Valid(clean) {
		return nil, &Error{File: file, Msg: "not valid JSON"}
	}
	v := gjson.GetBytes(clean, "dotenv")
	if !v.Exists() {
		return nil, nil
	}
	p := parser{file: file}
	var files []string
	if !v.IsArray() {
		return nil, p.errorf("dotenv", "must be an array of file paths relative to the worktree's top level, not %s", typeName(v))
	}
	for i, item := range v.Array() {
		if item.Type != gjson.String {
			return nil, p.errorf(fmt.Sprintf("dotenv[%d]", i), "must be a file path, a string, not %s", typeName(item))
		}
		files = append(files, item.Str)
	}
	if k, msg := checkDotenv(files); msg != "" {
		return nil, p.errorf(k, "%s", msg)
	}
	return files, nil
}
