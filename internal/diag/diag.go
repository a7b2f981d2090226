// Package diag is the one channel for what a command says besides its output and its
// error: warnings and notices, which are errors of a Kind (Warning), and verbose lines.
// The packages that find them report to a *Sink; the command makes the Sink and prints
// what reaches it in one place, so every line gets the same prefix and the same guard
// against the untrusted text it may hold. A nil *Sink drops everything, so no package
// checks before it reports.
//
// A package below the entry points that takes a plain line function (a lock's waiting
// line, a dotenv file's warnings) is fed from the Sink (Sink.Lines, Sink.VerboseLines);
// the kind is given where the line enters the channel.
package diag

// Kind says what a Warning is about, for the few that a caller treats on their own. A
// Kind is an error, so errors.Is(err, diag.Tracked) tells whether err is (or wraps) a
// Warning of that kind.
type Kind int

const (
	// Other is any warning not listed below.
	Other Kind = iota
	// Tracked: the reservation file is tracked by git, so every new worktree starts with
	// a copy of it.
	Tracked
	// Stuck: another repository did not answer in time, so its ports were not counted.
	Stuck
	// Unapproved is a notice: the config asks for more than the ports and this user has
	// not approved its content, so only the ports are used.
	Unapproved
	// LockWait is a notice: a lock is busy, and the command waits for it (it says so once,
	// after a second).
	LockWait
)

var kindNames = [...]string{
	Other:      "warning",
	Tracked:    "tracked reservation",
	Stuck:      "repository did not answer",
	Unapproved: "config not approved",
	LockWait:   "waiting for a lock",
}

// Error names the kind, for a Kind used as an error on its own.
func (k Kind) Error() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return kindNames[Other]
}

// Notice reports whether a Warning of kind k tells how things went rather than that
// something is wrong: a caller that counts problems leaves notices out.
func (k Kind) Notice() bool { return k == Unapproved || k == LockWait }

// Warning is one line to the user, of a Kind: a warning, or a notice (Kind.Notice). It
// is an error, whose text is the line without the command's prefix.
type Warning struct {
	Kind Kind
	Text string
}

// Error returns the line.
func (w Warning) Error() string { return w.Text }

// Is makes a Warning match its Kind: errors.Is(err, diag.Stuck).
func (w Warning) Is(target error) bool {
	k, ok := target.(Kind)
	return ok && k == w.Kind
}

// Sink receives one command's diagnostics. Its methods may be called on a nil *Sink,
// which drops them. A Sink does not lock: the packages report from one goroutine at a
// time.
type Sink struct {
	warn    func(error)
	verbose func(string)
}

// New returns a Sink that passes each warning and notice to warn and each verbose line to
// verbose. A nil warn drops the warnings; a nil verbose is verbose off.
func New(warn func(error), verbose func(string)) *Sink {
	return &Sink{warn: warn, verbose: verbose}
}

// Warn reports err, a Warning or any error (which counts as one of kind Other); a nil err
// is nothing to report.
func (s *Sink) Warn(err error) {
	if s != nil && s.warn != nil && err != nil {
		s.warn(err)
	}
}

// Lines returns a function that reports each line it gets as a Warning of kind, for the
// packages that take a plain line function. It is never nil.
func (s *Sink) Lines(kind Kind) func(string) {
	return func(line string) { s.Warn(Warning{Kind: kind, Text: line}) }
}

// Verbose reports a verbose line (--verbose), if verbose is on.
func (s *Sink) Verbose(line string) {
	if s != nil && s.verbose != nil {
		s.verbose(line)
	}
}

// VerboseLines returns where verbose lines go, or nil when verbose is off, for the
// packages that take a line function and skip the work of a line nobody reads.
func (s *Sink) VerboseLines() func(string) {
	if s == nil || s.verbose == nil {
		return nil
	}
	return s.verbose
}
