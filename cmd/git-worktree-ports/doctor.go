package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/git-worktree-ports/git-worktree-ports/hooks"
	"github.com/git-worktree-ports/git-worktree-ports/internal/alloc"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
	"github.com/git-worktree-ports/git-worktree-ports/internal/owner"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// DoctorOptions are the inputs of `doctor`.
type DoctorOptions struct {
	F    *Factory
	JSON bool
}

// Finding is one problem doctor found, with the fix.
type Finding struct {
	Check   string `json:"check"`
	Path    string `json:"path,omitempty"`
	Message string `json:"message"`
	Fix     string `json:"fix"`
}

// NewCmdDoctor builds `doctor`.
func NewCmdDoctor(f *Factory, runF func(*DoctorOptions) error) *cobra.Command {
	opts := &DoctorOptions{F: f}
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check the repository's reservations, hook and environment, and say how to fix each problem",
		Long: `Check, and explain each finding in one line with its fix:

  tracked       a .worktree-ports.json that git tracks (copied into every new worktree)
  copied        a .worktree-ports.json written for another worktree (copied, cloned or committed)
  overlap       two worktrees whose bundles overlap, and which one keeps its bundle
  held          a reserved port held by a process of another worktree, or from outside
  leftover      temporary files left by a crash
  hook          the post-checkout hook is missing, or older than this binary
  hooks-path    a core.hooksPath that new worktrees cannot see (husky's generated folder)
  inherited     WORKTREE_PORTS_ROOT inherited from another worktree

It changes nothing and never kills a process. Exit 0 when all is well, 6 when something
needs action. --json prints {"version":1,"findings":[{"check","path","message","fix"}]}.`,
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
	g := gitwt.Git{Dir: f.Dir}
	repo, err := alloc.Discover(ctx, g)
	if err != nil {
		return err
	}
	var findings []Finding
	add := func(fs ...Finding) { findings = append(findings, fs...) }
	add(checkTracked(repo)...)
	sibs := siblingsOf(repo) // read once: these checks look at every reservation
	add(checkCopied(sibs)...)
	add(checkOverlaps(repo, sibs)...)
	add(checkHeld(ctx, repo, sibs)...)
	add(checkLeftovers(repo)...)
	add(checkHook(ctx, g, repo)...)
	add(checkInherited(f, repo)...)

	if opts.JSON {
		enc := json.NewEncoder(f.Out)
		enc.SetIndent("", "  ")
		if findings == nil {
			findings = []Finding{}
		}
		if err := enc.Encode(struct {
			Version  int       `json:"version"`
			Findings []Finding `json:"findings"`
		}{1, findings}); err != nil {
			return err
		}
	} else {
		for _, fd := range findings {
			// One finding, two lines, whatever the names in it hold; --json keeps them raw.
			fmt.Fprintf(f.Out, "%s: %s\n    fix: %s\n", fd.Check, untrusted.New(fd.Message), untrusted.New(fd.Fix))
		}
	}
	if len(findings) > 0 {
		fmt.Fprintf(f.ErrOut, "doctor: %d finding(s)\n", len(findings))
		return &silentError{code: exitFindings}
	}
	fmt.Fprintln(f.ErrOut, "doctor: no problems found")
	return nil
}

func checkTracked(repo *alloc.Repo) []Finding {
	if !repo.Tracked {
		return nil
	}
	return []Finding{{
		Check: "tracked", Path: filepath.Join(repo.Loc.Toplevel, reserve.FileName),
		Message: reserve.FileName + " is tracked by git, so every new worktree starts with a copy of this bundle",
		Fix:     "git rm --cached " + reserve.FileName + " && git commit -m 'Stop tracking port reservation'",
	}}
}

// siblingsOf reads every worktree's reservation, the current one included.
func siblingsOf(repo *alloc.Repo) []alloc.Sibling {
	return alloc.ReadSiblings(repo.Worktrees, "", repo.Loc.Toplevel, nil)
}

