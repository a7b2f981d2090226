package inventory

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
	"github.com/git-worktree-ports/git-worktree-ports/internal/listener"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
)

// worktreeDir makes a worktree directory holding data as its reservation ("" for none).
func worktreeDir(t *testing.T, root, name, data string) string {
	t.Helper()
	dir := filepath.Join(root, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if data != "" {
		if err := os.WriteFile(filepath.Join(dir, reserve.FileName), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func reservationJSON(base int, ports string) string {
	return `{"version":1,"base":` + strconv.Itoa(base) + `,"width":10,"slot":1,"ports":{` + ports + `}}`
}

func TestBuildFlags(t *testing.T) {
	root := t.TempDir()
	main := worktreeDir(t, root, "main", reservationJSON(21000, `"api":21000,"web":21001`))
	copyOf := worktreeDir(t, root, "copy", reservationJSON(21000, `"api":21000`))
	apart := worktreeDir(t, root, "apart", reservationJSON(21010, `"api":21010`))
	none := worktreeDir(t, root, "none", "")
	broken := worktreeDir(t, root, "broken", `{"version":1,"base":`)
	gone := filepath.Join(root, "gone")
	locked := worktreeDir(t, root, "locked", "")

	src := Source{Name: "shop", Worktrees: []gitwt.Worktree{
		{Path: main, Branch: "refs/heads/main"},
		{Path: copyOf, Detached: true},
		{Path: apart},
		{Path: none},
		{Path: broken},
		{Path: gone, Prunable: true, PrunableReason: "gitdir file points to non-existent location"},
		{Path: locked, Locked: true, LockReason: "usb"},
	}}
	listening := listener.ProberFunc(func(p int) bool { return p == 21001 })
	out := Build([]Source{src}, main+"/", listening)

	want := map[string][]string{
		"main":   {FlagCurrent, FlagConflicting},
		"copy":   {FlagConflicting},
		"apart":  nil,
		"none":   {FlagMissing},
		"broken": {FlagInvalid},
		"gone":   {FlagPrunable},
		"locked": {FlagMissing, FlagLocked},
	}
	if out.Version != 1 || len(out.Worktrees) != len(want) {
		t.Fatalf("Build = %+v", out)
	}
	for _, r := range out.Worktrees {
		if !slices.Equal(r.Flags, want[r.Name]) && !(len(r.Flags) == 0 && want[r.Name] == nil) {
			t.Errorf("%s: flags %q, want %q", r.Name, r.Flags, want[r.Name])
		}
		if r.Repo != "shop" {
			t.Errorf("%s: repo %q", r.Name, r.Repo)
		}
	}
	m := out.Worktrees[0]
	if !m.Reserved || m.Base != 21000 || m.Branch != "main" || len(m.Ports) != 2 ||
		m.Ports[0].Listening || !m.Ports[1].Listening {
		t.Errorf("main row: %+v", m)
	}
	if b := out.Worktrees[4]; b.Reserved || b.Error == "" {
		t.Errorf("broken row: %+v", b)
	}
	if l := out.Worktrees[6]; l.LockReason != "usb" || l.Ports == nil || l.Flags == nil {
		t.Errorf("locked row: %+v (ports and flags must be [] in JSON, not null)", l)
	}
}

// TestBuildNoProber: doctor builds rows only for their reservations and flags, and
// probes no port.
func TestBuildNoProber(t *testing.T) {
	dir := worktreeDir(t, t.TempDir(), "a", reservationJSON(21000, `"api":21000`))
	out := Build([]Source{{Worktrees: []gitwt.Worktree{{Path: dir}}}}, "", nil)
	if r := out.Worktrees[0]; !r.Reserved || r.Ports[0].Listening || r.Current {
		t.Fatalf("row: %+v", r)
	}
}
