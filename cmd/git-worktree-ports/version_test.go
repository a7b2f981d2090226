package main

import (
	"runtime/debug"
	"testing"
)

func TestResolveVersion(t *testing.T) {
	withMain := func(v string) *debug.BuildInfo {
		return &debug.BuildInfo{Main: debug.Module{Path: "github.com/git-worktree-ports/git-worktree-ports", Version: v}}
	}
	tests := []struct {
		name    string
		ldflags string
		info    *debug.BuildInfo
		ok      bool
		want    string
	}{
		{"make sets it from git describe", "v1.2.0-3-gabc1234", withMain("(devel)"), true, "v1.2.0-3-gabc1234"},
		{"ldflags win over the build info", "v1.2.0", withMain("v1.1.0"), true, "v1.2.0"},
		{"go install module@version", "dev", withMain("v1.4.2"), true, "v1.4.2"},
		{"go install of a pseudo-version", "dev", withMain("v0.0.0-20260101120000-abcdef123456"), true, "v0.0.0-20260101120000-abcdef123456"},
		{"go build with version control stamping", "dev", withMain("v1.4.3-0.20260101120000-abcdef123456+dirty"), true, "v1.4.3-0.20260101120000-abcdef123456+dirty"},
		{"an empty ldflags value counts as unset", "", withMain("v1.4.2"), true, "v1.4.2"},
		{"a checkout built without stamping", "dev", withMain("(devel)"), true, "dev"},
		{"no module version", "dev", withMain(""), true, "dev"},
		{"no build info", "dev", nil, false, "dev"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := resolveVersion(tt.ldflags, tt.info, tt.ok); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
