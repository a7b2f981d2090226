package diag

import (
	"errors"
	"fmt"
	"slices"
	"testing"
)

// TestWarningIsItsKind: a Warning matches its own Kind through errors.Is, wrapped or
// not, and no other; errors.As gives it back whole.
func TestWarningIsItsKind(t *testing.T) {
	kinds := []Kind{Other, Tracked, Stuck, Unapproved, LockWait}
	tests := []struct {
		name string
		err  error
		kind Kind
	}{
		{"other", Warning{Kind: Other, Text: "skipping x"}, Other},
		{"tracked", Warning{Kind: Tracked, Text: "WARNING: tracked"}, Tracked},
		{"stuck, wrapped", fmt.Errorf("listing: %w", Warning{Kind: Stuck, Text: "skipping repository r"}), Stuck},
		{"unapproved", Warning{Kind: Unapproved, Text: "note: asks for env"}, Unapproved},
		{"lock wait", Warning{Kind: LockWait, Text: "waiting for the repository lock"}, LockWait},
	}
	for _, tt := range tests {
		for _, k := range kinds {
			if got := errors.Is(tt.err, k); got != (k == tt.kind) {
				t.Errorf("%s: errors.Is(err, %v) = %v", tt.name, k, got)
			}
		}
		var w Warning
		if !errors.As(tt.err, &w) || w.Kind != tt.kind {
			t.Errorf("%s: errors.As gave %+v, want kind %v", tt.name, w, tt.kind)
		}
	}
	if errors.Is(errors.New("plain"), Other) {
		t.Error("a plain error matched Other: only a Warning has a kind")
	}
}

// TestWarningText: a Warning's error text is its line, as the user reads it after the
// prefix, and a Kind names itself when used as an error on its own.
func TestWarningText(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{Warning{Kind: Tracked, Text: "WARNING: x is tracked"}, "WARNING: x is tracked"},
		{Warning{Text: ""}, ""},
		{Tracked, "tracked reservation"},
		{LockWait, "waiting for a lock"},
		{Kind(99), "warning"},
		{Kind(-1), "warning"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

// TestNotice: only the notices (how things went) are left out of a count of problems.
func TestNotice(t *testing.T) {
	tests := []struct {
		kind Kind
		want bool
	}{
		{Other, false},
		{Tracked, false},
		{Stuck, false},
		{Unapproved, true},
		{LockWait, true},
	}
	for _, tt := range tests {
		if got := tt.kind.Notice(); got != tt.want {
			t.Errorf("%v.Notice() = %v, want %v", tt.kind, got, tt.want)
		}
	}
}

// TestSink: what each way of reporting hands to the command's functions, in order, for a
// sink with both, with warnings only (verbose off), and for a nil sink, which drops it all.
func TestSink(t *testing.T) {
	type heard struct {
		warnings []error
		verbose  []string
	}
	report := func(s *Sink) {
		s.Warn(Warning{Kind: Tracked, Text: "tracked"})
		s.Warn(nil)
		s.Warn(errors.New("plain"))
		s.Lines(LockWait)("waiting")
		s.Verbose("asked git")
		if v := s.VerboseLines(); v != nil {
			v("asked git again")
		}
	}
	all := []error{Warning{Kind: Tracked, Text: "tracked"}, errors.New("plain"), Warning{Kind: LockWait, Text: "waiting"}}
	tests := []struct {
		name        string
		warn        bool
		verbose     bool
		nilSink     bool
		want        heard
		wantVerbose bool
	}{
		{name: "both", warn: true, verbose: true, want: heard{all, []string{"asked git", "asked git again"}}, wantVerbose: true},
		{name: "verbose off", warn: true, want: heard{all, nil}},
		{name: "verbose only", verbose: true, want: heard{nil, []string{"asked git", "asked git again"}}, wantVerbose: true},
		{name: "nil sink", nilSink: true, want: heard{}},
	}
	for _, tt := range tests {
		var got heard
		var warn func(error)
		var verbose func(string)
		if tt.warn {
			warn = func(err error) { got.warnings = append(got.warnings, err) }
		}
		if tt.verbose {
			verbose = func(s string) { got.verbose = append(got.verbose, s) }
		}
		s := New(warn, verbose)
		if tt.nilSink {
			s = nil
		}
		report(s)
		same := func(a, b error) bool {
			return a.Error() == b.Error() && errors.Is(a, LockWait) == errors.Is(b, LockWait) && errors.Is(a, Tracked) == errors.Is(b, Tracked)
		}
		if !slices.EqualFunc(got.warnings, tt.want.warnings, same) {
			t.Errorf("%s: warnings %v, want %v", tt.name, got.warnings, tt.want.warnings)
		}
		if !slices.Equal(got.verbose, tt.want.verbose) {
			t.Errorf("%s: verbose %q, want %q", tt.name, got.verbose, tt.want.verbose)
		}
		if on := s.VerboseLines() != nil; on != tt.wantVerbose {
			t.Errorf("%s: VerboseLines() set = %v, want %v", tt.name, on, tt.wantVerbose)
		}
	}
}
