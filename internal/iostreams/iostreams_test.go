package iostreams

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

func TestColorWanted(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		tty  bool
		want bool
	}{
		{"terminal", nil, true, true},
		{"pipe", nil, false, false},
		{"NO_COLOR on a terminal", map[string]string{"NO_COLOR": "1"}, true, false},
		{"NO_COLOR with any value", map[string]string{"NO_COLOR": "0"}, true, false},
		{"empty NO_COLOR is unset", map[string]string{"NO_COLOR": ""}, true, true},
		{"CLICOLOR=0", map[string]string{"CLICOLOR": "0"}, true, false},
		{"CLICOLOR=1 is the default", map[string]string{"CLICOLOR": "1"}, true, true},
		{"CLICOLOR=1 does not colour a pipe", map[string]string{"CLICOLOR": "1"}, false, false},
		{"TERM=dumb", map[string]string{"TERM": "dumb"}, true, false},
		{"CLICOLOR_FORCE colours a pipe", map[string]string{"CLICOLOR_FORCE": "1"}, false, true},
		{"CLICOLOR_FORCE=0 forces nothing", map[string]string{"CLICOLOR_FORCE": "0"}, false, false},
		{"CLICOLOR_FORCE beats CLICOLOR=0", map[string]string{"CLICOLOR_FORCE": "1", "CLICOLOR": "0"}, true, true},
		{"CLICOLOR_FORCE beats TERM=dumb", map[string]string{"CLICOLOR_FORCE": "1", "TERM": "dumb"}, true, true},
		{"NO_COLOR beats CLICOLOR_FORCE", map[string]string{"CLICOLOR_FORCE": "1", "NO_COLOR": "1"}, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ColorWanted(func(k string) string { return tt.env[k] }, tt.tty); got != tt.want {
				t.Errorf("ColorWanted(%v, tty=%v) = %v, want %v", tt.env, tt.tty, got, tt.want)
			}
		})
	}
}

