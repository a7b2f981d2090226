package main

import (
	"fmt"
	"path/filepath"

	"github.com/git-worktree-ports/git-worktree-ports/internal/config"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// EnvVerbose set to 1 turns --verbose on for every command, the hook included, which
// git runs without flags.
const EnvVerbose = config.EnvVerbose

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

// verbose returns where commands say that they asked git because its files could not be
// read with certainty, and why, one line each on stderr: with --verbose or
// GIT_WORKTREE_PORTS_VERBOSE=1. Otherwise it returns nil, and nothing is said.
func (f *Factory) verbose() func(string) {
	in := config.Inputs{Getenv: f.Getenv}
	if f.Verbose {
		in.Flags = map[string]string{config.Verbose.Flag: "true"}
	}
	if !in.On(config.Verbose) {
		return nil
	}
	return func(msg string) { fmt.Fprintf(f.ErrOut, "git-worktree-ports: %s\n", untrusted.Lines(msg)) }
}
