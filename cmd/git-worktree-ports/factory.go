package main

import (
	"path/filepath"

	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
)

// workDir returns the directory the command acts on, absolute: Dir, resolved against the
// working directory when it is relative, or the working directory itself.
func (f *Factory) workDir() (string, error) {
	if filepath.IsAbs(f.Dir) {
		return filepath.Clean(f.Dir), nil
	}
	wd, err := f.Getwd()
	if err != nil {
		return "", err
	}
	return filepath.Join(wd, f.Dir), nil
}

// dir is workDir for running git and the internal packages in. When the working
// directory cannot be read (it was deleted, say), it is Dir as given, and git says what
// is wrong in its own words.
func (f *Factory) dir() string {
	if wd, err := f.workDir(); err == nil {
		return wd
	}
	return f.Dir
}

// git runs git in the directory the command acts on, with the Factory's environment.
func (f *Factory) git() gitwt.Git {
	return gitwt.Git{Dir: f.dir(), Env: f.Environ()}
}
