package claim

import (
	"reflect"
	"testing"

	"github.com/git-worktree-ports/git-worktree-ports/internal/config"
	"github.com/git-worktree-ports/git-worktree-ports/internal/render"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
)

func parse(t *testing.T, data string) config.Config {
	t.Helper()
	c, err := config.Parse("test.json", []byte(data), nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestExpected: the reservation allocate writes for a bundle holds the bundle, each
// service's port in config order, its env (port variables first, then vars rendered with
// the worktree's values), and records the place only when a reservation can hold it.
func TestExpected(t *testing.T) {
	cfg := parse(t, `{"range": "21000-21099", "width": 10, "services": {"api": 0, "cache": 3}, "vars": {"NAME": "{repo}-{worktree}-{slot}", "B": "{branch}"}}`)
	for _, tt := range []struct {
		name                     string
		repo, branch, root, gdir string
		slot, base               int
		want                     reserve.Reservation
	}{
		{
			"a linked worktree", "shop", "feat", "/src/shop-a", "/src/shop/.git/worktrees/shop-a", 4, 21040,
			reserve.Reservation{
				Version: 1, Worktree: "shop-a", Root: "/src/shop-a", GitDir: "/src/shop/.git/worktrees/shop-a",
				Base: 21040, Width: 10, Slot: 4,
				Ports: []reserve.Port{{Name: "api", Port: 21040}, {Name: "cache", Port: 21043}},
				Env:   env("API_PORT", "21040", "CACHE_PORT", "21043", "NAME", "shop-shop-a-4", "B", "feat"),
			},
		},
		{
			"detached, a control character, and a git dir that cannot be recorded", "shop", "", "/src/bad\nname", "relative/git", 0, 21000,
			reserve.Reservation{
				Version: 1, Worktree: "bad\nname", Root: "/src/bad\nname", Base: 21000, Width: 10,
				Ports: []reserve.Port{{Name: "api", Port: 21000}, {Name: "cache", Port: 21003}},
				Env:   env("API_PORT", "21000", "CACHE_PORT", "21003", "NAME", "shop-bad\nname-0", "B", ""),
			},
		},
	} {
		got, err := Expected(cfg, tt.repo, tt.branch, tt.root, tt.gdir, tt.slot, tt.base)
		if tt.root == "/src/bad\nname" {
			// The name holds a control character: the var that renders it is left out
			// with an error, and the ports are still there.
			tt.want.Env = env("API_PORT", "21000", "CACHE_PORT", "21003", "B", "")
			if err == nil {
				t.Errorf("%s: no error for a var rendering a control character", tt.name)
			}
		} else if err != nil {
			t.Errorf("%s: %v", tt.name, err)
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tt.name, got, tt.want)
		}
	}
}

// TestExpectedMain: the main worktree keeping its services' main ports claims exactly
// those ports, marked main, with the first as its base, width 1 and {slot} "main".
func TestExpectedMain(t *testing.T) {
	cfg := parse(t, `{"services": {"web": {"offset": 0, "main": 3000}, "db": {"offset": 1, "main": 5432}}, "vars": {"S": "{slot}"}}`)
	got, err := ExpectedMain(cfg, "shop", "main", "/src/shop", "/src/shop/.git")
	if err != nil {
		t.Fatal(err)
	}
	want := reserve.Reservation{
		Version: 1, Worktree: "shop", Root: "/src/shop", GitDir: "/src/shop/.git",
		Main: true, Base: 3000, Width: 1,
		Ports: []reserve.Port{{Name: "web", Port: 3000}, {Name: "db", Port: 5432}},
		Env:   env("WEB_PORT", "3000", "DB_PORT", "5432", "S", config.MainSlot),
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("\n got %+v\nwant %+v", got, want)
	}
}

// TestVars: env's variables are the root, the slot ("main" for a main worktree keeping
// its main ports), then the file's env in its order; a root holding a control character
// is left out.
func TestVars(t *testing.T) {
	for _, tt := range []struct {
		name string
		root string
		r    reserve.Reservation
		want []render.Var
	}{
		{"a slot", "/src/a", reserve.Reservation{Slot: 7, Env: env("PORT", "21070")},
			[]render.Var{{Name: config.EnvRoot, Value: "/src/a"}, {Name: config.EnvSlot, Value: "7"}, {Name: "PORT", Value: "21070"}}},
		{"slot 0", "/src/a", reserve.Reservation{},
			[]render.Var{{Name: config.EnvRoot, Value: "/src/a"}, {Name: config.EnvSlot, Value: "0"}}},
		{"main", "/src/shop", reserve.Reservation{Main: true, Slot: 3, Env: env("WEB_PORT", "3000", "A", "1")},
			[]render.Var{{Name: config.EnvRoot, Value: "/src/shop"}, {Name: config.EnvSlot, Value: "main"}, {Name: "WEB_PORT", Value: "3000"}, {Name: "A", Value: "1"}}},
		{"control character in the root", "/src/a\x1b[2Kb", reserve.Reservation{Slot: 1},
			[]render.Var{{Name: config.EnvSlot, Value: "1"}}},
	} {
		if got := Vars(tt.root, tt.r); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: Vars = %v, want %v", tt.name, got, tt.want)
		}
		if got, want := SlotValue(tt.r), tt.want[len(tt.want)-len(tt.r.Env)-1].Value; got != want {
			t.Errorf("%s: SlotValue = %q, want %q", tt.name, got, want)
		}
	}
}

// TestRecordable: a path is recorded cleaned, and not at all when a reservation file
// cannot hold it (relative, NUL, not UTF-8), so it never keeps a worktree from ports.
func TestRecordable(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"/src/a/", "/src/a"},
		{"/src/./b/../a", "/src/a"},
		{"/src/a\nb", "/src/a\nb"},
		{"relative/a", ""},
		{"/src/a\x00b", ""},
		{"/src/\xffa", ""},
	} {
		if got := recordable(tt.in); got != tt.want {
			t.Errorf("recordable(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
