package inventory

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/git-worktree-ports/git-worktree-ports/internal/alloc"
	"github.com/git-worktree-ports/git-worktree-ports/internal/claim"
	"github.com/git-worktree-ports/git-worktree-ports/internal/config"
	"github.com/git-worktree-ports/git-worktree-ports/internal/listener"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
)

// isolateGit points git and the tool away from the user's configuration and state.
func isolateGit(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	home := t.TempDir()
	for k, v := range map[string]string{
		"HOME": home, "XDG_STATE_HOME": filepath.Join(home, "state"), "XDG_CONFIG_HOME": filepath.Join(home, "config"),
		"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": filepath.Join(home, ".gitconfig"),
		"GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.invalid",
		"GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@example.invalid",
	} {
		t.Setenv(k, v)
	}
	for _, k := range []string{"GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR", "GIT_INDEX_FILE", "WORKTREE_PORTS_ROOT"} {
		t.Setenv(k, "") // restored after the test
		os.Unsetenv(k)
	}
}

func run(t *testing.T, dir string, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %q: %v\n%s", name, args, err, out)
	}
}

var nothingBound = listener.ProberFunc(func(int) bool { return false })

// TestExamine gathers the facts of a real repository whose worktree b holds a copy of
// a's reservation, and checks what the checks then see. It also runs Examine's
// goroutines under the race detector (make unit).
func TestExamine(t *testing.T) {
	isolateGit(t)
	root, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	main, a, b, c := filepath.Join(root, "shop"), filepath.Join(root, "a"), filepath.Join(root, "b"), filepath.Join(root, "c")
	run(t, root, "git", "init", "-q", main)
	run(t, main, "git", "commit", "-q", "--allow-empty", "-m", "init")
	run(t, main, "git", "config", "worktree-ports.range", "19500-19599")
	for _, w := range []string{a, b, c} {
		run(t, main, "git", "worktree", "add", "-q", "--detach", w)
	}
	for _, w := range []string{main, a} {
		if _, err := alloc.Allocate(context.Background(), alloc.Options{Dir: w, Prober: nothingBound}); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(filepath.Join(a, reserve.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(b, reserve.FileName), data, 0o644); err != nil {
		t.Fatal(err)
	}

	f, err := Examine(context.Background(), DoctorOptions{Dir: a, Getenv: func(k string) string {
		switch k {
		case "WORKTREE_PORTS_ROOT":
			return b
		case config.EnvCrossRepo:
			return "0" // other repositories: see doctor_crossrepo.txtar
		}
		return ""
	}, DryRun: func(ctx context.Context, dir string) error {
		_, err := alloc.Allocate(ctx, alloc.Options{Dir: dir, DryRun: true, Prober: nothingBound})
		return err
	}})
	if err != nil {
		t.Fatal(err)
	}
	if f.Toplevel != a || !f.Listed || f.Tracked || f.Hook.Known || f.RootEnv != b || f.RootEnvHere {
		t.Fatalf("facts: %+v", f)
	}
	if len(f.Worktrees) != 4 || len(f.Siblings) != 3 {
		t.Fatalf("%d worktrees, %d reservations", len(f.Worktrees), len(f.Siblings))
	}
	for i, w := range f.Worktrees {
		if w.Linked != (i > 0) || w.ConfigErr != nil {
			t.Errorf("%s: linked %v, config %v", w.Label, w.Linked, w.ConfigErr)
		}
		hasRes := w.Row.Path != c
		if (w.Reservation != nil) != hasRes || (w.Expected != nil) != hasRes {
			t.Errorf("%s: reservation %v, expected %v", w.Label, w.Reservation, w.Expected)
		}
		if hasRes && !claim.Compare(*w.Reservation, *w.Expected, true).Empty() {
			t.Errorf("%s: %s", w.Label, claim.Compare(*w.Reservation, *w.Expected, true))
		}
		if want := map[bool]claim.Origin{true: claim.Copied, false: claim.Own}[w.Row.Path == b]; w.Origin != want {
			t.Errorf("%s: origin %v, want %v", w.Label, w.Origin, want)
		}
	}
	if len(f.Overlaps) != 1 || f.Overlaps[0].A.Worktree.Path != a || !f.Overlaps[0].AKeeps {
		t.Fatalf("overlaps: %+v", f.Overlaps)
	}
	if f.NoPorts != nil || f.Range.Lo != 19500 {
		t.Fatalf("no ports: %v, range %v", f.NoPorts, f.Range)
	}
	var checks []string
	for _, fd := range Diagnose(f) {
		checks = append(checks, fd.Check)
	}
	// The copy overlaps the bundle it was copied from: one cause, one finding.
	if want := []string{"copied", "inherited"}; !slices.Equal(checks, want) {
		t.Fatalf("findings %q, want %q", checks, want)
	}

	// list sees the same rows.
	l, err := Collect(context.Background(), ListOptions{Dir: a, Prober: nothingBound})
	if err != nil {
		t.Fatal(err)
	}
	var flags [][]string
	for _, r := range l.Worktrees {
		flags = append(flags, r.Flags)
	}
	want := [][]string{{}, {FlagCurrent, FlagConflicting}, {FlagConflicting}, {FlagMissing}}
	if !slices.EqualFunc(flags, want, slices.Equal) {
		t.Fatalf("list flags %q, want %q", flags, want)
	}
}
