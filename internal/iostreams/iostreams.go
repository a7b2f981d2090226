// Package iostreams decides, in one place, what the program's output streams are: whether
// stdout is a terminal, whether to colour it, and how wide it is. Commands ask it rather
// than probing file descriptors or the environment themselves, so every command answers
// NO_COLOR and a pipe the same way, and tests can say "a terminal 80 columns wide" with
// Test.
//
// Colour is on when stdout is a terminal, and off
//   - whenever NO_COLOR is set to anything but the empty string (no-color.org);
//   - when CLICOLOR=0 or TERM=dumb, unless CLICOLOR_FORCE forces it;
//   - when stdout is not a terminal, unless CLICOLOR_FORCE is set and not "0"
//     (for `| less -R`).
//
// NO_COLOR wins over CLICOLOR_FORCE, as in termenv and Rust's anstream: a user who asked
// for no colour anywhere gets none. (gh lets CLICOLOR_FORCE win.)
//
// Colour codes are the program's own. Text the program did not write goes through
// internal/untrusted before it reaches a stream, and colour is added after that.
package iostreams

import (
	"bytes"
	"io"
	"os"
	"strconv"
	"strings"

	"golang.org/x/term"
)

// DefaultWidth is the width assumed for a terminal that will not say how wide it is.
const DefaultWidth = 80

// IOStreams are the program's standard streams and what is known about them.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	stdoutTTY    bool
	colorEnabled bool
	// width, when positive, is the terminal width; otherwise TerminalWidth asks.
	width  int
	getenv func(string) string
}

// System returns the process's own streams, with colour decided from the environment
// (see the package documentation).
func System() *IOStreams {
	tty := isTerminal(os.Stdout)
	color := ColorWanted(os.Getenv, tty)
	if color && tty {
		// A Windows console shows escape codes as text until asked to interpret them.
		color = enableVirtualTerminal(os.Stdout)
	}
	return &IOStreams{
		In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr,
		stdoutTTY: tty, colorEnabled: color, getenv: os.Getenv,
	}
}

// Test returns streams over buffers, for tests: stdin, stdout and stderr are the three
// buffers returned. stdout is not a terminal and has no colour until SetStdoutTTY and
// SetColorEnabled say otherwise; as a terminal it is DefaultWidth columns wide until
// SetTerminalWidth.
func Test() (ios *IOStreams, in, out, errOut *bytes.Buffer) {
	in, out, errOut = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	ios = &IOStreams{
		In: in, Out: out, ErrOut: errOut,
		width:  DefaultWidth,
		getenv: func(string) string { return "" },
	}
	return ios, in, out, errOut
}

// IsStdoutTTY reports whether stdout is a terminal: a person is reading, not a program.
func (s *IOStreams) IsStdoutTTY() bool { return s.stdoutTTY }

// SetStdoutTTY says whether stdout is a terminal, for tests.
func (s *IOStreams) SetStdoutTTY(tty bool) { s.stdoutTTY = tty }

// ColorEnabled reports whether stdout may carry colour codes.
func (s *IOStreams) ColorEnabled() bool { return s.colorEnabled }

// SetColorEnabled turns colour on or off, for tests.
func (s *IOStreams) SetColorEnabled(on bool) { s.colorEnabled = on }

// SetTerminalWidth fixes the terminal width, for tests.
func (s *IOStreams) SetTerminalWidth(w int) { s.width = w }

// TerminalWidth is how many columns stdout's terminal has: $COLUMNS when it is a positive
// number (the shell keeps it current, and a user may set it), else what the terminal
// itself says, else DefaultWidth. It means something only when IsStdoutTTY.
func (s *IOStreams) TerminalWidth() int {
	if s.width > 0 {
		return s.width
	}
	if n, err := strconv.Atoi(strings.TrimSpace(s.getenv("COLUMNS"))); err == nil && n > 0 {
		return n
	}
	if f, ok := s.Out.(*os.File); ok {
		if w, _, err := term.GetSize(int(f.Fd())); err == nil && w > 0 {
			return w
		}
	}
	return DefaultWidth
}

// ColorScheme returns the colours a command may use on stdout; they print nothing when
// colour is off.
func (s *IOStreams) ColorScheme() *ColorScheme { return &ColorScheme{enabled: s.colorEnabled} }

// ColorWanted decides colour from the environment (getenv) and whether stdout is a
// terminal (tty); see the package documentation for the rules.
func ColorWanted(getenv func(string) string, tty bool) bool {
	if getenv("NO_COLOR") != "" {
		return false
	}
	if force := getenv("CLICOLOR_FORCE"); force != "" && force != "0" {
		return true
	}
	return tty && getenv("CLICOLOR") != "0" && getenv("TERM") != "dumb"
}

func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }
