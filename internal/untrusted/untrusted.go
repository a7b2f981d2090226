// Package untrusted makes text the program did not write safe to print on a terminal.
//
// Worktree names and paths are directory names anyone can choose; config keys come from
// a committed file; names in a sibling's reservation from whoever wrote it. Printed raw,
// an escape sequence in one of them reaches the terminal (it can recolour, retitle or
// rewrite the screen, and on some terminals answer back), and a newline splits a message
// or a table row in two. Text wraps such a string for the fmt verbs: its String method
// escapes control characters, so `fmt.Sprintf("%s: ...", untrusted.New(name))` is safe
// however the name was made. Lines is the last guard for a whole message that may span
// lines on purpose. Machine output (JSON, the env formats) keeps the raw value: those
// formats quote it themselves.
//
// What is escaped, and how, so the result is readable and never carries a control:
//
//	\n \r \t                          as \n \r \t
//	other C0 controls, DEL            as \xHH: ESC as \x1b
//	bytes that are not UTF-8          as \xHH: \xff
//	C1 controls (U+0080-U+009F),      as \uHHHH: U+009B (a one-character CSI) as \u009b,
//	bidi controls, U+2028, U+2029,    U+202E (right-to-left override) as \u202e,
//	invisible format characters       U+200B (zero width space) as \u200b
//
// Everything else, backslashes and non-ASCII letters included, is printed as it is.
package untrusted

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Text is a string from outside the program, for printing through fmt.
type Text struct{ raw string }

// New labels s as untrusted text.
func New(s string) Text { return Text{raw: s} }

// String returns the text with every control character escaped (see the package
// documentation). fmt calls it for %s and %v.
func (t Text) String() string { return escape(t.raw, false) }

// Lines escapes s like Text.String, except that it keeps line breaks ("\n"). It is for
// whole messages the program composed, which may span lines on purpose, at the point
// where they reach the terminal: a name quoted with Text keeps its newline escaped, and
// anything a caller forgot to quote still cannot carry an escape sequence.
func Lines(s string) string { return escape(s, true) }

// escape is Text.String, and Lines when keepNewline.
func escape(s string, keepNewline bool) string {
	i := 0
	for i < len(s) {
		if c := s[i]; c >= 0x20 && c < 0x7f {
			i++ // printable ASCII, the bulk of any name or path
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if unsafeRune(r, size) && !(keepNewline && r == '\n') {
			break
		}
		i += size
	}
	if i == len(s) {
		return s // the common case: nothing to escape, nothing allocated
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case !unsafeRune(r, size) || keepNewline && r == '\n':
			b.WriteString(s[i : i+size])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == utf8.RuneError || r < 0x80:
			// A byte that is not UTF-8 (size 1), or an ASCII control.
			fmt.Fprintf(&b, `\x%02x`, s[i])
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
		i += size
	}
	return b.String()
}

// unsafeRune reports whether the rune at hand (size bytes of it) must be escaped.
func unsafeRune(r rune, size int) bool {
	switch {
	case r == utf8.RuneError && size == 1:
		return true // not UTF-8; a real U+FFFD (3 bytes) is printed as it is
	case r < 0x20 || r == 0x7f:
		return true
	case r < 0x80:
		return false
	}
	// C1 controls (unicode.Cc above ASCII), the bidi controls that reorder what the
	// terminal shows ("Trojan source"), the Unicode line and paragraph separators and the
	// invisible format characters.
	return unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Bidi_Control, r) || invisible(r)
}

// invisible reports whether r is one of the characters that a reader splits a line on
// or that shows as nothing at all: U+2028 and U+2029 (line and paragraph separators:
// Python's str.splitlines, JavaScript and some dotenv readers end a line there, so
// "x\u2028NODE_OPTIONS=..." in a value is a line of its own to them), and the invisible
// format characters U+180E (Mongolian vowel separator), U+200B-U+200D (zero width space,
// non-joiner, joiner), U+2060-U+2064 (word joiner, invisible operators), U+FEFF (zero
// width no-break space, the BOM) and U+FFF9-U+FFFB (interlinear annotation), which make
// two different strings print the same.
func invisible(r rune) bool {
	switch {
	case r == '\u2028', r == '\u2029', r == '\u180e', r == '\ufeff':
		return true
	case r >= '\u200b' && r <= '\u200d', r >= '\u2060' && r <= '\u2064', r >= '\ufff9' && r <= '\ufffb':
		return true
	}
	return false
}

// Control returns the first control character in s and true, or false when there is
// none. It is the one rule for values the tool accepts from a file (a config, a
// reservation) or renders into a variable: C0 controls (U+0000-U+001F, tab and newline
// among them), DEL, C1 controls (U+0080-U+009F), the Unicode bidi controls (U+061C,
// U+200E, U+200F, U+202A-U+202E, U+2066-U+2069), the line and paragraph separators
// (U+2028, U+2029) and the invisible format characters (see invisible). Any of them,
// printed, can move the cursor, erase a line, reorder what a terminal shows or show
// nothing at all, and a dotenv reader may end a line at a separator, so output that
// someone reads before running it (`git worktree-ports env`), or a dotenv file another
// program reads, could hide a line; such values are
// refused where they are read, not escaped where they are printed, since env's output
// must stay exactly what the shell runs. Bytes that are not UTF-8 are not controls.
func Control(s string) (rune, bool) {
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if isControl(r, size) {
			return r, true
		}
		i += size
	}
	return 0, false
}

// isControl is Control's test for one rune (size bytes of it).
func isControl(r rune, size int) bool {
	switch {
	case r == utf8.RuneError && size == 1:
		return false
	case r < 0x20 || r == 0x7f:
		return true
	case r < 0x80:
		return false
	}
	return unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Bidi_Control, r) || invisible(r)
}

// ControlText names a control character for a message: "U+001B (ESC)", or "U+202E"
// for one without a short name.
func ControlText(r rune) string {
	names := map[rune]string{0: "NUL", '\t': "TAB", '\n': "LF", '\r': "CR", 0x1b: "ESC", 0x7f: "DEL"}
	if n, ok := names[r]; ok {
		return fmt.Sprintf("U+%04X (%s)", r, n)
	}
	return fmt.Sprintf("U+%04X", r)
}
