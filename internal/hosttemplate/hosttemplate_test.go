package hosttemplate

import (
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		tmpl, err string // err is part of the error; "" for none
	}{
		{Default, ""},
		{"{worktree}.{service}.{repo}.localhost", ""},
		{"{service}.{worktree}.{repo}.dev.localhost", ""},
		{"app.{repo}.{worktree}.{service}.localhost", ""},
		{"", "empty"},
		{"{service}.{worktree}.{repo}.example.com", `end in ".localhost"`},
		{"{service}.{worktree}.{repo}.localhost.", `end in ".localhost"`},
		{"{service}-{worktree}.{repo}.localhost", "whole label"},
		{"{service}.{worktree}.localhost", "no {repo}"},
		{"{worktree}.{repo}.localhost", "no {service}"},
		{"{service}.{service}.{worktree}.{repo}.localhost", "{service} twice"},
		{"{service}.{worktree}.{repo}.Dev.localhost", `label "Dev"`},
		{"{service}.{worktree}.{repo}.a--b.localhost", `label "a--b"`},
		{"{service}..{worktree}.{repo}.localhost", `label ""`},
		{"{branch}.{service}.{worktree}.{repo}.localhost", "whole label"},
		{strings.Repeat("a.", 60) + Default, "longer than"},
	}
	for _, tt := range tests {
		err := Check(tt.tmpl)
		if tt.err == "" && err != nil || tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("Check(%q) = %v, want %q", tt.tmpl, err, tt.err)
		}
	}
}

func TestExpand(t *testing.T) {
	tests := []struct{ tmpl, want string }{
		{"", "web.fix.shop.localhost"},
		{"{worktree}.{service}.{repo}.localhost", "fix.web.shop.localhost"},
		{"{service}.{worktree}.{repo}.dev.localhost", "web.fix.shop.dev.localhost"},
		{"{service}.{worktree}.{repo}.example.com", "web.fix.shop.localhost"}, // not a template: the default
	}
	for _, tt := range tests {
		if got := Expand(tt.tmpl, "web", "fix", "shop"); got != tt.want {
			t.Errorf("Expand(%q) = %q, want %q", tt.tmpl, got, tt.want)
		}
	}
}