// checkCopied finds reservations written for another worktree: copied with a
// directory, cloned or committed (alloc.OriginOf). They hold that worktree's ports.
func checkCopied(sibs []alloc.Sibling) []Finding {
	var out []Finding
	for _, s := range sibs {
		root := s.Worktree.Path
		here := func() (string, bool) { gd, reg, _ := gitwt.GitDirOf(root); return gd, reg }
		if alloc.OriginOf(s.Reservation, root, here) != alloc.Copied {
			continue
		}
		out = append(out, Finding{
			Check: "copied", Path: s.Path,
			Message: fmt.Sprintf("%s was written for the worktree at %s (copied, cloned or committed), so it lists that worktree's ports", s.Path, s.Reservation.Root),
			Fix:     fmt.Sprintf("git -C %s worktree-ports allocate   (it moves to a bundle of its own)", shellQuote(root)),
		})
	}
	return out
}

func checkOverlaps(repo *alloc.Repo, sibs []alloc.Sibling) []Finding {
	var out []Finding
	for i := range sibs {
		for j := i + 1; j < len(sibs); j++ {
			a, b := sibs[i], sibs[j]
			if !a.Reservation.Overlaps(b.Reservation) {
				continue
			}
			keeper, loser := alloc.Winner(repo, a, b)
			out = append(out, Finding{
				Check: "overlap", Path: loser.Path,
				Message: fmt.Sprintf("%s and %s reserve overlapping bundles (%d+%d and %d+%d); %s keeps its bundle", a.Label, b.Label,
					a.Reservation.Base, a.Reservation.Width, b.Reservation.Base, b.Reservation.Width, keeper.Label),
				Fix: fmt.Sprintf("git -C %s worktree-ports allocate   (it moves; %s is not touched)", shellQuote(loser.Worktree.Path), keeper.Label),
			})
		}
	}
	return out
}

func checkHeld(ctx context.Context, repo *alloc.Repo, sibs []alloc.Sibling) []Finding {
	var ports []int
	owners := map[int][]alloc.Sibling{} // overlapping bundles give a port two owners
	claim := func(p int, s alloc.Sibling) {
		if _, seen := owners[p]; !seen {
			ports = append(ports, p)
		}
		if o := owners[p]; len(o) == 0 || o[len(o)-1].Path != s.Path {
			owners[p] = append(o, s)
		}
	}
	for _, s := range sibs {
		// The whole bundle belongs to the worktree, not only its services' ports.
		r := s.Reservation
		for p := r.Base; p < r.Base+r.Width; p++ {
			claim(p, s)
		}
		for _, p := range r.Ports {
			claim(p.Port, s)
		}
	}
	if len(ports) == 0 {
		return nil
	}
	listeners, err := owner.Lookup(ctx, ports)
	if err != nil {
		return []Finding{{Check: "held", Message: "could not look up listening processes: " + err.Error(), Fix: "run doctor as the user who runs the servers"}}
	}
	var paths []string
	for _, w := range repo.Worktrees {
		paths = append(paths, w.Path)
	}
	var out []Finding
	for _, p := range ports {
		for _, l := range listeners[p] {
			holder, who := "", describeListener(l)
			if !l.Hidden {
				holder = owner.Attribute(l.Cwd, paths)
				if holder == "" {
					who += " from outside every worktree"
				} else {
					who += " from worktree " + alloc.Label(repo.Loc.Toplevel, holder)
				}
			}
			for _, s := range owners[p] {
				if !l.Hidden && holder == s.Worktree.Path {
					continue // its own server: exactly what the bundle is for
				}
				out = append(out, Finding{
					Check: "held", Path: s.Path,
					Message: fmt.Sprintf("port %d, reserved by %s, is held by %s", p, s.Label, who),
					Fix:     fmt.Sprintf("stop that process, or move %s with `git -C %s worktree-ports allocate --force` (nothing is ever killed for you)", s.Label, shellQuote(s.Worktree.Path)),
				})
			}
		}
	}
	return out
}

