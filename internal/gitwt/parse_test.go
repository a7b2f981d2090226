package gitwt

import (
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

const oid = "92505e207b67281bb2e5375345bde293640e21bb"

// z turns a readable form into -z output: "|" stands for NUL.
func z(s string) []byte { return []byte(strings.ReplaceAll(s, "|", "\x00")) }

func TestParseWorktreesZ(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      []byte
		want    []Worktree
		wantErr string
	}{
		{name: "empty", in: nil, want: nil},
		{
			name: "main and linked",
			in:   z("worktree /r/m|HEAD " + oid + "|branch refs/heads/main||worktree /r/l1|HEAD " + oid + "|branch refs/heads/l1||"),
			want: []Worktree{
				{Path: "/r/m", Head: oid, Branch: "refs/heads/main"},
				{Path: "/r/l1", Head: oid, Branch: "refs/heads/l1"},
			},
		},
		{
			name: "bare main",
			in:   z("worktree /r/b.git|bare||worktree /r/w|HEAD " + oid + "|detached||"),
			want: []Worktree{
				{Path: "/r/b.git", Bare: true},
				{Path: "/r/w", Head: oid, Detached: true},
			},
		},
		{
			name: "locked with multi-line reason, locked bare, prunable",
			in: z("worktree /r/lk|HEAD " + oid + "|branch refs/heads/lk|locked on usb\ndrive||" +
				"worktree /r/lk2|HEAD " + oid + "|branch refs/heads/lk2|locked||" +
				"worktree /r/pr|HEAD " + oid + "|detached|prunable gitdir file points to non-existent location||"),
			want: []Worktree{
				{Path: "/r/lk", Head: oid, Branch: "refs/heads/lk", Locked: true, LockReason: "on usb\ndrive"},
				{Path: "/r/lk2", Head: oid, Branch: "refs/heads/lk2", Locked: true},
				{Path: "/r/pr", Head: oid, Detached: true, Prunable: true, PrunableReason: "gitdir file points to non-existent location"},
			},
		},
		{
			name: "path with spaces, quotes, unicode and newline",
			in:   z("worktree /r/sp ace \"q\" é\nnl|HEAD " + oid + "|detached||"),
			want: []Worktree{{Path: "/r/sp ace \"q\" é\nnl", Head: oid, Detached: true}},
		},
		{
			name: "unknown attributes are ignored",
			in:   z("worktree /r/m|HEAD " + oid + "|branch refs/heads/main|future-flag|future-kv some value||"),
			want: []Worktree{{Path: "/r/m", Head: oid, Branch: "refs/heads/main"}},
		},
		{
			name: "unborn branch, sha256",
			in:   z("worktree /r/u|HEAD " + strings.Repeat("0", 64) + "|branch refs/heads/main||"),
			want: []Worktree{{Path: "/r/u", Head: strings.Repeat("0", 64), Branch: "refs/heads/main"}},
		},
		{name: "truncated mid attribute", in: z("worktree /r/m|HEAD 9250"), wantErr: "not NUL-terminated"},
		{name: "truncated record", in: z("worktree /r/m|HEAD " + oid + "|"), wantErr: "not terminated"},
		{name: "no worktree attribute", in: z("HEAD " + oid + "||"), wantErr: `want "worktree"`},
		{name: "empty record", in: z("|"), wantErr: "empty record"},
		{name: "double separator", in: z("worktree /a|||"), wantErr: "empty record"},
		{name: "empty path", in: z("worktree ||"), wantErr: "empty worktree path"},
		{name: "worktree without value", in: z("worktree||"), wantErr: "empty worktree path"},
		{name: "missing separator", in: z("worktree /a|worktree /b||"), wantErr: "repeated"},
		{name: "bad HEAD", in: z("worktree /a|HEAD xyz||"), wantErr: "not a commit id"},
		{name: "empty HEAD", in: z("worktree /a|HEAD||"), wantErr: "not a commit id"},
		{name: "empty branch", in: z("worktree /a|branch ||"), wantErr: "empty branch"},
		{name: "newline-separated output", in: []byte("worktree /a\nHEAD " + oid + "\n\n"), wantErr: "not NUL-terminated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseWorktreesZ(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseWorktreesZ() = %+v, %v; want error containing %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseWorktreesZ() error: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseWorktreesZ() =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

func TestWorktreeNames(t *testing.T) {
	t.Parallel()
	tests := []struct {
		w           Worktree
		name, short string
	}{
		{Worktree{Path: "/r/feature-x", Branch: "refs/heads/feature/x"}, "feature-x", "feature/x"},
		{Worktree{Path: "/r/b.git", Bare: true}, "b.git", ""},
		{Worktree{Path: "/r/d", Detached: true}, "d", ""},
		{Worktree{Path: "/r/o", Branch: "refs/remotes/origin/main"}, "o", "refs/remotes/origin/main"},
		{Worktree{Path: "/r/trailing/"}, "trailing", ""},
	}
	for _, tt := range tests {
		if got := tt.w.Name(); got != tt.name {
			t.Errorf("%+v.Name() = %q, want %q", tt.w, got, tt.name)
		}
		if got := tt.w.ShortBranch(); got != tt.short {
			t.Errorf("%+v.ShortBranch() = %q, want %q", tt.w, got, tt.short)
		}
	}
}

func TestParseConfigZ(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want []ConfigEntry
	}{
		{"empty", "", nil},
		{"values", "worktree-ports.range\n20000-29999\x00remote.origin.url\ngit@h:a/b.git\x00",
			[]ConfigEntry{{"worktree-ports.range", "20000-29999"}, {"remote.origin.url", "git@h:a/b.git"}}},
		{"implicit true and empty value", "x.flag\x00x.empty\n\x00", []ConfigEntry{{"x.flag", ""}, {"x.empty", ""}}},
		{"value with newline", "x.v\na\nb\x00", []ConfigEntry{{"x.v", "a\nb"}}},
		{"repeated key keeps order", "x.v\n1\x00x.v\n2\x00", []ConfigEntry{{"x.v", "1"}, {"x.v", "2"}}},
		{"unterminated last entry", "x.v\n1\x00x.w\n2", []ConfigEntry{{"x.v", "1"}, {"x.w", "2"}}},
		{"stray NULs", "\x00\x00x.v\n1\x00\x00", []ConfigEntry{{"x.v", "1"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := ParseConfigZ([]byte(tt.in)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseConfigZ(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseVersion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in           string
		major, minor int
		ok           bool
	}{
		{"git version 2.39.5\n", 2, 39, true},
		{"git version 2.48.0", 2, 48, true},
		{"git version 2.45.1.windows.1", 2, 45, true},
		{"git version 2.39.3 (Apple Git-146)", 2, 39, true},
		{"git version 2.50.0.rc1", 2, 50, true},
		{"git version 3.0", 3, 0, true},
		{"", 0, 0, false},
		{"git version", 0, 0, false},
		{"git version 2", 0, 0, false},
		{"git version x.y.z", 0, 0, false},
		{"git version +2.-1", 0, 0, false},
		{"git version 99999999999999999999.1", 0, 0, false},
		{"hub version 2.14.2", 0, 0, false},
	}
	for _, tt := range tests {
		major, minor, err := ParseVersion(tt.in)
		if (err == nil) != tt.ok || major != tt.major || minor != tt.minor {
			t.Errorf("ParseVersion(%q) = %d, %d, %v; want %d, %d, ok=%v", tt.in, major, minor, err, tt.major, tt.minor, tt.ok)
		}
	}
}

func TestParseLocate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		out   string
		noTop bool
		want  Location
		ok    bool
	}{
		{"main", "/r/m/.git\n/r/m/.git\nfalse\n/r/m\n", false,
			Location{Toplevel: "/r/m", GitDir: "/r/m/.git", CommonDir: "/r/m/.git"}, true},
		{"bare", "/r/b.git\n/r/b.git\ntrue\n", true,
			Location{GitDir: "/r/b.git", CommonDir: "/r/b.git", Bare: true}, true},
		{"toplevel with newline", "/r/m/.git/worktrees/x\n/r/m/.git\nfalse\n/r/a\nb\n", false,
			Location{Toplevel: "/r/a\nb", GitDir: "/r/m/.git/worktrees/x", CommonDir: "/r/m/.git"}, true},
		{"git dirs with newline", "/r/a\nb/.git\n/r/a\nb/.git\nfalse\n/r/a\nb\n", false,
			Location{Toplevel: "/r/a\nb", GitDir: "/r/a\nb/.git", CommonDir: "/r/a\nb/.git"}, true},
		{"ambiguous", "/a\n/b\n/c\nfalse\n/t\n", false, Location{}, false},
		{"garbage", "hello\n", false, Location{}, false},
		{"relative", ".git\n.git\nfalse\n/r/m\n", false, Location{}, false},
		{"top missing", "/r/m/.git\n/r/m/.git\nfalse\n", false, Location{}, false},
	}
	for _, tt := range tests {
		got, err := parseLocate(tt.out, tt.noTop)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("%s: parseLocate(%q) = %+v, %v; want %+v, ok=%v", tt.name, tt.out, got, err, tt.want, tt.ok)
		}
	}
}

func FuzzParseWorktreesZ(f *testing.F) {
	f.Add(z("worktree /r/m|HEAD " + oid + "|branch refs/heads/main||"))
	f.Add(z("worktree /r/b.git|bare||worktree /r/l|HEAD " + oid + "|detached|locked why||"))
	f.Fuzz(func(t *testing.T, b []byte) {
		ws, err := ParseWorktreesZ(b)
		if err != nil {
			return
		}
		for i, w := range ws {
			if w.Path == "" {
				t.Fatalf("worktree %d has an empty Path: %+v", i, w)
			}
		}
		// Parsing what we would print back must give the same records,
		// so no information is lost or invented.
		again, err := ParseWorktreesZ(formatWorktreesZ(ws))
		if err != nil || !reflect.DeepEqual(again, ws) {
			t.Fatalf("round trip: %+v, %v; want %+v", again, err, ws)
		}
	})
}

// formatWorktreesZ writes records the way git does, for the round trip.
func formatWorktreesZ(ws []Worktree) []byte {
	var b strings.Builder
	attr := func(s string) { b.WriteString(s); b.WriteByte(0) }
	for _, w := range ws {
		attr("worktree " + w.Path)
		if w.Bare {
			attr("bare")
		}
		if w.Head != "" {
			attr("HEAD " + w.Head)
		}
		if w.Branch != "" {
			attr("branch " + w.Branch)
		}
		if w.Detached {
			attr("detached")
		}
		if w.Locked {
			attr(withReason("locked", w.LockReason))
		}
		if w.Prunable {
			attr(withReason("prunable", w.PrunableReason))
		}
		b.WriteByte(0)
	}
	return []byte(b.String())
}

func withReason(key, reason string) string {
	if reason == "" {
		return key
	}
	return key + " " + reason
}

// TestFuzzSeedsParse keeps the checked-in corpus honest: its files are real
// git output, so each must parse.
func TestFuzzSeedsParse(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("testdata", "fuzz", "FuzzParseWorktreesZ", "real-*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no seed corpus: %v", err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lit, ok := strings.CutPrefix(strings.TrimSpace(string(b)), "go test fuzz v1\n[]byte(")
		lit, ok2 := strings.CutSuffix(lit, ")")
		s, err := strconv.Unquote(lit)
		if !ok || !ok2 || err != nil {
			t.Fatalf("%s: not a []byte corpus entry: %v", f, err)
		}
		if ws, err := ParseWorktreesZ([]byte(s)); err != nil || len(ws) == 0 {
			t.Errorf("%s: %d worktrees, %v", f, len(ws), err)
		}
	}
}

func TestErrorMessage(t *testing.T) {
	t.Parallel()
	e := &Error{
		Args:   []string{"--literal-pathspecs", "ls-files", "-z", "--", "x"},
		Stderr: "fatal: not a git repository (or any of the parent directories): .git\n",
	}
	if got, want := e.Error(), "git ls-files: fatal: not a git repository (or any of the parent directories): .git"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	e = &Error{Args: []string{"worktree", "list", "--porcelain"}, Stderr: "error: one\n\nhint: two  \n"}
	if got, want := e.Error(), "git worktree list: error: one; hint: two"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestWorktreeRacePattern(t *testing.T) {
	tests := []struct {
		stderr string
		want   bool
	}{
		{"fatal: failed to read /r/.git/worktrees/wt-9/commondir: Success", true},
		{"fatal: failed to read '/r/my repo/.git/worktrees/wt 9/locked': No such file or directory", true},
		{"fatal: failed to read '/r/.git/worktrees/wt-9/locked': No such file or directory", true},
		{"fatal: failed to read /r/.git/worktrees/x/commondir: Undefined error: 0", true},
		// Run in the common directory, git names the file relative to it.
		{"fatal: failed to read worktrees/churn-0-0/commondir: Success", true},
		// A concurrent `git worktree remove` deletes the entry being resolved.
		{"fatal: Invalid path '/tmp/x/main/.git/worktrees/churn-0-1': No such file or directory", true},
		{"fatal: Invalid path '/tmp/x/main/.git/worktrees/churn-0-1': Permission denied", false},
		{"fatal: Invalid path '/tmp/x/main/sub': No such file or directory", false},
		{"fatal: not a git repository (or any of the parent directories): .git", false},
		{"fatal: failed to read /r/.git/worktrees/x/commondir: Permission denied", false},
	}
	for _, tt := range tests {
		if got := LostRace(tt.stderr); got != tt.want {
			t.Errorf("LostRace(%q) = %v, want %v", tt.stderr, got, tt.want)
		}
	}
}

// TestSetPath: the real working tree replaces git's line, which Listed still gives, and
// a second correction keeps git's first line.
func TestSetPath(t *testing.T) {
	w := Worktree{Path: "/r/sep.git"}
	w.SetPath("/r/sep.git")
	if w.Path != "/r/sep.git" || w.ListedPath != "" || w.Listed() != "/r/sep.git" {
		t.Errorf("the same path: %+v", w)
	}
	w.SetPath("/r/sep")
	w.SetPath("/r/moved")
	if w.Path != "/r/moved" || w.Listed() != "/r/sep.git" {
		t.Errorf("corrected twice: %+v, Listed %q", w, w.Listed())
	}
}
