package inventory

import (
	"strings"
	"testing"

	"github.com/git-worktree-ports/git-worktree-ports/internal/iostreams"
)

// plainRows is the table's cells as text, each row's cells joined by "|".
func plainRows(t *iostreams.Table) []string {
	var rows []string
	for _, row := range t.Rows {
		var cells []string
		for _, c := range row {
			var b strings.Builder
			for _, s := range c.Full {
				b.WriteString(s.Text)
			}
			cells = append(cells, b.String())
		}
		rows = append(rows, strings.Join(cells, "|"))
	}
	return rows
}

// TestTable checks each kind of row's cells: the current mark, a main worktree's slot,
// a bare and a detached HEAD, no reservation, a listener's details, the flags without
// current, paths relative to base or whole, and the REPO column of --all.
func TestTable(t *testing.T) {
	out := List{Version: 1, Worktrees: []Row{
		{Repo: "shop", Name: "shop", Path: "/src/shop", Branch: "main", Current: true, Reserved: true, Main: true,
			Flags: []string{"current"}, Ports: []Port{{Service: "api", Port: 3000, Listening: true, PID: 7, Program: "node", Owner: "shop", Health: "healthy"}}},
		{Repo: "shop", Name: "b", Path: "/src/b", Branch: "b", Reserved: true, Slot: 12,
			Flags: []string{"conflicting", "locked"}, Ports: []Port{{Service: "api", Port: 20120}, {Service: "web", Port: 20121}}},
		{Repo: "shop", Name: "d", Path: "/src/shop/d", Detached: true, Flags: []string{"missing"}},
		{Repo: "shop", Name: "bare", Path: "/src/bare.git", Bare: true, Flags: []string{"bare"}},
	}}
	if got := out.Current(); got != "/src/shop" {
		t.Fatalf("Current() = %q, want /src/shop", got)
	}
	tests := []struct {
		all  bool
		base string
		want []string
	}{
		{false, "/src/shop", []string{
			"*|shop|main|main|api=3000*[node:7 shop healthy]|-|../shop",
			" |b|b|12|api=20120 web=20121|conflicting,locked|../b",
			" |d|(detached)|-|-|missing|./d",
			" |bare|(bare)|-|-|bare|../bare.git",
		}},
		{true, "", []string{
			"*|shop|shop|main|main|api=3000*[node:7 shop healthy]|-|/src/shop",
			" |shop|b|b|12|api=20120 web=20121|conflicting,locked|/src/b",
			" |shop|d|(detached)|-|-|missing|/src/shop/d",
			" |shop|bare|(bare)|-|-|bare|/src/bare.git",
		}},
	}
	for _, tt := range tests {
		tab := Table(out, tt.all, tt.base)
		if got := plainRows(tab); strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
			t.Errorf("all=%v base=%q:\n%s\nwant\n%s", tt.all, tt.base, strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
		}
		if n := len(tab.Columns); n != 7+map[bool]int{true: 1}[tt.all] {
			t.Errorf("all=%v: %d columns", tt.all, n)
		}
	}
	if got := (List{}).Current(); got != "" {
		t.Errorf("Current() of no rows = %q, want \"\"", got)
	}
}

// TestTableSteps: with --all, every step after the mark names the column one further
// right, and REPO (column 1) gives way too.
func TestTableSteps(t *testing.T) {
	one, all := TableSteps(false), TableSteps(true)
	if len(all) != len(one)+1 {
		t.Fatalf("%d steps with --all, %d without", len(all), len(one))
	}
	repo := 0
	for _, s := range all {
		if s.Col == 1 {
			repo++
		}
	}
	if repo != 1 {
		t.Errorf("REPO gives way in %d steps with --all, want 1", repo)
	}
	for i, s := range one {
		j := i
		if i >= 6 {
			j = i + 1 // the REPO step comes before the names'
		}
		if all[j].Kind != s.Kind || all[j].Col != s.Col+1 {
			t.Errorf("step %d: %+v without --all, %+v with it", i, s, all[j])
		}
	}
}
