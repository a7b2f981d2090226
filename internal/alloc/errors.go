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
