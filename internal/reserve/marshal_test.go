package reserve

import (
	"encoding/json"
	"strings"
	"testing"
)

var sample = Reservation{
	Version: 1, Worktree: "feature-x", Base: 21340, Width: 10, Slot: 134,
	Ports: []Port{{"web", 21341}, {"api", 21340}},
	Env:   []EnvVar{{"WEB_PORT", "21341"}, {"API_PORT", "21340"}, {"API_URL", "http://localhost:21340/?a=1&b=<2>"}},
}

func TestMarshalFresh(t *testing.T) {
	t.Parallel()
	want := `{
  "version": 1,
  "worktree": "feature-x",
  "base": 21340,
  "width": 10,
  "slot": 134,
  "ports": {
    "web": 21341,
    "api": 21340
  },
  "env": {
    "WEB_PORT": "21341",
    "API_PORT": "21340",
    "API_URL": "http://localhost:21340/?a=1&b=<2>"
  }
}
`
	for _, prev := range []string{"", "not json", `{"base": `, `[1, 2]`, `"s"`, "{}"} {
		got, err := Marshal([]byte(prev), sample)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != want {
			t.Errorf("Marshal(%q) =\n%s\nwant\n%s", prev, got, want)
		}
	}
}

func TestMarshalKeepsUserFields(t *testing.T) {
	t.Parallel()
	prev := `{
	"$comment":   "mine, tab-indented",
  "base": 1,
  "owner": {"name":"ann",   "tags": [1,2.50, true, null]},
  "ports": {"old": 1},
  "x\u00e9": 1e3,
  "width": "bad",
  "base": 99,
  "zzz": "last"
}`
	got, err := Marshal([]byte(prev), sample)
	if err != nil {
		t.Fatal(err)
	}
	want := `{
  "$comment": "mine, tab-indented",
  "base": 21340,
  "owner": {"name":"ann",   "tags": [1,2.50, true, null]},
  "ports": {
    "web": 21341,
    "api": 21340
  },
  "x\u00e9": 1e3,
  "width": 10,
  "zzz": "last",
  "version": 1,
  "worktree": "feature-x",
  "slot": 134,
  "env": {
    "WEB_PORT": "21341",
    "API_PORT": "21340",
    "API_URL": "http://localhost:21340/?a=1&b=<2>"
  }
}
`
	if string(got) != want {
		t.Errorf("Marshal =\n%s\nwant\n%s", got, want)
	}
	r, err := Parse("f", got)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Equal(sample) {
		t.Errorf("round trip = %+v, want %+v", r, sample)
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	t.Parallel()
	for _, r := range []Reservation{
		sample,
		{Base: 1, Width: 65535},
		{Version: 1, Worktree: "shop", Main: true, Base: 3000, Width: 1,
			Ports: []Port{{"web", 3000}, {"api", 8000}}, Env: []EnvVar{{"WEB_PORT", "3000"}}},
		{Version: 1, Worktree: "ünïcode \"quoted\" \\ \t\n\u2028", Base: 65535, Width: 1, Slot: 0,
			Ports: []Port{{"", 65535}}, Env: []EnvVar{{"", ""}, {"E", "line1\nline2"}}},
	} {
		data, err := Marshal(nil, r)
		if err != nil {
			t.Fatal(err)
		}
		if !json.Valid(data) || !strings.HasSuffix(string(data), "}\n") {
			t.Errorf("Marshal output is not a JSON object with a newline:\n%s", data)
		}
		got, err := Parse("f", data)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Equal(r) {
			t.Errorf("round trip = %+v, want %+v", got, r)
		}
		// Rewriting an unchanged reservation over its own file is stable.
		again, err := Marshal(data, r)
		if err != nil {
			t.Fatal(err)
		}
		if string(again) != string(data) {
			t.Errorf("second Marshal changed the file:\n%s\nto\n%s", data, again)
		}
	}
}

// The top level and git directory go right after the worktree's name in a new file,
// are appended to an older file that lacks them, and are left out when unknown.
func TestMarshalRootAndGitDir(t *testing.T) {
	t.Parallel()
	r := Reservation{Version: 1, Worktree: "shop", Root: "/src/shop", GitDir: "/src/shop/.git", Base: 20000, Width: 1}
	fresh := `{
  "version": 1,
  "worktree": "shop",
  "root": "/src/shop",
  "git_dir": "/src/shop/.git",
  "base": 20000,
  "width": 1,
  "slot": 0,
  "ports": {},
  "env": {}
}
`
	older := `{"version": 1, "worktree": "shop", "base": 20000, "width": 1, "slot": 0, "ports": {}, "env": {}, "mine": 1}`
	appended := `{
  "version": 1,
  "worktree": "shop",
  "base": 20000,
  "width": 1,
  "slot": 0,
  "ports": {},
  "env": {},
  "mine": 1,
  "root": "/src/shop",
  "git_dir": "/src/shop/.git"
}
`
	unknown := r
	unknown.Root, unknown.GitDir = "", ""
	dropped := `{
  "version": 1,
  "worktree": "shop",
  "base": 20000,
  "width": 1,
  "slot": 0,
  "ports": {},
  "env": {}
}
`
	for _, tt := range []struct {
		prev string
		r    Reservation
		want string
	}{
		{"", r, fresh},
		{older, r, appended},
		{fresh, unknown, dropped},
	} {
		got, err := Marshal([]byte(tt.prev), tt.r)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != tt.want {
			t.Errorf("Marshal(%q) =\n%s\nwant\n%s", tt.prev, got, tt.want)
		}
		back, err := Parse("f", got)
		if err != nil || !back.Equal(tt.r) {
			t.Errorf("round trip = %+v, %v; want %+v", back, err, tt.r)
		}
	}
}

func TestMarshalRefuses(t *testing.T) {
	t.Parallel()
	for name, r := range map[string]Reservation{
		"zero base":       {Width: 10},
		"zero width":      {Base: 20000},
		"past 65535":      {Base: 65530, Width: 10},
		"negative slot":   {Base: 20000, Width: 10, Slot: -1},
		"negative ver":    {Base: 20000, Width: 10, Version: -1},
		"bad port":        {Base: 20000, Width: 10, Ports: []Port{{"a", 0}}},
		"duplicate port":  {Base: 20000, Width: 10, Ports: []Port{{"a", 20000}, {"a", 20001}}},
		"duplicate env":   {Base: 20000, Width: 10, Env: []EnvVar{{"A", "1"}, {"A", "2"}}},
		"bad utf-8":       {Base: 20000, Width: 10, Worktree: "\xff"},
		"relative root":   {Base: 20000, Width: 10, Root: "shop"},
		"unclean root":    {Base: 20000, Width: 10, Root: "/src/./shop"},
		"relative gitdir": {Base: 20000, Width: 10, GitDir: ".git"},
	} {
		if _, err := Marshal(nil, r); err == nil {
			t.Errorf("%s: Marshal accepted %+v", name, r)
		}
	}
}
