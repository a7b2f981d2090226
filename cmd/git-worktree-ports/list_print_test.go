package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/git-worktree-ports/git-worktree-ports/internal/iostreams"
)

// listFixture is what listRun gathers for a repository with a server running, a worktree
// with a long name, one without a reservation, a pair that overlaps, and one whose
// directory is gone.
func listFixture() ListOutput {
	return ListOutput{Version: 1, Worktrees: []ListWorktree{
		{Repo: "shop", Name: "shop", Path: "/home/dev/src/shop", Branch: "main", Current: true,
			Reserved: true, Slot: 134, Base: 21340, Width: 10, Flags: []string{"current"},
			Ports: []ListPort{
				{Service: "api", Port: 21340, Listening: true, PID: 4242, Program: "node", Owner: "shop", Health: "healthy"},
				{Service: "web", Port: 21341, Listening: true, PID: 4243, Program: "vite", Owner: "outside"},
				{Service: "db", Port: 21345},
			}},
		{Repo: "shop", Name: "shop-feature-authentication-rework", Path: "/home/dev/src/shop-feature-authentication-rework",
			Branch: "feature/authentication-rework", Reserved: true, Slot: 951, Base: 29510, Width: 10, Flags: []string{"conflicting"},
			Ports: []ListPort{{Service: "api", Port: 29510}, {Service: "web", Port: 29511}, {Service: "db", Port: 29515}}},
		{Repo: "shop", Name: "shop-copy", Path: "/home/dev/src/shop-copy", Branch: "copy", Reserved: true, Slot: 951,
			Base: 29510, Width: 10, Flags: []string{"conflicting", "locked"},
			Ports: []ListPort{{Service: "api", Port: 29510}, {Service: "web", Port: 29511}, {Service: "db", Port: 29515}}},
		{Repo: "shop", Name: "hotfix", Path: "/home/dev/src/shop/.worktrees/hotfix", Detached: true, Flags: []string{"missing"}},
		{Repo: "shop", Name: "gone", Path: "/mnt/usb/old/projects/gone", Branch: "gone", Prunable: true, Flags: []string{"prunable"}},
	}}
}

// sgrCode is a colour code the program itself writes.
var sgrCode = regexp.MustCompile(`\x1b\[[0-9;]*m`)

func TestPrintList(t *testing.T) {
	tests := []struct {
		name   string
		tty    bool
		colour bool
		width  int
		wide   bool
		all    bool
		// fits: every line is at most width columns.
		fits    bool
		want    []string // substrings of the output without colour codes
		notWant []string
		// colours: substrings of the output with its colour codes.
		colours []string
	}{
		{
			name: "pipe: every column whole, paths relative",
			want: []string{
				"   NAME                                BRANCH                         SLOT  PORTS",
				"*  shop ", "api=21340*[node:4242 shop healthy] web=21341*[vite:4243 outside] db=21345",
				"  ../shop\n", "  ../shop-feature-authentication-rework\n", "  ./.worktrees/hotfix\n",
				"feature/authentication-rework", "conflicting,locked", "(detached)",
				// Three levels up or more stays absolute: a path no one would type.
				"  /mnt/usb/old/projects/gone\n",
			},
			notWant: []string{"/home/dev", "..."},
		},
		{
			name:    "pipe --wide: absolute paths",
			wide:    true,
			want:    []string{"  /home/dev/src/shop\n", "  /home/dev/src/shop-feature-authentication-rework\n", "  /home/dev/src/shop/.worktrees/hotfix\n"},
			notWant: []string{"../", "./.worktrees"},
		},
		{
			name: "terminal 80 columns in colour", tty: true, colour: true, width: 80, fits: true,
			// The healthy api keeps its health mark (+) when the listeners' details give way.
			want:    []string{"NAME", "PORTS", "FLAGS", "shop-feature-authenti...", "+api=21340* web=21341* db=21345", "missing"},
			notWant: []string{"[node:4242", "PATH", "SLOT", "BRANCH"},
			colours: []string{
				"\x1b[1mNAME\x1b[0m", "\x1b[1m*\x1b[0m  \x1b[1mshop\x1b[0m",
				"\x1b[32mapi=21340*\x1b[0m \x1b[32mweb=21341*\x1b[0m db=21345",
				"\x1b[31mconflicting\x1b[0m,locked", "\x1b[33mmissing\x1b[0m", "\x1b[33mprunable\x1b[0m",
			},
		},
		{
			name: "terminal 80 columns, colour off (NO_COLOR)", tty: true, width: 80, fits: true,
			want: []string{"+api=21340* web=21341* db=21345", "conflicting,locked"},
		},
		{
			name: "wide terminal: all of it, paths relative", tty: true, width: 220, fits: true,
			want:    []string{"BRANCH", "SLOT", "PATH", "[node:4242 shop healthy]", "  ../shop-feature-authentication-rework\n"},
			notWant: []string{"..."},
		},
		{
			// The listeners' details do not fit even without the branch, so the branch stays.
			name: "terminal 120 columns: path and slot give way, then the details", tty: true, width: 120, fits: true,
			want:    []string{"BRANCH", "feature/authentication-re...", "+api=21340* web=21341* db=21345"},
			notWant: []string{"PATH", "SLOT", "[node:4242"},
		},
		{
			name: "terminal 140 columns: the details before the branch", tty: true, width: 140, fits: true,
			want:    []string{"SLOT", "[node:4242 shop healthy]", "shop-feature-authentication-rework"},
			notWant: []string{"PATH", "BRANCH", "..."},
		},
		{
			name: "terminal 40 columns: names and ports cut, never wrapped", tty: true, width: 40, fits: true,
			want: []string{"shop-feat...", "api=21340...", "confli..."},
		},
		{
			name: "terminal --wide: the full form, wrapping or not", tty: true, colour: true, width: 80, wide: true,
			want:    []string{"BRANCH", "PATH", "[node:4242 shop healthy]", "  /home/dev/src/shop-feature-authentication-rework\n"},
			colours: []string{"\x1b[32mapi=21340*\x1b[0m[node:4242 shop \x1b[32mhealthy\x1b[0m]"},
		},
		{
			name: "terminal --all 80 columns", tty: true, width: 80, all: true, fits: true,
			want: []string{"REPO", "shop-feature-au..."},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := testFactory()
			f.SetStdoutTTY(tt.tty)
			f.SetColorEnabled(tt.colour)
			f.SetTerminalWidth(tt.width)
			out := f.Out.(interface{ String() string })
			if err := printList(f, listFixture(), &ListOptions{Wide: tt.wide, All: tt.all}); err != nil {
				t.Fatal(err)
			}
			raw := out.String()
			plain := sgrCode.ReplaceAllString(raw, "")
			if strings.Contains(plain, "\x1b") {
				t.Errorf("an escape that is not one of our colour codes:\n%q", raw)
			}
			if !tt.colour && plain != raw {
				t.Errorf("colour off, yet colour codes:\n%q", raw)
			}
			if got := strings.Count(plain, "\n"); got != 6 {
				t.Errorf("%d lines, want a header and 5 rows:\n%s", got, plain)
			}
			for _, line := range strings.Split(strings.TrimSuffix(plain, "\n"), "\n") {
				if tt.fits && iostreams.DisplayWidth(line) > tt.width {
					t.Errorf("line %d wide on a %d-column terminal: %q", iostreams.DisplayWidth(line), tt.width, line)
				}
			}
			for _, w := range tt.want {
				if !strings.Contains(plain, w) {
					t.Errorf("missing %q in:\n%s", w, plain)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(plain, w) {
					t.Errorf("unexpected %q in:\n%s", w, plain)
				}
			}
			for _, w := range tt.colours {
				if !strings.Contains(raw, w) {
					t.Errorf("missing %q in:\n%q", w, raw)
				}
			}
		})
	}
}

