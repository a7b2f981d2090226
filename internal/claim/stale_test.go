package claim

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/git-worktree-ports/git-worktree-ports/internal/config"
	"github.com/git-worktree-ports/git-worktree-ports/internal/envname"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
)

func env(kv ...string) []reserve.EnvVar {
	var out []reserve.EnvVar
	for i := 0; i < len(kv); i += 2 {
		out = append(out, reserve.EnvVar{Name: kv[i], Value: kv[i+1]})
	}
	return out
}

func TestCompare(t *testing.T) {
	// want: two services (their port variables come first, as config.Env orders them),
	// then a var whose value depends on {repo}.
	want := reserve.Reservation{
		Ports: []reserve.Port{{Name: "api", Port: 21000}, {Name: "cache", Port: 21001}},
		Env:   env("API_PORT", "21000", "CACHE_PORT", "21001", "NAME", "shop-a"),
	}
	for _, c := range []struct {
		name   string
		have   []reserve.EnvVar
		values bool
		want   Drift
		text   string
	}{
		{"the same", env("API_PORT", "21000", "CACHE_PORT", "21001", "NAME", "shop-a"), true, Drift{}, ""},
		{"a service added since", env("API_PORT", "21000", "NAME", "shop-a"), true,
			Drift{Missing: []string{"CACHE_PORT"}}, "no CACHE_PORT"},
		{"a service and a var added since", env("API_PORT", "21000"), false,
			Drift{Missing: []string{"CACHE_PORT", "NAME"}}, "no CACHE_PORT, NAME"},
		{"a moved offset shows without values", env("API_PORT", "21000", "CACHE_PORT", "21005", "NAME", "shop-a"), false,
			Drift{Changed: []string{"CACHE_PORT"}}, "CACHE_PORT differs"},
		{"a var's value only with values", env("API_PORT", "21000", "CACHE_PORT", "21001", "NAME", "-a"), false, Drift{}, ""},
		{"a var's value", env("API_PORT", "21000", "CACHE_PORT", "21001", "NAME", "-a"), true,
			Drift{Changed: []string{"NAME"}}, "NAME differs"},
		{"a var removed since", env("API_PORT", "21000", "CACHE_PORT", "21001", "NAME", "shop-a", "OLD", "x"), true,
			Drift{Extra: []string{"OLD"}}, "OLD no longer in the config"},
		{"all at once", env("API_PORT", "1", "OLD", "x", "OLDER", "y"), true,
			Drift{Missing: []string{"CACHE_PORT", "NAME"}, Changed: []string{"API_PORT"}, Extra: []string{"OLD", "OLDER"}},
			"no CACHE_PORT, NAME; API_PORT differs; OLD, OLDER no longer in the config"},
		{"a hostile name is escaped", env("API_PORT", "21000", "CACHE_PORT", "21001", "NAME", "shop-a", "X\x1b[2J", "1"), true,
			Drift{Extra: []string{"X\x1b[2J"}}, `X\x1b[2J no longer in the config`},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := Compare(reserve.Reservation{Env: c.have}, want, c.values)
			if !slices.Equal(d.Missing, c.want.Missing) || !slices.Equal(d.Changed, c.want.Changed) || !slices.Equal(d.Extra, c.want.Extra) {
				t.Fatalf("Compare = %+v, want %+v", d, c.want)
			}
			if d.Empty() != (c.text == "") || d.String() != c.text {
				t.Fatalf("String = %q (empty %v), want %q", d.String(), d.Empty(), c.text)
			}
		})
	}
}

