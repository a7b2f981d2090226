package safefile

// ReadNoFollow is Read for a file that must itself be a regular file: a symlink at path
// is refused (reason "not a regular file (symlink)"), not followed. It is for the small
// files of a layout whose owner never links them (git's refs and administrative files),
// and it reads them with fewer system calls than Read, which counts where a caller
// reads hundreds of them in a row. Every error is an *Error; a missing file wraps
// fs.ErrNotExist.
func ReadNoFollow(path string, max int64) ([]byte, error) {
	fail := func(reason string, err error) ([]byte, error) {
		return nil, &Error{Path: path, Reason: reason, Err: err}
	}
	// Nothing but a regular file is ever opened: opening a device can do something.
	fi, ferr := lstat(path)
	if ferr != nil {
		return nil, ferr
	}
	if reason := check(fi, max); reason != "" {
		return fail(reason, nil)
	}
	return readNoFollow(path, max, fail)
}