// TestPrintListNeverWraps tries every width a terminal may have: no line is ever wider,
// with a very long name and one in characters two columns wide among the rows.
func TestPrintListNeverWraps(t *testing.T) {
	out := listFixture()
	out.Worktrees[2].Name = strings.Repeat("very-long-", 20)
	out.Worktrees[3].Name = "修正-ログイン画面"
	out.Worktrees[3].Path = "/home/dev/src/修正-ログイン画面"
	for _, all := range []bool{false, true} {
		for width := 1; width <= 220; width++ {
			f := testFactory()
			f.SetStdoutTTY(true)
			f.SetColorEnabled(true)
			f.SetTerminalWidth(width)
			if err := printList(f, out, &ListOptions{All: all}); err != nil {
				t.Fatal(err)
			}
			plain := sgrCode.ReplaceAllString(f.Out.(interface{ String() string }).String(), "")
			for _, line := range strings.Split(strings.TrimSuffix(plain, "\n"), "\n") {
				if n := iostreams.DisplayWidth(line); n > width {
					t.Fatalf("all=%v: line %d wide on a %d-column terminal: %q", all, n, width, line)
				}
			}
		}
	}
}

// TestPrintListUntrusted: a name full of escape sequences is escaped before it is cut or
// coloured, so the only escapes that reach the terminal are the program's colour codes.
func TestPrintListUntrusted(t *testing.T) {
	out := listFixture()
	out.Worktrees[1].Name = "evil\x1b]0;pwned\a\x1b[2J"
	out.Worktrees[1].Path = "/home/dev/src/evil\x1b[31m\nx"
	out.Worktrees[1].Ports[0].Service = "a\x1b[5mb"
	for _, width := range []int{200, 80, 30} {
		f := testFactory()
		f.SetStdoutTTY(true)
		f.SetColorEnabled(true)
		f.SetTerminalWidth(width)
		if err := printList(f, out, &ListOptions{}); err != nil {
			t.Fatal(err)
		}
		raw := f.Out.(interface{ String() string }).String()
		if plain := sgrCode.ReplaceAllString(raw, ""); strings.ContainsAny(plain, "\x1b\a") || strings.Count(plain, "\n") != 6 {
			t.Errorf("width %d: a control character got through:\n%q", width, raw)
		}
		for _, code := range sgrCode.FindAllString(raw, -1) {
			if code != "\x1b[0m" && code != "\x1b[1m" && code != "\x1b[31m" && code != "\x1b[32m" && code != "\x1b[33m" {
				t.Errorf("width %d: %q is not one of our colour codes", width, code)
			}
		}
		if width == 200 && !strings.Contains(raw, `evil\x1b]0;pwned\x07\x1b[2J`) || width == 200 && !strings.Contains(raw, `../evil\x1b[31m\nx`) {
			t.Errorf("width %d: the name is not shown escaped:\n%s", width, raw)
		}
	}
}
