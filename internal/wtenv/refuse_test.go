package wtenv

import (
	"strings"
	"testing"

	"github.com/git-worktree-ports/git-worktree-ports/internal/envname"
)

func TestRefuse(t *testing.T) {
	allowed := func() envname.Allow { return envname.Allow{"MAILPATH": true} }
	none := func() envname.Allow { return nil }
	tests := []struct {
		name, value string
		allow       func() envname.Allow
		want        string // a part of the reason; "" to keep the variable
	}{
		{"API_PORT", "21000", none, ""},
		{"WORKTREE_PORTS_ROOT", "/x", none, "set by git-worktree-ports itself"},
		{"WORKTREE_PORTS_SLOT", "1", none, "set by git-worktree-ports itself"},
		{"API_URL", "a\x00b", none, "NUL byte"},
		{"MAILPATH", "/tmp/x", none, "MAILPATH is"},
		{"MAILPATH", "/tmp/x", allowed, ""},
		{"LD_PRELOAD", "/x.so", allowed, "LD_PRELOAD is"}, // allowing one name allows no other
		{"1BAD", "x", allowed, "is not [A-Za-z_][A-Za-z0-9_]*"},
		{"API_URL", "ok\x1b[1A\x1b[2K", none, "control character U+001B (ESC)"},
		{"API_URL", "a\u202eb", none, "control character U+202E"},
		{"API_URL", "a\u0085b", none, "control character U+0085"},
		{"API_URL", "a\tb", none, "control character U+0009 (TAB)"},
		{"API_URL", "café $(x) 日本", none, ""},
		{"API_URL", "café \u2028 $(x)", none, "control character U+2028"}, // a line break to str.splitlines
		{"API_URL", "local\u200bhost", none, "control character U+200B"},
		{"API\x1bX", "1", none, "is not [A-Za-z_][A-Za-z0-9_]*"},
	}
	for _, tt := range tests {
		got := Refuse(tt.name, tt.value, tt.allow)
		if tt.want == "" && got != "" || tt.want != "" && !strings.Contains(got, tt.want) {
			t.Errorf("Refuse(%q, %q) = %q, want %q", tt.name, tt.value, got, tt.want)
		}
	}
	// The allowances cost a git process: they are not asked for a name that is fine, nor
	// for one that no allowance can make valid.
	asked := false
	ask := func() envname.Allow { asked = true; return nil }
	for _, name := range []string{"API_PORT", "1BAD", "WORKTREE_PORTS_ROOT"} {
		Refuse(name, "x", ask)
	}
	if asked {
		t.Error("Refuse asked for the allowances when no name needed them")
	}
}
