package inventory

import (
	"bytes"
	"strings"
	"testing"

	"github.com/git-worktree-ports/git-worktree-ports/internal/claim"
	"github.com/git-worktree-ports/git-worktree-ports/internal/iostreams"
)

// TestReport: findings grouped under their worktree (the deepest that holds the path;
// the hook in .git under the repository), worktree paths relative to the top level, the
// longer path replaced first, and every line within the width.
func TestReport(t *testing.T) {
	f := healthy()
	f.Worktrees = append(f.Worktrees, wt("/src/shop/nested", true), wt("/src/a-long-name", true))
	fs := []Finding{
		{Check: "copied", Severity: Problem, Path: "/src/a/.worktree-ports.json",
			Message: "/src/a/.worktree-ports.json was written for the worktree at /src/shop (copied, cloned or committed), so it lists that worktree's ports",
			Fix:     "git -C /src/a worktree-ports allocate   (it moves to a bundle of its own)"},
		{Check: "stale", Severity: Problem, Path: "/src/a-long-name/.worktree-ports.json",
			Message: "/src/a-long-name/.worktree-ports.json was written before its config changed", Fix: "git -C /src/a-long-name worktree-ports allocate"},
		{Check: "leftover", Severity: Advice, Path: "/src/shop/nested/.worktree-ports.json.tmp-1", Message: "temporary file", Fix: "rm it"},
		{Check: "hook", Severity: Advice, Path: "/src/shop/.git/hooks/post-checkout", Message: "not installed", Fix: "git worktree-ports install-hook"},
		{Check: "inherited", Severity: Problem, Message: "WORKTREE_PORTS_ROOT=/src/a was inherited", Fix: "unset it"},
	}
	var b bytes.Buffer
	if err := Report(&b, fs, f, 60, iostreams.NewColorScheme(false)); err != nil {
		t.Fatal(err)
	}
	want := `../a
  copied: ../a/.worktree-ports.json was written for the
      worktree at ../shop (copied, cloned or committed), so
      it lists that worktree's ports
    fix: git -C ../a worktree-ports allocate (it moves to a
         bundle of its own)

../a-long-name
  stale: ../a-long-name/.worktree-ports.json was written
      before its config changed
    fix: git -C ../a-long-name worktree-ports allocate

./nested
  leftover (advice): temporary file
    fix: rm it

repository
  hook (advice): not installed
    fix: git worktree-ports install-hook
  inherited: WORKTREE_PORTS_ROOT=../a was inherited
    fix: unset it
`
	if got := b.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	for _, l := range strings.Split(b.String(), "\n") {
		if len(l) > 60 {
			t.Errorf("line over 60 columns: %q", l)
		}
	}

	// In colour, the check's name alone is painted, red for a problem, yellow for advice.
	b.Reset()
	if err := Report(&b, fs[2:3], f, 0, iostreams.NewColorScheme(true)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "  \x1b[33mleftover (advice)\x1b[0m: temporary file\n") {
		t.Errorf("advice not in yellow: %q", b.String())
	}
}

// TestDiagnoseOneCause: a copied file that overlaps the bundle it was copied from is one
// finding (copied), since both say the same thing with the same fix.
func TestDiagnoseOneCause(t *testing.T) {
	f := healthy()
	f.Worktrees[1].Reservation = res(21000)
	f.Worktrees[1].Reservation.Root = "/src/shop"
	f.Worktrees[1].Origin = claim.Copied
	a, shop := sib("/src/a", 21000), sib("/src/shop", 21000)
	f.Siblings = []claim.Sibling{shop, a}
	f.Overlaps = []Overlap{{A: shop, B: a, AKeeps: true}}
	var checks []string
	for _, fd := range Diagnose(f) {
		checks = append(checks, fd.Check)
	}
	if strings.Join(checks, ",") != "copied" {
		t.Errorf("findings %q, want only copied", checks)
	}
}
