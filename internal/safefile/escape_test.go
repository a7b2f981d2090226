package safefile

import "testing"

// TestEscapeErrorEscapes checks that a refused write names its paths with control
// characters escaped: the link and its target come from a committed file.
func TestEscapeErrorEscapes(t *testing.T) {
	tests := []struct {
		err  EscapeError
		want string
	}{
		{EscapeError{Path: "/r/.husky/post-checkout", Link: "/r/.husky/post-checkout", Target: "/home/u/.gitconfig", Roots: []string{"/r"}},
			"/r/.husky/post-checkout is a symlink to /home/u/.gitconfig, outside /r; refusing to write through it"},
		{EscapeError{Path: "/r/h\x1b]0;x\a/f", Link: "/r/h\x1b]0;x\a", Target: "/t\nFAKE", Roots: []string{"/r"}},
			`/r/h\x1b]0;x\x07/f: /r/h\x1b]0;x\x07 is a symlink to /t\nFAKE, outside /r; refusing to write through it`},
		{EscapeError{Path: "/x\tb", Roots: []string{"/r", "/s\x1b"}},
			`/x\tb lies outside /r or /s\x1b; refusing to write it`},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}
