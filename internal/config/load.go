package config

import (
	"errors"
	"io"
	"io/fs"
	"os"
)

// Load reads and parses the config file at file. A missing file gives
// Default() and no error. It refuses, without blocking, anything that is
// not a regular file (a FIFO, directory, device or socket) and files larger
// than MaxFileSize; a dangling symlink is an error, not a missing file.
func Load(file string) (Config, error) {
	data, err := readFile(file)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			if _, lerr := os.Lstat(file); lerr == nil {
				return Config{}, &Error{File: file, Msg: "is a symlink to a missing file"}
			}
			return Default(), nil
		}
		return Config{}, err
	}
	return Parse(file, data)
}

// readFile reads a regular file of at most MaxFileSize bytes. Opening is
// non-blocking, so a FIFO planted at the path cannot hang the hook, and
// the type is checked on the open descriptor, so the file cannot be
// swapped between the check and the read.
func readFile(file string) ([]byte, error) {
	f, err := openNonBlocking(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, &Error{File: file, Msg: "is not a regular file (" + kind(fi.Mode()) + ")"}
	}
	if fi.Size() > MaxFileSize {
		return nil, &Error{File: file, Msg: "is larger than 1 MiB"}
	}
	// The size can grow after Stat; the limit holds regardless.
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileSize {
		return nil, &Error{File: file, Msg: "is larger than 1 MiB"}
	}
	return data, nil
}

func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "mode " + m.String()
}
