package shquote

import (
	"os/exec"
	"testing"
)

var words = []string{"", "plain", "/src/app-1.2_x", "it's", "''", "a b", "$HOME", "`id`", "a\nb", "back\\slash", "ünï", "-n", "*", "a'b\"c", "\x1b[31m", `a"b$c` + "`d`\\e"}

// TestQuoteReadBack has sh read each quoted word back: what the shell sees is exactly s.
func TestQuoteReadBack(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	for _, s := range words {
		for name, q := range map[string]func(string) string{"Quote": Quote, "Word": Word} {
			out, err := exec.Command("sh", "-c", "printf '%s' "+q(s)).Output()
			if err != nil || string(out) != s {
				t.Errorf("sh read %s(%q) = %s back as %q (%v)", name, s, q(s), out, err)
			}
		}
	}
}

func TestWordLeavesPlainWordsBare(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/src/app-1.2_x", "/src/app-1.2_x"},
		{"", "''"},
		{"a b", "'a b'"},
		{"it's", `'it'\''s'`},
		{"~/x", "'~/x'"},
		{"ünï", "'ünï'"},
	}
	for _, tt := range tests {
		if got := Word(tt.in); got != tt.want {
			t.Errorf("Word(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
	if got := Quote("plain"); got != "'plain'" {
		t.Errorf("Quote(plain) = %s", got)
	}
}
