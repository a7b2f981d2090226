package gitfiles

import (
	"bytes"
	"errors"
	"io/fs"
	"path"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/format/index"

	"github.com/git-worktree-ports/git-worktree-ports/internal/safefile"
)

// maxIndexFile bounds the index read directly; a larger one (a repository of hundreds
// of thousands of files) is left to git, which maps it instead of reading it whole.
const maxIndexFile = 32 << 20

// Tracked reports which of names, paths relative to the worktree's top level with
// slashes, are in the worktree's index, as `git ls-files -z -- ':(top,literal)name'`
// would list them: a name is tracked when an entry is that path or lies beneath it.
// It reads $GIT_DIR/index with go-git's index decoder (plumbing/format/index, a leaf
// package with no costly initialisers), which checks the trailing checksum and refuses
// the extensions it cannot read: a split index (`link`), a sparse index (`sdir`) and any
// other required (lower-case) one. A missing index is an empty one, as for git. Any
// error matches ErrUseGit, and the caller asks git: GIT_INDEX_FILE or anything else
// Files leaves to git set, an index in a version, hash or shape the decoder refuses, an
// index too large, a name that is not a clean relative path.
func (f Files) Tracked(names []string) (map[string]bool, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	if _, ok := f.getenv("GIT_INDEX_FILE"); ok {
		return nil, fallback("GIT_INDEX_FILE is set")
	}
	if f.Loc.Toplevel == "" {
		return nil, fallback("no worktree, so no index")
	}
	for _, n := range names {
		if n == "" || n == "." || path.IsAbs(n) || path.Clean(n) != n || n == ".." || strings.HasPrefix(n, "../") {
			return nil, fallback("%q is not a clean path relative to the top level", n)
		}
	}
	idx, err := readIndex(filepath.Join(f.Loc.GitDir, "index"))
	if err != nil {
		return nil, err
	}
	tracked := map[string]bool{}
	for _, e := range idx.Entries {
		for _, n := range names {
			if e.Name == n || strings.HasPrefix(e.Name, n+"/") {
				tracked[n] = true
			}
		}
	}
	return tracked, nil
}

// readIndex decodes the index file at p; a missing one is empty.
func readIndex(p string) (*index.Index, error) {
	data, err := safefile.Read(p, maxIndexFile)
	if errors.Is(err, fs.ErrNotExist) {
		return &index.Index{}, nil
	}
	if err != nil {
		return nil, fallbackWrap(err)
	}
	var idx index.Index
	if err := index.NewDecoder(bytes.NewReader(data)).Decode(&idx); err != nil {
		return nil, fallback("index %s: %v", p, err)
	}
	return &idx, nil
}
