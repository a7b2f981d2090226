package slug

import (
	"regexp"
	"strings"
	"testing"
)

func TestMake(t *testing.T) {
	long := strings.Repeat("feature-", 10) // 80 bytes
	tests := []struct{ in, want string }{
		{"shop", "shop"},
		{"Shop.Feature_X", "shop-feature-x"},
		{"feat/login", "feat-login"},
		{"--Weird  Name--", "weird-name"},
		{"API", "api"},
		{"v2.0", "v2-0"},
		{"café", "caf"},
		{"über-app", "ber-app"},
		{"日本", "x-" + hash("日本")},
		{"", "x-" + hash("")},
		{"---", "x-" + hash("---")},
		{"a\x1b[31mb", "a-31mb"},
		{long, strings.TrimRight(long[:MaxLen-9], "-") + "-" + hash(long)},
	}
	for _, tt := range tests {
		if got := Make(tt.in); got != tt.want {
			t.Errorf("Make(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestPinned keeps slugs from drifting between releases: they name databases and
// compose projects that outlive a binary.
func TestPinned(t *testing.T) {
	for in, want := range map[string]string{
		"":   "x-811c9dc5",
		"日本": "x-9f26ee51",
	} {
		if got := Make(in); got != want {
			t.Errorf("Make(%q) = %q, want %q (pinned)", in, got, want)
		}
	}
}

func TestUnderscore(t *testing.T) {
	long := strings.Repeat("feature-", 10) // 80 bytes
	digits := "2024-" + strings.Repeat("a", 60)
	tests := []struct{ in, want string }{
		{"shop", "shop"},
		{"Shop.Feature_X", "shop_feature_x"},
		{"feat/login", "feat_login"},
		{"2fa", "x_2fa"},
		{"v2.0", "v2_0"},
		{"", "x_" + hash("")},
		{"日本", "x_" + hash("日本")},
		{long, strings.TrimRight(strings.ReplaceAll(long, "-", "_")[:MaxLen-9], "_") + "_" + hash(long)},
		{digits, "x_2024_" + strings.Repeat("a", MaxLen-9-7) + "_" + hash(digits)},
	}
	for _, tt := range tests {
		if got := Underscore(tt.in); got != tt.want {
			t.Errorf("Underscore(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestUnderscorePinned keeps the underscore form from drifting between releases: it
// names databases that outlive a binary.
func TestUnderscorePinned(t *testing.T) {
	for in, want := range map[string]string{
		"":                        "x_811c9dc5",
		"日本":                      "x_9f26ee51",
		"Feat/Login-2":            "feat_login_2",
		"1-click":                 "x_1_click",
		strings.Repeat("ab-", 30): "ab_ab_ab_ab_ab_ab_ab_ab_ab_ab_ab_ab_ab_ab_ab_ab_ab_ab_62c5d805",
	} {
		if got := Underscore(in); got != want {
			t.Errorf("Underscore(%q) = %q, want %q (pinned)", in, got, want)
		}
	}
}

var underscoreValid = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

func FuzzUnderscore(f *testing.F) {
	for _, s := range []string{"", "Shop.Feature_X", "日本", "9lives", strings.Repeat("1", 100), "-a-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		s := Underscore(name)
		if len(s) > MaxLen || !underscoreValid.MatchString(s) {
			t.Fatalf("Underscore(%q) = %q: not an underscore slug", name, s)
		}
	})
}

var valid = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`)

func FuzzMake(f *testing.F) {
	for _, s := range []string{"", "Shop.Feature_X", "日本", "a--b", strings.Repeat("x", 100), "-a-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		s := Make(name)
		if len(s) > MaxLen || !valid.MatchString(s) || strings.Contains(s, "--") {
			t.Fatalf("Make(%q) = %q: not a slug", name, s)
		}
		if Make(name) != s {
			t.Fatalf("Make(%q) is not stable", name)
		}
	})
}
