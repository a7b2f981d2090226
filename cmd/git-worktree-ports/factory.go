package main

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/git-worktree-ports/git-worktree-ports/internal/config"
	"github.com/git-worktree-ports/git-worktree-ports/internal/diag"
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

// diag returns where the internal packages report what the command has to say besides
// its output and its error (package diag): every warning and notice, and, with --verbose
// or GIT_WORKTREE_PORTS_VERBOSE=1, the verbose lines (that git was asked because its files
// could not be read with certainty, and why). All of them are printed by printDiag.
func (f *Factory) diag() *diag.Sink {
	return diag.New(func(err error) { printDiag(f.ErrOut, err.Error()) }, f.verboseLines())
}

// verboseLines returns where verbose lines are printed, or nil when verbose is off.
func (f *Factory) verboseLines() func(string) {
	in := config.Inputs{Getenv: f.Getenv}
	if f.Verbose {
		in.Flags = map[string]string{config.Verbose.Flag: "true"}
	}
	if !in.On(config.Verbose) {
		return nil
	}
	return func(line string) { printDiag(f.ErrOut, line) }
}

// printDiag is the one place that prints a diagnostic: one line on stderr after the
// command's prefix, with any control character in it escaped (untrusted.Lines), since
// it may quote names and paths from a committed config or another worktree's file.
func printDiag(w io.Writer, line string) {
	fmt.Fprintf(w, "git-worktree-ports: %s\n", untrusted.Lines(line))
}
