package names

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestLabel(t *testing.T) {
	tests := []struct{ in, want string }{
		{"shop", "shop"},
		{"feature-x", "feature-x"},
		// Pinned: a hash that changed would move every bookmarked URL.
		{"Fix", "fix--" + hash("Fix")},
		{"feat/login", "feat-login--" + hash("feat/login")},
		{"a--b", "a-b--" + hash("a--b")},
		{"web_ui", "web-ui--" + hash("web_ui")},
	}
	for _, tt := range tests {
		if got := Label(tt.in); got != tt.want {
			t.Errorf("Label(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := hash("Fix"); got != "156f1a18" {
		t.Errorf("hash(Fix) = %s; the hash is pinned", got)
	}
}

func TestLabelsAreDNSLabels(t *testing.T) {
	label := regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
	for _, in := range []string{"", "---", "日本", strings.Repeat("Long-Name", 20), strings.Repeat("x", 63), "A"} {
		if got := Label(in); !label.MatchString(got) {
			t.Errorf("Label(%q) = %q, not a DNS label", in, got)
		}
	}
}

func TestWorktree(t *testing.T) {
	tests := []struct{ main, id, want string }{
		{"shop", "", "shop"},
		{"shop", "feature-x", "feature-x"},
		{"shop", "fix1", "fix1"},
		// A linked worktree named like the main one: the main keeps the plain name.
		{"shop", "shop", "shop--" + hash("worktrees/shop")},
		{"Shop", "", "shop--" + hash("Shop")},
		{"Shop", "shop", "shop"},
	}
	for _, tt := range tests {
		if got := Worktree(tt.main, tt.id); got != tt.want {
			t.Errorf("Worktree(%q, %q) = %q, want %q", tt.main, tt.id, got, tt.want)
		}
	}
}

func TestReposEarliestKeepsThePlainName(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	repos := []Repo{
		{Name: "shop", CommonDir: "/b/shop/.git", Since: t0.Add(time.Hour)},
		{Name: "shop", CommonDir: "/a/shop/.git", Since: t0},
		{Name: "api", CommonDir: "/a/api/.git", Since: t0},
		{Name: "shop", CommonDir: "/c/shop/.git", Since: t0.Add(time.Hour)},
	}
	got := Repos(repos)
	want := []string{"shop--" + hash("/b/shop/.git"), "shop", "api", "shop--" + hash("/c/shop/.git")}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("Repos()[%d] = %q, want %q", i, got[i], want[i])
		}
	}
}

func TestHostAndURL(t *testing.T) {
	h := Host("web", "feature-x", "shop")
	if h != "web.feature-x.shop.localhost" {
		t.Errorf("Host = %q", h)
	}
	if u := URL(h, 21341); u != "http://web.feature-x.shop.localhost:21341" {
		t.Errorf("URL = %q", u)
	}
}
