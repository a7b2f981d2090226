package inventory

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/git-worktree-ports/git-worktree-ports/hooks"
	"github.com/git-worktree-ports/git-worktree-ports/internal/alloc"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
	"github.com/git-worktree-ports/git-worktree-ports/internal/hook"
	"github.com/git-worktree-ports/git-worktree-ports/internal/owner"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
)

// The facts below describe a repository at /src/shop with linked worktrees /src/a and
// /src/b, as Examine would gather them; each check is a pure function of them.

func wt(path string, linked bool) Worktree {
	name := path[strings.LastIndex(path, "/")+1:]
	return Worktree{Row: Row{Name: name, Path: path}, Label: "../" + name, Linked: linked}
}

func res(base int, env ...string) *reserve.Reservation {
	r := reserve.Reservation{Base: base, Width: 10, Ports: []reserve.Port{{Name: "api", Port: base}}, Env: []reserve.EnvVar{{Name: "API_PORT", Value: fmt.Sprint(base)}}}
	for i := 0; i < len(env); i += 2 {
		r.Env = append(r.Env, reserve.EnvVar{Name: env[i], Value: env[i+1]})
	}
	return &r
}

func sib(path string, base int) alloc.Sibling {
	return alloc.Sibling{
		Worktree: gitwt.Worktree{Path: path}, Path: path + "/" + reserve.FileName,
		Reservation: *res(base), ModTime: time.Unix(1, 0), Label: "../" + path[strings.LastIndex(path, "/")+1:],
	}
}

// healthy is a repository where nothing needs doing.
func healthy() Facts {
	main, a := wt("/src/shop", false), wt("/src/a", true)
	main.Reservation = res(21000)
	a.Reservation = res(21010)
	return Facts{
		Toplevel:  "/src/shop",
		Worktrees: []Worktree{main, a},
		Siblings:  []alloc.Sibling{sib("/src/shop", 21000), sib("/src/a", 21010)},
		Hook: HookFacts{Known: true, Options: hook.Options{HooksDir: "/src/shop/.git/hooks"},
			State: hook.State{Path: "/src/shop/.git/hooks/post-checkout", Exists: true, Installed: true, Version: hooks.Version}},
		RootEnv: "/src/shop", RootEnvHere: true,
	}
}

func TestDiagnoseHealthy(t *testing.T) {
	if got := Diagnose(healthy()); len(got) != 0 {
		t.Fatalf("Diagnose(healthy) = %+v", got)
	}
}