func describeListener(l owner.Listener) string {
	if l.Hidden || l.PID == 0 {
		return "an unknown process"
	}
	return fmt.Sprintf("%s (pid %d)", l.Program, l.PID)
}

func checkLeftovers(repo *alloc.Repo) []Finding {
	var out []Finding
	for _, w := range repo.Worktrees {
		if w.Bare || w.Prunable {
			continue
		}
		ents, err := os.ReadDir(w.Path)
		if err != nil {
			continue
		}
		for _, e := range ents {
			if reserve.IsTempName(e.Name()) {
				p := filepath.Join(w.Path, e.Name())
				out = append(out, Finding{
					Check: "leftover", Path: p,
					Message: "temporary file left by an interrupted allocate: " + p,
					Fix:     "rm " + shellQuote(p) + "   (the reservation itself is intact: writes are atomic)",
				})
			}
		}
	}
	return out
}

func checkHook(ctx context.Context, g gitwt.Git, repo *alloc.Repo) []Finding {
	dir, err := g.HooksDir(ctx)
	if err != nil {
		return nil
	}
	hooksPath := ""
	if cfg, err := g.Config(ctx, `^core\.hookspath$`); err == nil && len(cfg) > 0 {
		hooksPath = cfg[len(cfg)-1].Value
	}
	var out []Finding
	if hooksPath != "" && !filepath.IsAbs(hooksPath) && !strings.HasPrefix(hooksPath, "~") {
		// A relative core.hooksPath is resolved in each worktree. If that folder is not
		// committed (husky's generated .husky/_), a fresh worktree has no hooks at all.
		if tracked, err := (gitwt.Git{Dir: repo.Loc.Toplevel}).IsTracked(ctx, hooksPath); err == nil && !tracked {
			out = append(out, Finding{
				Check: "hooks-path", Path: dir,
				Message: fmt.Sprintf("core.hooksPath=%s is relative and not committed, so new worktrees do not have it until it is generated there (husky: npm install)", hooksPath),
				Fix:     "git config core.hooksPath " + shellQuote(dir) + "   (absolute, shared by every worktree), or run your hook manager's install in each new worktree",
			})
		}
	}
	target := filepath.Join(dir, "post-checkout")
	if strings.HasSuffix(filepath.ToSlash(hooksPath), ".husky/_") {
		target = filepath.Join(filepath.Dir(dir), "post-checkout")
	}
	version, found := hookVersion(target)
	switch {
	case !found:
		out = append(out, Finding{
			Check: "hook", Path: target,
			Message: "the post-checkout hook is not installed, so git worktree add does not allocate ports",
			Fix:     "git worktree-ports install-hook",
		})
	case version < hooks.Version:
		out = append(out, Finding{
			Check: "hook", Path: target,
			Message: fmt.Sprintf("the post-checkout hook is version %d; this binary installs version %d", version, hooks.Version),
			Fix:     "git worktree-ports install-hook   (upgrades it in place)",
		})
	}
	return out
}

// hookVersion finds our marker in a hook file.
func hookVersion(path string) (int, bool) {
	f, err := os.Open(path)
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := hooks.ParseStartMarker(sc.Text()); ok {
			return v, true
		}
	}
	return 0, false
}

func checkInherited(f *Factory, repo *alloc.Repo) []Finding {
	v := f.Getenv("WORKTREE_PORTS_ROOT")
	if v == "" || repo.Loc.Toplevel == "" || sameDir(v, repo.Loc.Toplevel) {
		return nil
	}
	return []Finding{{
		Check: "inherited", Message: fmt.Sprintf("WORKTREE_PORTS_ROOT=%s was inherited from another worktree; programs started here get its ports", v),
		Fix: `eval "$(git worktree-ports env)"   (or let direnv reload), or unset the WORKTREE_PORTS_* variables`,
	}}
}

// shellQuote quotes a path for a command the user may paste.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '/' || r == '.' || r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
