package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/git-worktree-ports/git-worktree-ports/internal/alloc"
	"github.com/git-worktree-ports/git-worktree-ports/internal/diag"
	"github.com/git-worktree-ports/git-worktree-ports/internal/inventory"
	"github.com/git-worktree-ports/git-worktree-ports/internal/repository"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// DoctorOptions are the inputs of `doctor`.
type DoctorOptions struct {
	F    *Factory
	JSON bool
	Fix  bool
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
  held          a service's port held by a process of another worktree, or from outside
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
  held          a spare port of a bundle (no service uses it) held by such a process, or
                the OS would not say who listens on the reserved ports

On a terminal the findings are grouped under the worktree they concern, with paths
relative to the worktree you are in (as list shows them), the check's name red for a
problem and yellow for advice (NO_COLOR turns colour off), and lines wrapped at the
terminal's width. Off a terminal each finding is two lines, "check: message" and
"    fix: ...", with absolute paths. One cause gives one finding: a copied file is
reported as copied, not also as an overlap.

--fix applies the fixes that are only a run of allocate (a stale, copied or overlapping
reservation), in the worktree concerned, says what each did, then reports what is left.
Without it doctor changes nothing; it never kills a process.

--json prints {"version":1,"findings":[{"check","severity","path","message","fix"}]},
with severity "problem" or "advice"; see docs/JSON.md.`,
		Args: noArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return doctorRun(c, opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the findings as JSON")
	cmd.Flags().BoolVar(&opts.Fix, "fix", false, "run allocate where that is the fix (stale, copied, overlap), then report")
	return cmd
}

func doctorRun(c *cobra.Command, opts *DoctorOptions) error {
	f := opts.F
	facts, err := doctorExamine(c.Context(), f)
	if err != nil {
		return err
	}
	findings := inventory.Diagnose(facts)
	if opts.Fix {
		if doctorFix(c.Context(), f, facts, findings) {
			// Judge again what the fixes left.
			if facts, err = doctorExamine(c.Context(), f); err != nil {
				return err
			}
			findings = inventory.Diagnose(facts)
		}
	}
	if err := doctorPrint(f, opts, facts, findings); err != nil {
		return err
	}
	return doctorSummary(f, findings)
}

// doctorExamine gathers doctor's facts.
func doctorExamine(ctx context.Context, f *Factory) (inventory.Facts, error) {
	// Where the hook lives is install-hook's answer, gathered the same way.
	hopts, herr := hookOptions(ctx, f, "")
	return inventory.Examine(ctx, inventory.DoctorOptions{
		Dir: f.dir(), Env: f.Environ(), Getenv: f.Getenv, Hook: hopts, HookErr: herr,
		Diag: f.diag(),
		DryRun: func(ctx context.Context, dir string) error {
			// The findings say what matters; the dry run's own warnings would repeat them.
			quiet := diag.New(nil, f.verboseLines())
			_, err := alloc.Allocate(ctx, alloc.Options{Dir: dir, Env: f.Environ(), DryRun: true, Prober: f.Prober, Diag: quiet})
			return err
		},
	})
}

// doctorFix runs allocate once in each worktree where that is a finding's whole fix
// (Finding.Allocate), and says on stderr what each run did or why it failed. It reports
// whether it ran any.
func doctorFix(ctx context.Context, f *Factory, facts inventory.Facts, findings []inventory.Finding) bool {
	done := map[string]bool{}
	for _, fd := range findings {
		dir := fd.Allocate
		if dir == "" || done[dir] {
			continue
		}
		done[dir] = true
		label := repository.Label(facts.Toplevel, dir)
		// The finding says why; allocate's own warning would say it again.
		quiet := diag.New(nil, f.verboseLines())
		res, err := alloc.Allocate(ctx, alloc.Options{Dir: dir, Env: f.Environ(), Prober: f.Prober, Now: f.Now, Diag: quiet})
		said := fmt.Sprintf("doctor: fixed %s in %s with allocate: ", fd.Check, label)
		if err != nil {
			said = fmt.Sprintf("doctor: could not fix %s in %s with allocate: %s", fd.Check, label, untrusted.New(err.Error()))
		} else {
			// "name: kept slot 6, ...": the label above already names the worktree.
			_, msg, _ := strings.Cut(res.Message, ": ")
			said += untrusted.New(msg).String()
		}
		width := 0
		if f.IsStdoutTTY() {
			width = f.TerminalWidth()
		}
		fmt.Fprint(f.ErrOut, inventory.Wrap("", said, "    ", width))
	}
	return len(done) > 0
}

// doctorPrint prints the findings: JSON, the grouped report on a terminal, the two-line
// form elsewhere.
func doctorPrint(f *Factory, opts *DoctorOptions, facts inventory.Facts, findings []inventory.Finding) error {
	switch {
	case opts.JSON:
		enc := json.NewEncoder(f.Out)
		enc.SetIndent("", "  ")
		if findings == nil {
			findings = []inventory.Finding{}
		}
		return enc.Encode(struct {
			Version  int                 `json:"version"`
			Findings []inventory.Finding `json:"findings"`
		}{1, findings})
	case f.IsStdoutTTY():
		return inventory.Report(f.Out, findings, facts, f.TerminalWidth(), f.ColorScheme())
	default:
		return inventory.PrintPlain(f.Out, findings)
	}
}

// doctorSummary says on stderr how many problems and pieces of advice there are, and
// exits 6 when there is a problem.
func doctorSummary(f *Factory, findings []inventory.Finding) error {
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
