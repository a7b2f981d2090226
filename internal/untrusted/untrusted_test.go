package untrusted

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "feature-x", "feature-x"},
		{"empty", "", ""},
		{"non-ASCII letters stay", "with space ünï 日本", "with space ünï 日本"},
		{"backslash stays", `C:\dir\x1b`, `C:\dir\x1b`},
		{"a real U+FFFD stays", "a\uFFFDb", "a\uFFFDb"},
		{"colour escape", "e\x1b[31mred\x1b[0m", `e\x1b[31mred\x1b[0m`},
		{"title escape with BEL", "\x1b]0;pwned\a", `\x1b]0;pwned\x07`},
		{"newline", "nl\nx", `nl\nx`},
		{"carriage return hides text", "ok\rEVIL", `ok\rEVIL`},
		{"tab", "a\tb", `a\tb`},
		{"NUL and DEL", "a\x00b\x7f", `a\x00b\x7f`},
		{"invalid UTF-8", "bad\xff", `bad\xff`},
		{"truncated UTF-8", "é"[:1] + "x", `\xc3x`},
		{"C1 CSI", "a\u009b31mb", `a\u009b31mb`},
		{"bidi override", "abc\u202egpj.exe", `abc\u202egpj.exe`},
		{"bidi isolate", "\u2066x\u2069", `\u2066x\u2069`},
		{"line separator", "a\u2028b\u2029c", `a\u2028b\u2029c`},
		{"zero width space and joiners", "a\u200bb\u200cc\u200dd", `a\u200bb\u200cc\u200dd`},
		{"word joiner, BOM, annotation", "\u2060x\u2064\ufeff\ufff9\ufffb\u180e", `\u2060x\u2064\ufeff\ufff9\ufffb\u180e`},
		{"escape after non-ASCII", "ü\x1b", `ü\x1b`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := New(tt.in).String(); got != tt.want {
				t.Errorf("New(%q).String() = %q, want %q", tt.in, got, tt.want)
			}
			// Every fmt path that prints a value goes through String.
			if got := fmt.Sprintf("%s|%v", New(tt.in), New(tt.in)); got != tt.want+"|"+tt.want {
				t.Errorf("Sprintf(%%s|%%v) = %q, want %q", got, tt.want+"|"+tt.want)
			}
		})
	}
}

func TestLines(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "one line", "one line"},
		{"keeps newlines", "first\nsecond\n", "first\nsecond\n"},
		{"escapes the rest", "x\x1b[2J\ny\r\tz\xff", "x\\x1b[2J\ny\\r\\tz\\xff"},
		{"already escaped text is unchanged", `n\x1b\n`, `n\x1b\n`},
		{"a quoted name inside a message", "1: " + New("a\nb").String() + "\nhint", "1: a\\nb\nhint"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Lines(tt.in); got != tt.want {
				t.Errorf("Lines(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestNoControlSurvives checks every single byte and a range of runes: whatever goes in,
// what comes out is valid UTF-8 without a control character, and escaping it again
// changes nothing.
func TestNoControlSurvives(t *testing.T) {
	var in strings.Builder
	for b := 0; b < 256; b++ {
		in.WriteByte(byte(b))
	}
	for r := rune(0x80); r < 0x3000; r++ {
		in.WriteRune(r)
	}
	for r := rune(0xfe00); r <= 0xffff; r++ {
		in.WriteRune(r)
	}
	out := New(in.String()).String()
	if !utf8.ValidString(out) {
		t.Fatal("output is not valid UTF-8")
	}
	for i, r := range out {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u202e' || r == '\u2028' || r == '\u200b' || r == '\ufeff' {
			t.Fatalf("control %U survived at byte %d", r, i)
		}
	}
	if again := New(out).String(); again != out {
		t.Error("escaping twice changed the text")
	}
}

func BenchmarkPlain(b *testing.B) {
	s := "/home/user/src/project-feature-with-a-long-name/.worktree-ports.json"
	for b.Loop() {
		_ = New(s).String()
	}
}

// TestControl checks the one rule for values: every C0 control, DEL, every C1 control,
// every bidi control the issue lists, the line and paragraph separators (which
// str.splitlines and some dotenv readers end a line at) and the invisible format
// characters are one; printable text, non-ASCII letters, U+FFFD, a visible space and
// bytes that are not UTF-8 are not.
func TestControl(t *testing.T) {
	t.Parallel()
	var controls []rune
	for r := rune(0); r < 0x20; r++ {
		controls = append(controls, r)
	}
	controls = append(controls, 0x7f)
	for r := rune(0x80); r <= 0x9f; r++ {
		controls = append(controls, r)
	}
	controls = append(controls, 0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069)
	controls = append(controls, 0x2028, 0x2029, 0x200b, 0x200c, 0x200d, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0xfeff, 0x180e, 0xfff9, 0xfffa, 0xfffb)
	for _, r := range controls {
		s := "http://localhost:3000/" + string(r) + "x"
		got, ok := Control(s)
		if !ok || got != r {
			t.Errorf("Control(%q) = %U, %v; want %U, true", s, got, ok, r)
		}
	}
	for _, s := range []string{"", "plain", "café-ß", "日本", "\uFFFD", "a\xffb", "\u00a0", "\u2065", "\ufffc", "\u200a", "back\\slash", "$(x) `y` 'z'"} {
		if r, ok := Control(s); ok {
			t.Errorf("Control(%q) = %U, true; want none", s, r)
		}
	}
	if got := ControlText(0x202e); got != "U+202E" {
		t.Errorf("ControlText(RLO) = %q", got)
	}
	if got := ControlText(0x1b); got != "U+001B (ESC)" {
		t.Errorf("ControlText(ESC) = %q", got)
	}
}
