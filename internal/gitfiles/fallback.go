package gitfiles

import (
	"errors"
	"fmt"
)

// Why a direct read left the answer to git.

// ErrUseGit is matched (with errors.Is) by every error from Files: the files could not
// be read with the certainty of git's own answer, so the caller must ask git. The
// error's text says why, for --verbose.
var ErrUseGit = errors.New("ask git")

// FallbackError is why Files left the answer to git. Err, when set, is the error behind
// it (a *safefile.Error).
type FallbackError struct {
	Reason string
	Err    error
}

// Unwrap returns the error behind the fallback.
func (e *FallbackError) Unwrap() error { return e.Err }

func (e *FallbackError) Error() string { return "not read directly: " + e.Reason }

// Is makes every FallbackError match ErrUseGit.
func (e *FallbackError) Is(target error) bool { return target == ErrUseGit }

// FallbackReason says why err left the answer to git: a FallbackError's reason, or
// err's text.
func FallbackReason(err error) string {
	var fe *FallbackError
	if errors.As(err, &fe) {
		return fe.Reason
	}
	return err.Error()
}

func fallback(format string, args ...any) error {
	return &FallbackError{Reason: fmt.Sprintf(format, args...)}
}

// fallbackWrap is a fallback whose reason is err, which it also wraps.
func fallbackWrap(err error) error { return &FallbackError{Reason: err.Error(), Err: err} }