func TestChecks(t *testing.T) {
	for _, c := range []struct {
		name  string
		check check
		edit  func(*Facts)
		want  []Finding
	}{
		{"tracked", checkTracked, func(f *Facts) { f.Tracked = true }, []Finding{{Check: "tracked", Severity: Problem,
			Path:    "/src/shop/.worktree-ports.json",
			Message: ".worktree-ports.json is tracked by git, so every new worktree starts with a copy of this bundle",
			Fix:     "git rm --cached .worktree-ports.json && git commit -m 'Stop tracking port reservation'"}}},

		{"copied", checkCopied, func(f *Facts) {
			f.Worktrees[1].Origin = alloc.Copied
			f.Worktrees[1].Reservation.Root = "/elsewhere/a"
		}, []Finding{{Check: "copied", Severity: Problem, Path: "/src/a/.worktree-ports.json",
			Message: "/src/a/.worktree-ports.json was written for the worktree at /elsewhere/a (copied, cloned or committed), so it lists that worktree's ports",
			Fix:     "git -C /src/a worktree-ports allocate   (it moves to a bundle of its own)"}}},

		{"overlap", checkOverlaps, func(f *Facts) {
			f.Overlaps = []Overlap{{A: sib("/src/shop", 21000), B: sib("/src/a", 21005), AKeeps: false}}
		}, []Finding{{Check: "overlap", Severity: Problem, Path: "/src/shop/.worktree-ports.json",
			Message: "../shop and ../a reserve overlapping bundles (21000+10 and 21005+10); ../a keeps its bundle",
			Fix:     "git -C /src/shop worktree-ports allocate   (it moves; ../a is not touched)"}}},

		{"held: its own server is fine", checkHeld, func(f *Facts) {
			f.Listeners = map[int][]Listener{21010: {{Listener: owner.Listener{Port: 21010, PID: 7, Program: "node", Cwd: "/src/a/web"}, Holder: "/src/a"}}}
		}, nil},
		{"held: by another worktree", checkHeld, func(f *Facts) {
			f.Listeners = map[int][]Listener{21013: {{Listener: owner.Listener{Port: 21013, PID: 7, Program: "node", Cwd: "/src/shop"}, Holder: "/src/shop"}}}
		}, []Finding{{Check: "held", Severity: Problem, Path: "/src/a/.worktree-ports.json",
			Message: "port 21013, reserved by ../a, is held by node (pid 7) from worktree ../shop",
			Fix:     "stop that process, or move ../a with `git -C /src/a worktree-ports allocate --force` (nothing is ever killed for you)"}}},
		{"held: from outside, and hidden", checkHeld, func(f *Facts) {
			f.Listeners = map[int][]Listener{
				21000: {{Listener: owner.Listener{Port: 21000, PID: 9, Program: "nc", Cwd: "/tmp"}}},
				21001: {{Listener: owner.Listener{Port: 21001, Hidden: true}}},
			}
		}, []Finding{
			{Check: "held", Severity: Problem, Path: "/src/shop/.worktree-ports.json",
				Message: "port 21000, reserved by ../shop, is held by nc (pid 9) from outside every worktree",
				Fix:     "stop that process, or move ../shop with `git -C /src/shop worktree-ports allocate --force` (nothing is ever killed for you)"},
			{Check: "held", Severity: Problem, Path: "/src/shop/.worktree-ports.json",
				Message: "port 21001, reserved by ../shop, is held by an unknown process",
				Fix:     "stop that process, or move ../shop with `git -C /src/shop worktree-ports allocate --force` (nothing is ever killed for you)"},
		}},
		{"held: the OS would not tell", checkHeld, func(f *Facts) { f.ListenersErr = errors.New("permission denied") },
			[]Finding{{Check: "held", Severity: Advice,
				Message: "could not look up listening processes, so ports held by others go unseen: permission denied",
				Fix:     "run doctor as the user who runs the servers"}}},

		{"inherited", checkInherited, func(f *Facts) { f.RootEnv, f.RootEnvHere = "/src/a", false },
			[]Finding{{Check: "inherited", Severity: Problem,
				Message: "WORKTREE_PORTS_ROOT=/src/a was inherited from another worktree; programs started here get its ports",
				Fix:     `eval "$(git worktree-ports env)"   (or let direnv reload), or unset the WORKTREE_PORTS_* variables`}}},

		{"leftover", checkLeftovers, func(f *Facts) { f.Worktrees[1].Leftovers = []string{"/src/a/.worktree-ports.json.tmp-1"} },
			[]Finding{{Check: "leftover", Severity: Advice, Path: "/src/a/.worktree-ports.json.tmp-1",
				Message: "temporary file left by an interrupted allocate: /src/a/.worktree-ports.json.tmp-1",
				Fix:     "rm /src/a/.worktree-ports.json.tmp-1   (the reservation itself is intact: writes are atomic)"}}},

		{"hooks-path", checkHooksPath, func(f *Facts) {
			f.Hook.Options.HooksPath, f.Hook.Options.HooksDir, f.Hook.HooksPathUntracked = ".husky/_", "/src/shop/.husky/_", true
		}, []Finding{{Check: "hooks-path", Severity: Advice, Path: "/src/shop/.husky/_",
			Message: "core.hooksPath=.husky/_ is relative and not committed, so new worktrees do not have it until it is generated there (husky: npm install)",
			Fix:     "git config core.hooksPath /src/shop/.husky/_   (absolute, shared by every worktree), or run your hook manager's install in each new worktree"}}},

		{"hook: not installed is advice", checkHook, func(f *Facts) { f.Hook.State = hook.State{Path: "/src/shop/.git/hooks/post-checkout"} },
			[]Finding{{Check: "hook", Severity: Advice, Path: "/src/shop/.git/hooks/post-checkout",
				Message: "the post-checkout hook is not installed, so git worktree add does not allocate ports (env and exec still do, on first use)",
				Fix:     "git worktree-ports install-hook"}}},
		{"hook: older", checkHook, func(f *Facts) { f.Hook.State.Version = hooks.Version - 1 },
			[]Finding{{Check: "hook", Severity: Advice, Path: "/src/shop/.git/hooks/post-checkout",
				Message: fmt.Sprintf("the post-checkout hook is version %d; this binary installs version %d", hooks.Version-1, hooks.Version),
				Fix:     "git worktree-ports install-hook   (upgrades it in place)"}}},
		{"hook: newer", checkHook, func(f *Facts) { f.Hook.State.Version = hooks.Version + 1 },
			[]Finding{{Check: "hook", Severity: Advice, Path: "/src/shop/.git/hooks/post-checkout",
				Message: fmt.Sprintf("the post-checkout hook is version %d, newer than this binary's version %d", hooks.Version+1, hooks.Version),
				Fix:     "upgrade git-worktree-ports (the hook runs whichever binary it recorded)"}}},
		{"hook: unreadable", checkHook, func(f *Facts) {
			f.Hook.State, f.Hook.Err = hook.State{Path: "/src/shop/.git/hooks/post-checkout"}, fs.ErrPermission
		}, []Finding{{Check: "hook", Severity: Advice, Path: "/src/shop/.git/hooks/post-checkout",
			Message: "the post-checkout hook /src/shop/.git/hooks/post-checkout cannot be read: permission denied",
			Fix:     "remove or correct it, then run git worktree-ports install-hook"}}},
		{"hook: git could not say where", checkHook, func(f *Facts) { f.Hook = HookFacts{} }, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := healthy()
			c.edit(&f)
			got := c.check(f)
			if !slices.Equal(got, c.want) {
				t.Fatalf("got  %+v\nwant %+v", got, c.want)
			}
			// Every check is in Diagnose, and its findings come out of it.
			all := Diagnose(f)
			for _, fd := range got {
				if !slices.Contains(all, fd) {
					t.Fatalf("Diagnose lacks %+v", fd)
				}
			}
		})
	}
}

// TestDiagnoseOrder: problems first, then advice; Problems counts only the former.
func TestDiagnoseOrder(t *testing.T) {
	f := healthy()
	f.Hook.State.Installed = false                                           // advice
	f.Worktrees[1].Leftovers = []string{"/src/a/.worktree-ports.json.tmp-1"} // advice
	f.Tracked = true                                                         // problem
	f.RootEnv, f.RootEnvHere = "/src/a", false                               // problem
	got := Diagnose(f)
	var checks []string
	for _, fd := range got {
		checks = append(checks, fd.Check+"/"+string(fd.Severity))
	}
	want := []string{"tracked/problem", "inherited/problem", "leftover/advice", "hook/advice"}
	if !slices.Equal(checks, want) {
		t.Fatalf("order %q, want %q", checks, want)
	}
	if n := Problems(got); n != 2 {
		t.Fatalf("Problems = %d, want 2", n)
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"/src/a":      "/src/a",
		"/src/my dir": "'/src/my dir'",
		"/src/it's":   `'/src/it'\''s'`,
		"":            "''",
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}
