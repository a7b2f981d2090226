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
	"github.com/git-worktree-ports/git-worktree-ports/internal/shquote"
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

// Refused is the error Render returns when it left variables out: an *Error
// for each, in the order given. The other variables were written.
type Refused []*Error

// Error returns one line per refused variable.
func (r Refused) Error() string {
	msgs := make([]string, len(r))
	for i, e := range r {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// Unwrap lets errors.As find each *Error.
func (r Refused) Unwrap() []error {
	errs := make([]error, len(r))
	for i, e := range r {
		errs[i] = e
	}
	return errs
}

// Render writes vars in format, one of Formats. A variable it cannot write
// exactly is left out and the others are still written: an invalid or repeated
// name, a value that is not UTF-8 or holds a NUL byte, or a value the format
// cannot carry. The error is then a Refused naming each one. An unknown format
// wraps ErrUnknownFormat and writes nothing.
//
// The formats, shown for NAME=it's (JSON escapes as encoding/json does):
//
//	sh:     export NAME='it'\''s'
//	fish:   set -gx NAME 'it\'s';
//	dotenv: refused (NAME=its for the value its, NAME='it is' for it is)
//	json:   {"NAME":"it's"}
//
// sh reads the same in bash, zsh, dash and any POSIX shell. fish escapes \ as
// \\ too. json is one object in the given order, then a newline.
//
// dotenv has many readers and no standard, so it writes only what they all
// read alike. A value of letters, digits and _ - . , : / @ % + = only (or an
// empty one) is written bare: `docker run --env-file` keeps quotes, and bare
// is the only form it reads as the value. Those characters mean nothing to any
// reader: no $ (compose, direnv and python-dotenv expand it), no # (a comment
// to direnv, and after a space to compose and python-dotenv), no space (trimmed
// at the ends), no backslash (an escape to systemd and sh), no quote, no ~ (sh
// expands it). Any other value goes in single quotes, which docker compose,
// direnv, python-dotenv, systemd's EnvironmentFile and sh read literally,
// except for what dotenvRefusal refuses.
func Render(w io.Writer, format string, vars []Var) error {
	write, ok := writers[format]
	if !ok {
		return fmt.Errorf("%w %q: want one of %s", ErrUnknownFormat, format, strings.Join(Formats, ", "))
	}
	// Everything is checked before the first byte goes out, and only whole
	// variables are left out, so eval never sees half a value.
	var refused Refused
	kept := make([]Var, 0, len(vars))
	seen := make(map[string]bool, len(vars))
	for _, v := range vars {
		reason := refuse(format, v, seen)
		// A refused name still counts as seen, so a later duplicate cannot
		// stand in for it.
		seen[v.Name] = true
		if reason != "" {
			refused = append(refused, &Error{Format: format, Name: v.Name, Reason: reason})
			continue
		}
		kept = append(kept, v)
	}
	var buf bytes.Buffer
	write(&buf, kept)
	if _, err := w.Write(buf.Bytes()); err != nil {
		return err
	}
	if len(refused) > 0 {
		return refused
	}
	return nil
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
	if format == "dotenv" && !bare(v.Value) {
		if why := dotenvRefusal(v.Value); why != "" {
			return why + "; use --format sh or json"
		}
	}
	return ""
}

// bare reports whether every dotenv reader takes value literally unquoted.
func bare(value string) bool {
	for i := 0; i < len(value); i++ {
		switch c := value[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("_-.,:/@%+=", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// dotenvRefusal says why a value cannot go in dotenv's single quotes so that
// every reader reads it back exactly, or returns "".
func dotenvRefusal(value string) string {
	switch {
	case strings.IndexByte(value, '\'') >= 0:
		return "value contains a single quote, which no dotenv reader takes inside single quotes"
	case strings.ContainsAny(value, "\r\n"):
		return "value contains a line break, which docker and direnv read as the end of the line"
	case strings.HasSuffix(value, `\`):
		return "value ends with a backslash, which docker compose reads as escaping the closing quote"
	case strings.Contains(value, `\\`):
		return `value contains \\, which python-dotenv reads as one backslash even in single quotes`
	case strings.Contains(value, "${"):
		return "value contains ${, which python-dotenv expands even in single quotes"
	}
	for _, r := range value {
		// systemd's UTF-8 check refuses them, and drops the variable.
		if r >= 0xFDD0 && r <= 0xFDEF || r&0xFFFE == 0xFFFE {
			return fmt.Sprintf("value contains the Unicode noncharacter %U, which systemd refuses", r)
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
		b.WriteString("export " + v.Name + "=" + shquote.Quote(v.Value) + "\n")
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
		if bare(v.Value) {
			b.WriteString(v.Name + "=" + v.Value + "\n")
		} else {
			b.WriteString(v.Name + "='" + v.Value + "'\n")
		}
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
