package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/git-worktree-ports/git-worktree-ports/internal/alloc"
	"github.com/git-worktree-ports/git-worktree-ports/internal/diag"
	"github.com/git-worktree-ports/git-worktree-ports/internal/inventory"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// DoctorOptions are the inputs of `doctor`.
type DoctorOptions struct {
	F    *Factory
	JSON bool
}

// NewCmdDoctor builds `doctor`.
func NewCmdDoctor(f *Factory, runF func(*DoctorOptions) error) *cobra.Command {
	opts := &DoctorOptions{F: f}
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check the repository's reservations, hook and environment, and say how to fix each problem",
		Long: `Check every worktree of the repository, and explain each finding in one line with
its fix. Problems break ports or put them at risk, and make doctor exit 6:

  config        a config that cannot be used (a worktree's own file, or git config)
  tracked       a .worktree-ports.json that git tracks (copied into every new worktree)
  invalid       a .worktree-ports.json that cannot be used (corrupt, or values no config
                writes): every command skips it, so others may take its ports
  copied        a .worktree-ports.json written for another worktree (copied, cloned or committed)
  stale         a .worktree-ports.json written before its config changed (a service added
                since: env and exec do not set its variable)
  overlap       two worktrees whose bundles overlap, and which one keeps its bundle
  held          a reserved port held by a process of another worktree, or from outside
  moved         a worktree moved without git worktree move (fix: git worktree repair)
  no-ports      worktrees the range left without ports (allocate, asked in a dry run, finds none)
  inherited     WORKTREE_PORTS_ROOT inherited from another worktree

Advice is worth doing, but nothing is broken: it is printed, marked (advice), and on its
own exits 0:

  prunable      a worktree git lists whose directory is gone (moved by hand, or removed)
  leftover      temporary files left by a crash
  hooks-path    a core.hooksPath that new worktrees cannot see (husky's generated folder)
  hook          the post-checkout hook is missing, older or newer than this binary, or
                unreadable; it is looked for exactly where install-hook puts it (without
                it, env and exec still allocate on first use)
  held          the OS would not say who listens on the reserved ports

It changes nothing and never kills a process. --json prints {"version":1,"findings":
[{"check","severity","path","message","fix"}]}, with severity "problem" or "advice";
see docs/JSON.md.`,
		Args: noArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return doctorRun(c, opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the findings as JSON")
	return cmd
}

func doctorRun(c *cobra.Command, opts *DoctorOptions) error {
	f := opts.F
	ctx := c.Context()
	// Where the hook lives is install-hook's answer, gathered the same way.
	hopts, herr := hookOptions(ctx, f, "")
	facts, err := inventory.Examine(ctx, inventory.DoctorOptions{
		Dir: f.dir(), Env: f.Environ(), Getenv: f.Getenv, Hook: hopts, HookErr: herr,
		Diag: f.diag(),
		DryRun: func(ctx context.Context, dir string) error {
			// The findings say what matters; the dry run's own warnings would repeat them.
			quiet := diag.New(nil, f.verboseLines())
			_, err := alloc.Allocate(ctx, alloc.Options{Dir: dir, Env: f.Environ(), DryRun: true, Prober: f.Prober, Diag: quiet})
			return err
		},
	})
	if err != nil {
		return err
	}
	findings := inventory.Diagnose(facts)

	if opts.JSON {
		enc := json.NewEncoder(f.Out)
		enc.SetIndent("", "  ")
		if findings == nil {
			findings = []inventory.Finding{}
		}
		if err := enc.Encode(struct {
			Version  int                 `json:"version"`
			Findings []inventory.Finding `json:"findings"`
		}{1, findings}); err != nil {
			return err
		}
	} else {
		for _, fd := range findings {
			check := fd.Check
			if fd.Severity != inventory.Problem {
				check += " (" + string(fd.Severity) + ")"
			}
			// One finding, two lines, whatever the names in it hold; --json keeps them raw.
			fmt.Fprintf(f.Out, "%s: %s\n    fix: %s\n", check, untrusted.New(fd.Message), untrusted.New(fd.Fix))
		}
	}
	problems := inventory.Problems(findings)
	advice := len(findings) - problems
	switch {
	case problems > 0 && advice > 0:
		fmt.Fprintf(f.ErrOut, "doctor: %d problem(s) need action, and %d piece(s) of advice\n", problems, advice)
	case problems > 0:
		fmt.Fprintf(f.ErrOut, "doctor: %d problem(s) need action\n", problems)
	case advice > 0:
		fmt.Fprintf(f.ErrOut, "doctor: no problems found, %d piece(s) of advice\n", advice)
	default:
		fmt.Fprintln(f.ErrOut, "doctor: no problems found")
	}
	if problems > 0 {
		return &silentError{code: exitFindings}
	}
	return nil
}