func TestTerminalWidth(t *testing.T) {
	devNull, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer devNull.Close()
	tests := []struct {
		name    string
		fixed   int
		columns string
		want    int
	}{
		{"fixed by a test", 120, "70", 120},
		{"COLUMNS", 0, "70", 70},
		{"COLUMNS with spaces", 0, " 132 ", 132},
		{"COLUMNS not a number", 0, "wide", DefaultWidth},
		{"COLUMNS zero", 0, "0", DefaultWidth},
		{"COLUMNS negative", 0, "-5", DefaultWidth},
		// /dev/null is not a terminal, so it cannot say how wide it is.
		{"no COLUMNS, not a terminal", 0, "", DefaultWidth},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &IOStreams{Out: devNull, width: tt.fixed, getenv: func(k string) string {
				if k == "COLUMNS" {
					return tt.columns
				}
				return ""
			}}
			if got := s.TerminalWidth(); got != tt.want {
				t.Errorf("TerminalWidth() = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestTest(t *testing.T) {
	ios, _, out, _ := Test()
	if ios.IsStdoutTTY() || ios.ColorEnabled() || ios.TerminalWidth() != DefaultWidth {
		t.Errorf("Test(): tty %v, colour %v, width %d; want a pipe without colour, %d wide",
			ios.IsStdoutTTY(), ios.ColorEnabled(), ios.TerminalWidth(), DefaultWidth)
	}
	ios.SetStdoutTTY(true)
	ios.SetColorEnabled(true)
	ios.SetTerminalWidth(40)
	if !ios.IsStdoutTTY() || !ios.ColorEnabled() || ios.TerminalWidth() != 40 {
		t.Errorf("after the setters: tty %v, colour %v, width %d", ios.IsStdoutTTY(), ios.ColorEnabled(), ios.TerminalWidth())
	}
	ios.Out.Write([]byte("x"))
	if out.String() != "x" {
		t.Errorf("Out does not write to the buffer returned")
	}
}

func TestColorScheme(t *testing.T) {
	on, off := NewColorScheme(true), NewColorScheme(false)
	if got := on.Green("api=1*"); got != "\x1b[32mapi=1*\x1b[0m" {
		t.Errorf("Green on = %q", got)
	}
	for _, st := range []Style{Bold, Green, Yellow, Red} {
		if got := off.Paint(st, "x"); got != "x" {
			t.Errorf("Paint(%d) with colour off = %q, want it plain", st, got)
		}
	}
	if got := on.Paint(Plain, "x"); got != "x" {
		t.Errorf("Paint(Plain) = %q", got)
	}
	if got := on.Red(""); got != "" {
		t.Errorf("Red(\"\") = %q, want nothing at all", got)
	}
}

func TestDisplayWidth(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"", 0},
		{"feature-x", 9},
		{"ünï", 3},
		{"e\u0301", 1}, // e and a combining acute accent
		{"日本", 4},
		{"한국", 4},
		{"ｗｉｄｅ", 8},
		{"🚀", 2},
		{"a\u200db", 2}, // zero width joiner
		{`\x1b[31m`, 8}, // an escaped escape is plain text
	}
	for _, tt := range tests {
		if got := DisplayWidth(tt.in); got != tt.want {
			t.Errorf("DisplayWidth(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestCut(t *testing.T) {
	seg := func(s string) []Segment { return []Segment{{Text: s}} }
	tests := []struct {
		name    string
		in      []Segment
		w       int
		keepEnd bool
		want    string
	}{
		{"fits", seg("feature-x"), 9, false, "feature-x"},
		{"end cut", seg("feature-authentication"), 12, false, "feature-a..."},
		{"start cut for paths", seg("../feature-authentication"), 12, true, "...ntication"},
		{"too narrow for the mark", seg("feature"), 3, false, "fea"},
		{"too narrow, keep end", seg("feature"), 2, true, "re"},
		{"zero", seg("feature"), 0, false, ""},
		{"across segments", []Segment{{Text: "api=1*", Style: Green}, {Text: "[node:12]"}}, 10, false, "api=1*[..."},
		{"wide runes are not split", seg("日本語テキスト"), 8, false, "日本 ..."},
		{"wide runes, keep end", seg("日本語テキスト"), 8, true, "...スト"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			got := cut(tt.in, tt.w, tt.keepEnd)
			for _, s := range got {
				b.WriteString(s.Text)
			}
			if b.String() != tt.want {
				t.Errorf("cut(%v, %d) = %q, want %q", tt.in, tt.w, b.String(), tt.want)
			}
			if n := segmentsWidth(got); n > tt.w {
				t.Errorf("cut to %d is %d wide", tt.w, n)
			}
		})
	}
}

// table is a small table whose columns matter more from left to right except the first:
// A (a name), B (a branch, less useful), C (long and most useful, with a short form).
func table() *Table {
	cell := func(s string) Cell { return Text(s, Plain) }
	return &Table{
		Columns: []Column{{Header: "A", Min: 4}, {Header: "B", Min: 6}, {Header: "C", Min: 8}},
		Rows: [][]Cell{
			{cell("alpha-one"), cell("branch-alpha"), {Full: []Segment{{Text: "p=1*", Style: Green}, {Text: "[who:1]"}}, Short: []Segment{{Text: "p=1*", Style: Green}}}},
			{cell("b"), cell("br"), cell("p=2")},
		},
	}
}

var tableSteps = []Step{{Shrink, 1}, {Shorten, 2}, {Drop, 1}, {Shrink, 0}, {Shrink, 2}}

func TestFit(t *testing.T) {
	tests := []struct {
		width int
		want  []string
	}{
		// 9 + 2 + 12 + 2 + 11 = 36: everything whole.
		{36, []string{"A          B             C", "alpha-one  branch-alpha  p=1*[who:1]", "b          br            p=2"}},
		// B shrinks before anything else happens.
		{33, []string{"A          B          C", "alpha-one  branch...  p=1*[who:1]", "b          br         p=2"}},
		// B at its floor (6) is not enough: C loses its details, and B shrinks only as far
		// as still needed.
		{28, []string{"A          B            C", "alpha-one  branch-a...  p=1*", "b          br           p=2"}},
		{24, []string{"A          B        C", "alpha-one  bran...  p=1*", "b          br       p=2"}},
		// B must go: then C's details fit again, and come back.
		{22, []string{"A          C", "alpha-one  p=1*[who:1]", "b          p=2"}},
		{18, []string{"A          C", "alpha-one  p=1*", "b          p=2"}},
		// Then A shrinks, then C (not below its Min).
		{14, []string{"A         C", "alpha...  p=1*", "b         p=2"}},
		{12, []string{"A       C", "alp...  p=1*", "b       p=2"}},
		// Past every step, lines are cut.
		{8, []string{"A     C", "a... ...", "b    ..."}},
	}
	for _, tt := range tests {
		tab := table()
		var out bytes.Buffer
		if err := tab.Print(&out, tab.Fit(tt.width, tableSteps), NewColorScheme(false)); err != nil {
			t.Fatal(err)
		}
		got := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
		if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
			t.Errorf("width %d:\n%s\nwant:\n%s", tt.width, strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
		}
		for _, line := range got {
			if DisplayWidth(line) > tt.width {
				t.Errorf("width %d: line %q is %d wide", tt.width, line, DisplayWidth(line))
			}
		}
	}
}

func TestPrintNaturalAndColour(t *testing.T) {
	tab := table()
	var plain, colour bytes.Buffer
	if err := tab.Print(&plain, tab.Natural(), NewColorScheme(false)); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plain.String(), "\x1b") {
		t.Errorf("colour off printed an escape:\n%q", plain.String())
	}
	// Natural ignores width altogether: nothing is cut or dropped.
	if !strings.Contains(plain.String(), "alpha-one  branch-alpha  p=1*[who:1]\n") {
		t.Errorf("natural layout:\n%s", plain.String())
	}
	if err := tab.Print(&colour, tab.Natural(), NewColorScheme(true)); err != nil {
		t.Fatal(err)
	}
	want := "\x1b[1mA\x1b[0m          \x1b[1mB\x1b[0m             \x1b[1mC\x1b[0m\n" +
		"alpha-one  branch-alpha  \x1b[32mp=1*\x1b[0m[who:1]\n"
	if !strings.HasPrefix(colour.String(), want) {
		t.Errorf("colour on:\n%q\nwant it to start with\n%q", colour.String(), want)
	}
}

// TestFitUndoCostsNothing: a dropped column comes back only when no more important column
// is cut for it.
func TestFitUndoCostsNothing(t *testing.T) {
	tab := &Table{
		Columns: []Column{{Header: "A", Min: 4}, {Header: "B"}},
		Rows:    [][]Cell{{Text(strings.Repeat("a", 30), Plain), Text(strings.Repeat("b", 10), Plain)}},
	}
	l := tab.Fit(25, []Step{{Drop, 1}, {Shrink, 0}})
	if l.Widths[0] != 25 || l.Widths[1] != -1 {
		t.Errorf("widths %v, want A cut to 25 and B left out (not A cut to 13 to make room for B)", l.Widths)
	}
	// With room for both once A is at its Min, B still stays out: A matters more.
	l = tab.Fit(16, []Step{{Drop, 1}, {Shrink, 0}})
	if l.Widths[0] != 16 || l.Widths[1] != -1 {
		t.Errorf("widths %v, want [16 -1]", l.Widths)
	}
}
