package main

import (
	"errors"
	"fmt"
	"testing"

	"github.com/git-worktree-ports/git-worktree-ports/internal/diag"
	"github.com/git-worktree-ports/git-worktree-ports/internal/iostreams"
)

// TestDiagPrinting: whatever the internal packages report to the Factory's sink reaches
// stderr in one shape, the prefix and the line with its control characters escaped, and
// the verbose lines only with --verbose or GIT_WORKTREE_PORTS_VERBOSE=1. stdout stays
// empty.
func TestDiagPrinting(t *testing.T) {
	report := func(s *diag.Sink) {
		s.Warn(diag.Warning{Kind: diag.Tracked, Text: "WARNING: /w/.worktree-ports.json is tracked by git"})
		s.Lines(diag.LockWait)("waiting for the repository lock on /w/.git/worktree-ports.lock")
		s.Warn(fmt.Errorf("could not register this repository in %s: %w", "/idx", errors.New("denied")))
		s.Lines(diag.Other)("skipping /w/evil\x1b[2J/.worktree-ports.json: not a regular file")
		s.Verbose("asked git for the worktrees (git worktree list): /w/.git/worktrees/x/gitdir: not a regular file\r")
	}
	const warnings = "git-worktree-ports: WARNING: /w/.worktree-ports.json is tracked by git\n" +
		"git-worktree-ports: waiting for the repository lock on /w/.git/worktree-ports.lock\n" +
		"git-worktree-ports: could not register this repository in /idx: denied\n" +
		"git-worktree-ports: skipping /w/evil\\x1b[2J/.worktree-ports.json: not a regular file\n"
	const verbose = "git-worktree-ports: asked git for the worktrees (git worktree list): /w/.git/worktrees/x/gitdir: not a regular file\\r\n"
	tests := []struct {
		name string
		flag bool
		env  string // GIT_WORKTREE_PORTS_VERBOSE
		want string
	}{
		{name: "verbose off", want: warnings},
		{name: "--verbose", flag: true, want: warnings + verbose},
		{name: "GIT_WORKTREE_PORTS_VERBOSE=1", env: "1", want: warnings + verbose},
		{name: "GIT_WORKTREE_PORTS_VERBOSE=0", env: "0", want: warnings},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, out, errb := iostreams.Test()
			f := &Factory{IOStreams: ios, Verbose: tt.flag, Getenv: func(k string) string {
				if k == EnvVerbose {
					return tt.env
				}
				return ""
			}}
			report(f.diag())
			if errb.String() != tt.want {
				t.Errorf("stderr:\n%s\nwant:\n%s", errb, tt.want)
			}
			if out.Len() != 0 {
				t.Errorf("stdout %q, want nothing", out)
			}
		})
	}
}

// TestHookLine: the hook's one line says allocate's message, tells the tracked file, a
// config not approved and each repository that did not answer in it, leaves out a wait
// for the lock, and counts the other warnings, pointing at allocate to show them.
func TestHookLine(t *testing.T) {
	const msg = "allocated 30000-30009 (preferred)"
	w := func(k diag.Kind, text string) error { return diag.Warning{Kind: k, Text: text} }
	tests := []struct {
		name     string
		warnings []error
		want     string
	}{
		{"none", nil, msg},
		{"others counted", []error{w(diag.Other, "a"), errors.New("b")},
			msg + " (2 warning(s): run `git worktree-ports allocate` in shop-b to see them)"},
		{"tracked", []error{w(diag.Tracked, "WARNING: tracked")},
			"WARNING: .worktree-ports.json is tracked by git, so this worktree started with a copy of another's; " + msg + " (git rm --cached .worktree-ports.json and commit)"},
		{"unapproved, stuck, wrapped", []error{w(diag.Stuck, "skipping repository r1"), w(diag.Unapproved, "note: .worktree-ports.toml asks for env"), fmt.Errorf("listing: %w", w(diag.Stuck, "skipping repository r2"))},
			msg + "; .worktree-ports.toml asks for env; skipping repository r1; listing: skipping repository r2"},
		{"a lock wait is not a warning", []error{w(diag.LockWait, "waiting for the repository lock on /w/.git/worktree-ports.lock"), w(diag.Other, "a")},
			msg + " (1 warning(s): run `git worktree-ports allocate` in shop-b to see them)"},
	}
	for _, tt := range tests {
		if got := hookLine(msg, "/src/shop-b", tt.warnings); got != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, got, tt.want)
		}
	}
}
