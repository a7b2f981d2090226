package hooks

import (
	"bufio"
	"bytes"
	"errors"
	"io/fs"

	"github.com/git-worktree-ports/git-worktree-ports/internal/safefile"
)

// State is what is in place of the post-checkout hook.
type State struct {
	// Path is the file git runs on checkout, or under husky the committed file husky's
	// wrapper runs: the one Install edits.
	Path string
	// Exists reports whether there is a file at Path.
	Exists bool
	// Installed reports whether the file holds our block, and Version which version of
	// it (the package's Version is the current one).
	Installed bool
	Version   int
}

// maxHookSize bounds what Inspect reads: a hook is a short script.
const maxHookSize = 1 << 20

// Inspect says where the post-checkout hook lives for o, the very file Install and
// Uninstall edit, and whether our block is in it. It writes nothing, and reads with
// safefile.Read, so a FIFO or a device planted at the hook's name (or a symlink to one)
// is refused without blocking. An error means a file is there that cannot be read; a
// missing file, or a dangling symlink, is just not installed.
func Inspect(o Options) (State, error) {
	name, _, _ := target(o)
	st := State{Path: name}
	data, err := safefile.Read(name, maxHookSize)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return st, nil
	case err != nil:
		return st, err
	}
	st.Exists = true
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, maxHookSize+1)
	for sc.Scan() {
		if v, ok := ParseStartMarker(sc.Text()); ok {
			st.Installed, st.Version = true, v
			break
		}
	}
	return st, nil
}
