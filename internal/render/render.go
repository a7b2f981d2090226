// Package render writes a worktree's environment as sh, fish, dotenv or JSON.
//
// Names and values come from a reservation file that may be hostile (copied
// from another worktree, committed, hand-edited), so this package is the last
// line of defence before the output reaches `eval`: every name is checked to be
// a valid name and every value quoted on every call, and anything a format
// cannot carry exactly is refused rather than approximated. Which valid names
// may reach a user's environment at all (not MAILPATH, LD_PRELOAD, ...) is
// package envname's policy; the caller applies it, with the user's own
// allowances, before rendering.
package render

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/git-worktree-ports/git-worktree-ports/internal/envname"
)

// Var is one environment variable to render.
type Var struct{ Name, Value string }

// Formats lists the formats Render accepts, in the order help text shows them.
var Formats = []string{"sh", "fish", "dotenv", "json"}

// ErrUnknownFormat is wrapped by the error Render returns for a format that is
// not in Formats.
var ErrUnknownFormat = errors.New("unknown format")

// Error reports a variable that Render refused to write.
type Error struct {
	Format string // the format being rendered
	Name   string // the variable's name, exactly as given (it may be hostile)
	Reason string // why it was refused
}

// Error returns a one-line message. The name is quoted and shortened, because
// it may hold terminal escapes or be arbitrarily long.
func (e *Error) Error() string {
	name := e.Name
	if len(name) > 64 {
		name = strings.ToValidUTF8(name[:64], "") + "..."
	}
	return fmt.Sprintf("refusing variable %s for --format %s: %s", strconv.Quote(name), e.Format, e.Reason)
}

// Render writes vars in format, one of Formats. An invalid or repeated name, a value that is not UTF-8 or holds a NUL byte, or a value the
// format cannot carry exactly is an *Error naming the variable; nothing is
// written then. An unknown format wraps ErrUnknownFormat.
//
// The formats, shown for NAME=it's (JSON escapes as encoding/json does):
//
//	sh:     export NAME='it'\''s'
//	fish:   set -gx NAME 'it\'s';
//	dotenv: refused (NAME='its' for the value its)
//	json:   {"NAME":"it's"}
//
// sh reads the same in bash, zsh, dash and any POSIX shell. fish escapes \ as
// \\ too. dotenv is read literally by docker compose and direnv, but neither
// can carry a single quote or a line break inside single quotes, and compose
// reads a backslash before the closing quote as an escape, so such values are
// refused. json is one object in the given order, then a newline.
func Render(w io.Writer, format string, vars []Var) error {
	write, ok := writers[format]
	if !ok {
		return fmt.Errorf("%w %q: want one of %s", ErrUnknownFormat, format, strings.Join(Formats, ", "))
	}
	// Everything is checked before the first byte goes out, so a refusal
	// never leaves half an environment behind for eval to run.
	seen := make(map[string]bool, len(vars))
	for _, v := range vars {
		if reason := refuse(format, v, seen); reason != "" {
			return &Error{Format: format, Name: v.Name, Reason: reason}
		}
		seen[v.Name] = true
	}
	var buf bytes.Buffer
	write(&buf, vars)
	_, err := w.Write(buf.Bytes())
	return err
}

// refuse returns why v cannot be rendered in format, or "" when it can.
func refuse(format string, v Var, seen map[string]bool) string {
	switch {
	case !envname.Valid(v.Name):
		return "name is not [A-Za-z_][A-Za-z0-9_]*"
	case seen[v.Name]:
		return "name appears twice"
	case strings.IndexByte(v.Value, 0) >= 0:
		return "value contains a NUL byte"
	case !utf8.ValidString(v.Value):
		// JSON cannot carry such bytes exactly, and shells in multibyte locales
		// may misparse them next to a quote.
		return "value is not valid UTF-8"
	}
	if format == "dotenv" {
		switch {
		case strings.IndexByte(v.Value, '\'') >= 0:
			return "value contains a single quote, which dotenv cannot carry in both docker compose and direnv; use --format sh or json"
		case strings.ContainsAny(v.Value, "\r\n"):
			return "value contains a line break, which dotenv cannot carry in both docker compose and direnv; use --format sh or json"
		case strings.HasSuffix(v.Value, `\`):
			return "value ends with a backslash, which docker compose reads as escaping the closing quote; use --format sh or json"
		}
	}
	return ""
}

var writers = map[string]func(*bytes.Buffer, []Var){
	"sh":     writeSh,
	"fish":   writeFish,
	"dotenv": writeDotenv,
	"json":   writeJSON,
}

func writeSh(b *bytes.Buffer, vars []Var) {
	for _, v := range vars {
		b.WriteString("export " + v.Name + "='")
		b.WriteString(strings.ReplaceAll(v.Value, `'`, `'\''`))
		b.WriteString("'\n")
	}
}

var fishQuoter = strings.NewReplacer(`\`, `\\`, `'`, `\'`)

func writeFish(b *bytes.Buffer, vars []Var) {
	for _, v := range vars {
		b.WriteString("set -gx " + v.Name + " '")
		fishQuoter.WriteString(b, v.Value)
		b.WriteString("';\n")
	}
}

func writeDotenv(b *bytes.Buffer, vars []Var) {
	for _, v := range vars {
		b.WriteString(v.Name + "='" + v.Value + "'\n")
	}
}

func writeJSON(b *bytes.Buffer, vars []Var) {
	b.WriteByte('{')
	for i, v := range vars {
		if i > 0 {
			b.WriteByte(',')
		}
		writeJSONString(b, v.Name)
		b.WriteByte(':')
		writeJSONString(b, v.Value)
	}
	b.WriteString("}\n")
}

// writeJSONString leaves &, < and > unescaped so URLs stay readable; the
// output is not embedded in HTML.
func writeJSONString(b *bytes.Buffer, s string) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	// Encoding a string cannot fail, and Render has checked it is UTF-8.
	_ = enc.Encode(s)
	b.Truncate(b.Len() - 1) // Encode's newline
}
