package main

import (
	"path/filepath"

	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
)

// workDir returns the directory the command acts on, absolute.
func (f *Factory) workDir() (string, error) {
	return filepath.Abs(f.Dir)
}

// dir is the directory to run git and the internal packages in.
func (f *Factory) dir() string { return f.Dir }

// git runs git in the directory the command acts on.
func (f *Factory) git() gitwt.Git { return gitwt.Git{Dir: f.Dir} }
