package lease

import (
	"strings"
	"testing"
)

func TestCheckName(t *testing.T) {
	ok := []string{"a", "playwright", "oauth-callback", "run_2", "v1.2", "A9", strings.Repeat("x", 64)}
	bad := []string{"", "-a", ".a", "_a", "a b", "a/b", "a\x1b", "é", strings.Repeat("x", 65), "a:b"}
	for _, n := range ok {
		if err := CheckName(n); err != nil {
			t.Errorf("CheckName(%q) = %v", n, err)
		}
	}
	for _, n := range bad {
		if err := CheckName(n); err == nil {
			t.Errorf("CheckName(%q) = nil", n)
		}
	}
	if err := CheckName("a\x1b[31m"); err == nil || strings.Contains(err.Error(), "\x1b") {
		t.Errorf("CheckName with an escape: %v", err)
	}
}
