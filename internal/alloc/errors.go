package alloc

import (
	"fmt"
	"path/filepath"
	"unicode/utf8"

	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// NameError says a worktree's directory name cannot be given ports. It does not pass
// with time: retrying cannot help, renaming the worktree does.
type NameError struct {
	Root   string // the worktree's top level
	Reason string
}

func (e *NameError) Error() string {
	return fmt.Sprintf("%s: %s; rename the worktree (git worktree move) to give it ports", untrusted.New(filepath.Base(e.Root)), e.Reason)
}

// checkName refuses a worktree name no reservation file can record. The name is the
// directory's basename, and JSON (so the file) holds only UTF-8 text.
func checkName(root string) error {
	if !utf8.ValidString(filepath.Base(root)) {
		return &NameError{Root: root, Reason: "the directory name is not valid UTF-8, which a reservation file cannot record"}
	}
	return nil
}

// Warning is one line Allocate warns with. Its Kind tells apart the few warnings that a
// caller treats on their own from the rest: the hook, which prints one line, puts those
// in it and only counts the others.
type Warning struct {
	Kind WarningKind
	Text string
}

// WarningKind says what a Warning is about.
type WarningKind int

const (
	// OtherWarning is any warning not listed below.
	OtherWarning WarningKind = iota
	// TrackedWarning: the reservation file is tracked by git, so every new worktree starts
	// with a copy of it.
	TrackedWarning
	// StuckWarning: another repository did not answer in time, so its ports were not
	// counted.
	StuckWarning
	// UnapprovedNote: the config asks for more than the ports and this user has not
	// approved its content, so only the ports are used (repository.Approval.Note). Not
	// a problem: the hook prints it as it is and does not count it.
	UnapprovedNote
)

func warning(text string) Warning { return Warning{Kind: OtherWarning, Text: text} }