func TestNames(t *testing.T) {
	for _, c := range []struct {
		in   []string
		want string
	}{
		{[]string{"A"}, "A"},
		{[]string{"A", "B", "C"}, "A, B, C"},
		{[]string{"A", "B", "C", "D", "E"}, "A, B, C and 2 more"},
	} {
		if got := names(c.in); got != c.want {
			t.Errorf("names(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestConfigDrift: env's check parses the config only when it is newer than the
// reservation, and needs the user's allowances only when the config does.
func TestConfigDrift(t *testing.T) {
	root := t.TempDir()
	cfgPath := filepath.Join(root, config.FileName)
	resPath := filepath.Join(root, reserve.FileName)
	write := func(path, data string, mtime time.Time) {
		t.Helper()
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(path, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
	old, now := time.Now().Add(-time.Hour), time.Now()
	res := reserve.Reservation{Base: 21000, Width: 10, Slot: 100, Ports: []reserve.Port{{Name: "api", Port: 21000}}, Env: env("API_PORT", "21000")}
	write(resPath, "{}", old)
	asked := 0
	allow := func() envname.Allow { asked++; return envname.Allow{"MAILCHECK": true} }

	if d := ConfigDrift(root, resPath, res, allow, false); !d.Empty() {
		t.Fatalf("no config: %v", d)
	}
	write(cfgPath, `{"services": {"api": 0, "cache": 1}}`, old.Add(-time.Minute))
	if d := ConfigDrift(root, resPath, res, allow, false); !d.Empty() {
		t.Fatalf("an older config is not looked at: %v", d)
	}
	write(cfgPath, `{"services": {"api": 0, "cache": 1}}`, now)
	if d := ConfigDrift(root, resPath, res, allow, false); d.String() != "no CACHE_PORT" {
		t.Fatalf("a newer config with a service added: %q", d)
	}
	write(cfgPath, `{"services": {"api": 0}, "vars": {"NAME": "{repo}-{worktree}"}}`, now)
	if d := ConfigDrift(root, resPath, res, allow, false); d.String() != "no NAME" {
		t.Fatalf("a newer config with a var added: %q", d)
	}
	if asked != 0 {
		t.Fatalf("asked for the allowances %d times; no config needed them", asked)
	}
	write(cfgPath, `{"services": {"api": {"offset": 0, "env": "MAILCHECK"}}}`, now)
	if d := ConfigDrift(root, resPath, res, allow, false); d.String() != "no MAILCHECK; API_PORT no longer in the config" || asked != 1 {
		t.Fatalf("a config that needs an allowance: %q, asked %d", d, asked)
	}
	write(cfgPath, `{"colour": "blue"}`, now)
	if d := ConfigDrift(root, resPath, res, nil, false); !d.Empty() {
		t.Fatalf("a broken config says nothing here: %v", d)
	}
}

// TestIsMainWorktree: from files alone, a .git directory or a .git file naming a git
// directory that is no linked worktree's (no commondir: a separate git dir, a submodule)
// is a main worktree; a linked worktree's .git file, or none, is not.
func TestIsMainWorktree(t *testing.T) {
	dir := t.TempDir()
	mk := func(parts ...string) string {
		t.Helper()
		p := filepath.Join(append([]string{dir}, parts...)...)
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
		return p
	}
	put := func(path, data string) {
		t.Helper()
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	plain := mk("plain")
	mk("plain", ".git")
	linkedGitDir := mk("shop.git", "worktrees", "a")
	put(filepath.Join(linkedGitDir, "commondir"), "../..\n")
	linked := mk("a")
	put(filepath.Join(linked, ".git"), "gitdir: "+linkedGitDir+"\n")
	separate := mk("sep")
	put(filepath.Join(separate, ".git"), "gitdir: "+mk("sep.git")+"\n")
	for _, tt := range []struct {
		name, root string
		want       bool
	}{
		{"a .git directory", plain, true},
		{"a linked worktree's .git file", linked, false},
		{"a separate git dir", separate, true},
		{"no .git", mk("none"), false},
	} {
		if got := isMainWorktree(tt.root); got != tt.want {
			t.Errorf("%s: isMainWorktree = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestConfigDriftMain: the main worktree's file is compared with what allocate writes
// there when the config names main ports (ExpectedMain), so a file on them is not
// stale, and a file for a bundle is.
func TestConfigDriftMain(t *testing.T) {
	root := t.TempDir()
	if err := os.Mkdir(filepath.Join(root, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	resPath := filepath.Join(root, reserve.FileName)
	old := time.Now().Add(-time.Hour)
	if err := os.WriteFile(resPath, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(resPath, old, old); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, config.FileName), []byte(`{"services": {"web": {"offset": 0, "main": 3000}}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		res  reserve.Reservation
		want string
	}{
		{"on the main ports", reserve.Reservation{Main: true, Base: 3000, Width: 1, Env: env("WEB_PORT", "3000")}, ""},
		{"on a bundle", reserve.Reservation{Base: 20010, Width: 10, Slot: 1, Env: env("WEB_PORT", "20010")}, "WEB_PORT differs"},
	} {
		if got := ConfigDrift(root, resPath, tt.res, nil, false).String(); got != tt.want {
			t.Errorf("%s: drift %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestBranchOnly: a drift is the branch's when only values derived from it changed.
func TestBranchOnly(t *testing.T) {
	branch := []string{"DB", "B"}
	tests := []struct {
		name string
		d    Drift
		want bool
	}{
		{"a branch var changed", Drift{Changed: []string{"DB"}}, true},
		{"two branch vars changed", Drift{Changed: []string{"DB", "B"}}, true},
		{"another var changed too", Drift{Changed: []string{"DB", "URL"}}, false},
		{"a var added", Drift{Changed: []string{"DB"}, Missing: []string{"NEW"}}, false},
		{"a var removed", Drift{Changed: []string{"DB"}, Extra: []string{"OLD"}}, false},
		{"nothing changed", Drift{}, false},
	}
	for _, tt := range tests {
		if got := tt.d.BranchOnly(branch); got != tt.want {
			t.Errorf("%s: BranchOnly = %v, want %v", tt.name, got, tt.want)
		}
	}
}
