package listener

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// Holder names who holds a port in a message: "tcpserver (pid 4242) from worktree
// ../app-b", "... from deleted directory /src/app-old" when the working directory no
// longer exists (what `git worktree remove` leaves running), "... from outside every worktree", or "a process the OS does not name".
// worktrees are the repository's worktrees (Attribute), and label turns a path into the
// words a message shows (it may be nil: the path itself).
func Holder(l Listener, worktrees []string, label func(string) string) string {
	if l.Hidden || l.PID == 0 {
		return "a process the OS does not name"
	}
	if label == nil {
		label = func(p string) string { return untrusted.New(p).String() }
	}
	who := fmt.Sprintf("%s (pid %d)", untrusted.New(l.Program), l.PID)
	switch wt := Attribute(l.Cwd, worktrees); {
	case wt == "" && Gone(l.Cwd):
		// Likely a removed worktree, but nothing left on disk says whose.
		return who + " from deleted directory " + untrusted.New(l.Cwd).String()
	case wt != "" && Gone(l.Cwd):
		return who + " from worktree " + label(wt) + " (its directory " + untrusted.New(l.Cwd).String() + " was removed)"
	case wt != "":
		return who + " from worktree " + label(wt)
	default:
		return who + " from outside every worktree"
	}
}

// Gone reports whether a listener's working directory no longer exists (Linux then shows
// it as "PATH (deleted)"): the server outlived the directory it started in, typically a
// worktree that `git worktree remove` deleted. An empty cwd is not gone, only unknown.
func Gone(cwd string) bool {
	if cwd == "" {
		return false
	}
	_, err := os.Lstat(cwd)
	return errors.Is(err, fs.ErrNotExist)
}
