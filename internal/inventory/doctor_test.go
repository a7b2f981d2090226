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
	"github.com/git-worktree-ports/git-worktree-ports/internal/bundle"
	"github.com/git-worktree-ports/git-worktree-ports/internal/claim"
	"github.com/git-worktree-ports/git-worktree-ports/internal/config"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
	"github.com/git-worktree-ports/git-worktree-ports/internal/listener"
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

func sib(path string, base int) claim.Sibling {
	return claim.Sibling{
		Worktree: gitwt.Worktree{Path: path}, Path: path + "/" + reserve.FileName,
		Reservation: *res(base), ModTime: time.Unix(1, 0), Label: "../" + path[strings.LastIndex(path, "/")+1:],
	}
}

// healthy is a repository where nothing needs doing.
func healthy() Facts {
	main, a := wt("/src/shop", false), wt("/src/a", true)
	main.Reservation, main.Expected = res(21000), res(21000)
	a.Reservation, a.Expected = res(21010), res(21010)
	return Facts{
		Toplevel: "/src/shop", Listed: true,
		Worktrees: []Worktree{main, a},
		Siblings:  []claim.Sibling{sib("/src/shop", 21000), sib("/src/a", 21010)},
		Range:     bundle.Range{Lo: 20000, Hi: 29999},
		Hook: HookFacts{Known: true, Options: hooks.Options{HooksDir: "/src/shop/.git/hooks"},
			State: hooks.State{Path: "/src/shop/.git/hooks/post-checkout", Exists: true, Installed: true, Version: hooks.Version}},
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
		{"config: a worktree's file", checkConfig, func(f *Facts) {
			f.Worktrees[1].ConfigErr = &config.Error{File: "/src/a/.worktree-ports.config.json", Key: "services.api.offset", Msg: "offset 12 is not below width 10"}
		}, []Finding{{Check: "config", Severity: Problem, Path: "/src/a/.worktree-ports.config.json",
			Message: "the config cannot be used, so allocate fails there: /src/a/.worktree-ports.config.json: services.api.offset: offset 12 is not below width 10",
			Fix:     "correct services.api.offset in /src/a/.worktree-ports.config.json (README: Configuration)"}}},
		{"config: git config, said once", checkConfig, func(f *Facts) {
			for i := range f.Worktrees {
				f.Worktrees[i].ConfigErr = &config.Error{File: config.GitConfig, Key: "worktree-ports.width", Msg: `"ten" is not an integer`}
			}
		}, []Finding{{Check: "config", Severity: Problem,
			Message: `the config cannot be used, so allocate fails in every worktree: git config worktree-ports.width: "ten" is not an integer`,
			Fix:     "correct it (git config worktree-ports.width VALUE), or drop it: git config --unset-all worktree-ports.width"}}},
		{"config: not a config error", checkConfig, func(f *Facts) {
			f.Worktrees[0].ConfigErr = errors.New("permission denied")
		}, []Finding{{Check: "config", Severity: Problem, Path: "/src/shop/.worktree-ports.config.json",
			Message: "the config cannot be used, so allocate fails there: permission denied",
			Fix:     "correct or remove /src/shop/.worktree-ports.config.json (README: Configuration)"}}},

		{"tracked", checkTracked, func(f *Facts) { f.Tracked = true }, []Finding{{Check: "tracked", Severity: Problem,
			Path:    "/src/shop/.worktree-ports.json",
			Message: ".worktree-ports.json is tracked by git, so every new worktree starts with a copy of this bundle",
			Fix:     "git rm --cached .worktree-ports.json && git commit -m 'Stop tracking port reservation'"}}},

		{"invalid: corrupt", checkInvalid, func(f *Facts) {
			f.Worktrees[1].Row.readErr = &reserve.FileError{Path: "/src/a/.worktree-ports.json", Reason: "truncated JSON"}
		}, []Finding{{Check: "invalid", Severity: Problem, Path: "/src/a/.worktree-ports.json",
			Message: "/src/a/.worktree-ports.json cannot be used (truncated JSON), so it is skipped and other worktrees may take its ports",
			Fix:     "correct it by hand, or replace it: git -C /src/a worktree-ports allocate --force"}}},
		{"invalid: out of bounds", checkInvalid, func(f *Facts) {
			f.Worktrees[1].Row.readErr = &reserve.FileError{Path: "/src/a/.worktree-ports.json", Reason: "base 80 is outside 1024-65535", Err: reserve.ErrOutOfBounds}
		}, []Finding{{Check: "invalid", Severity: Problem, Path: "/src/a/.worktree-ports.json",
			Message: "/src/a/.worktree-ports.json holds values no config writes (base 80 is outside 1024-65535), so it is skipped and other worktrees may take its ports",
			Fix:     "git -C /src/a worktree-ports allocate   (it chooses again, keeping any fields of yours)"}}},

		{"copied", checkCopied, func(f *Facts) {
			f.Worktrees[1].Origin = claim.Copied
			f.Worktrees[1].Reservation.Root = "/elsewhere/a"
		}, []Finding{{Check: "copied", Severity: Problem, Path: "/src/a/.worktree-ports.json",
			Message: "/src/a/.worktree-ports.json was written for the worktree at /elsewhere/a (copied, cloned or committed), so it lists that worktree's ports",
			Fix:     "git -C /src/a worktree-ports allocate   (it moves to a bundle of its own)", Allocate: "/src/a"}}},

		{"stale: a service added since", checkStale, func(f *Facts) {
			f.Worktrees[1].Expected = res(21010, "CACHE_PORT", "21011")
		}, []Finding{{Check: "stale", Severity: Problem, Path: "/src/a/.worktree-ports.json",
			Message: "/src/a/.worktree-ports.json was written before its config changed (no CACHE_PORT), so env and exec do not give programs what the config says",
			Fix:     "git -C /src/a worktree-ports allocate   (it updates the file; allocate --all updates every worktree)", Allocate: "/src/a"}}},
		{"stale: only a value derived from the branch differs: the branch changed", checkStale, func(f *Facts) {
			f.Worktrees[1].Reservation = res(21010, "DB_NAME", "shop_feat_one")
			f.Worktrees[1].Expected = res(21010, "DB_NAME", "shop_feat_two")
			f.Worktrees[1].BranchVars = []string{"DB_NAME"}
			f.Worktrees[1].Row.Branch = "feat/two"
		}, []Finding{{Check: "stale", Severity: Problem, Path: "/src/a/.worktree-ports.json",
			Message: "/src/a/.worktree-ports.json was written for another branch than the one checked out, branch feat/two (DB_NAME differs), so env and exec give programs the previous branch's values",
			Fix:     "git -C /src/a worktree-ports allocate   (it updates the file; allocate --all updates every worktree)", Allocate: "/src/a"}}},
		{"unignored: a dotenv file git does not ignore", checkUnignoredDotenv, func(f *Facts) {
			f.Worktrees[1].Unignored = []string{"server/.env"}
		}, []Finding{{Check: "unignored", Severity: Advice, Path: "/src/a/server/.env",
			Message: "dotenv file /src/a/server/.env: git does not ignore it, so a `git add .` would commit this worktree's ports and `git worktree remove` refuses the worktree; add it to .gitignore",
			Fix:     "echo /server/.env >> /src/a/.gitignore"}}},
		{"main-ports: main ports left to a bare main worktree", checkBareMain, func(f *Facts) {
			f.Worktrees[0].Row.Bare = true
			f.Worktrees[1].mainByGit = true
		}, []Finding{{Check: "main-ports", Severity: Advice, Path: "/src/a/.worktree-ports.config.json",
			Message: "/src/a/.worktree-ports.config.json names main ports (services.<name>.main), which go to git's main worktree, but that is the bare repository /src/shop: no worktree keeps them",
			Fix:     `add "mainBranch": "main" to the config (the worktree on that branch keeps them), then git worktree-ports trust`}}},
		{"main-ports: a main worktree with files keeps them", checkBareMain, func(f *Facts) {
			f.Worktrees[1].mainByGit = true
		}, nil},
		{"stale: not for a copy, which is reported as one", checkStale, func(f *Facts) {
			f.Worktrees[1].Expected = res(21010, "CACHE_PORT", "21011")
			f.Worktrees[1].Origin = claim.Copied
		}, nil},
		{"stale: a file with no env is filled in by env itself", checkStale, func(f *Facts) {
			f.Worktrees[1].Expected = res(21010, "CACHE_PORT", "21011")
			f.Worktrees[1].Reservation.Env = nil
		}, nil},
		{"stale: nothing to compare with when the config is broken", checkStale, func(f *Facts) {
			f.Worktrees[1].Expected = nil
		}, nil},

		{"overlap", checkOverlaps, func(f *Facts) {
			f.Overlaps = []Overlap{{A: sib("/src/shop", 21000), B: sib("/src/a", 21005), AKeeps: false}}
		}, []Finding{{Check: "overlap", Severity: Problem, Path: "/src/shop/.worktree-ports.json",
			Message: "../shop and ../a reserve overlapping bundles (21000+10 and 21005+10); ../a keeps its bundle",
			Fix:     "git -C /src/shop worktree-ports allocate   (it moves; ../a is not touched)", Allocate: "/src/shop"}}},

		{"overlap: two worktrees of one other repository", checkOverlaps, func(f *Facts) {
			a, b := sib("/src/blog", 21000), sib("/src/blog-2", 21005)
			a.Repo, b.Repo = "blog", "blog"
			f.Overlaps = []Overlap{{A: a, B: b, Unjudged: true}}
		}, []Finding{{Check: "overlap", Severity: Problem, Path: "/src/blog-2/.worktree-ports.json",
			Message: "../blog and ../blog-2 reserve overlapping bundles (21000+10 and 21005+10), both of repository blog",
			Fix:     "git -C /src/blog worktree-ports doctor   (it says which one moves)"}}},

		{"main-ports: held by another repository", checkMainHeld, func(f *Facts) {
			main := reserve.Reservation{Main: true, Base: 3000, Width: 1, Ports: []reserve.Port{{Name: "web", Port: 3000}, {Name: "api", Port: 8000}}}
			f.Worktrees[0].Expected = &main
			blog := sib("/src/blog", 2995)
			blog.Repo, blog.Label = "blog", "../blog (repo blog)"
			f.Foreign = []claim.Sibling{blog}
		}, []Finding{{Check: "main-ports", Severity: Problem, Path: "/src/shop/.worktree-ports.json",
			Message: "../shop holds 21000+10 instead of its main ports (3000, 8000): port 3000 (web) is reserved by ../blog (repo blog), an earlier reservation of another repository, which keeps it",
			Fix:     "free it there (git -C /src/blog worktree-ports release) or give one of the two other ports, then: git -C /src/shop worktree-ports allocate"}}},
		{"main-ports: nobody else holds them (stale's case)", checkMainHeld, func(f *Facts) {
			main := reserve.Reservation{Main: true, Base: 3000, Width: 1, Ports: []reserve.Port{{Name: "web", Port: 3000}}}
			f.Worktrees[0].Expected = &main
			f.Foreign = []claim.Sibling{sib("/src/blog", 21020)}
		}, nil},

		{"other-repository: what reading it said", checkForeign, func(f *Facts) {
			f.ForeignWarnings = []string{"skipping /src/evil/.worktree-ports.json: not a regular file (symlink)"}
		}, []Finding{{Check: "other-repository", Severity: Advice,
			Message: "skipping /src/evil/.worktree-ports.json: not a regular file (symlink)",
			Fix:     "run `git worktree-ports doctor` in that repository (`git worktree-ports list --all` shows where)"}}},

		{"held: its own server is fine", checkHeld, func(f *Facts) {
			f.Listeners = map[int][]Listener{21010: {{Listener: listener.Listener{Port: 21010, PID: 7, Program: "node", Cwd: "/src/a/web"}, Holder: "/src/a"}}}
		}, nil},
		{"held: by another worktree", checkHeld, func(f *Facts) {
			f.Listeners = map[int][]Listener{21010: {{Listener: listener.Listener{Port: 21010, PID: 7, Program: "node", Cwd: "/src/shop"}, Holder: "/src/shop"}}}
		}, []Finding{{Check: "held", Severity: Problem, Path: "/src/a/.worktree-ports.json",
			Message: "port 21010, reserved by ../a, is held by node (pid 7) from worktree ../shop",
			Fix:     "stop that process, or move ../a with `git -C /src/a worktree-ports allocate --force` (nothing is ever killed for you)"}}},
		{"held: from outside, and hidden", checkHeld, func(f *Facts) {
			f.Listeners = map[int][]Listener{
				21000: {{Listener: listener.Listener{Port: 21000, PID: 9, Program: "nc", Cwd: "/tmp"}}},
				21001: {{Listener: listener.Listener{Port: 21001, Hidden: true}}},
			}
		}, []Finding{
			{Check: "held", Severity: Problem, Path: "/src/shop/.worktree-ports.json",
				Message: "port 21000, reserved by ../shop, is held by nc (pid 9) from outside every worktree",
				Fix:     "stop that process, or move ../shop with `git -C /src/shop worktree-ports allocate --force` (nothing is ever killed for you)"},
			// 21001 is a spare port of the bundle, which no service uses: advice.
			{Check: "held", Severity: Advice, Path: "/src/shop/.worktree-ports.json",
				Message: "port 21001 of ../shop's bundle, which no service uses, is held by an unknown process",
				Fix:     "nothing breaks until a service is added on it; stop that process if it should not run there (nothing is ever killed for you)"},
		}},
		{"held: the OS would not tell", checkHeld, func(f *Facts) { f.ListenersErr = errors.New("permission denied") },
			[]Finding{{Check: "held", Severity: Advice,
				Message: "could not look up listening processes, so ports held by others go unseen: permission denied",
				Fix:     "run doctor as the user who runs the servers"}}},

		{"moved: this worktree", checkMoved, func(f *Facts) {
			f.Toplevel, f.Listed, f.RecordedAt = "/src/a2", false, "/src/a"
		}, []Finding{{Check: "moved", Severity: Problem, Path: "/src/a2",
			Message: "git records this worktree at /src/a, not here (moved without `git worktree move`?), so the other worktrees do not see its reservation and may take its ports",
			Fix:     "git worktree repair   (here: it records the new place)"}}},
		{"moved: this worktree, git's records silent", checkMoved, func(f *Facts) {
			f.Listed = false
		}, []Finding{{Check: "moved", Severity: Problem, Path: "/src/shop",
			Message: "git does not list this worktree (moved without `git worktree move`?), so the other worktrees do not see its reservation and may take its ports",
			Fix:     "git worktree repair   (here: it records the new place)"}}},
		{"moved: the main worktree", checkMoved, func(f *Facts) {
			f.Worktrees[1].GitDirGone = "/old/shop/.git/worktrees/a"
		}, []Finding{{Check: "moved", Severity: Problem, Path: "/src/a/.git",
			Message: "../a's .git file names /old/shop/.git/worktrees/a, which does not exist (the main worktree moved?), so git, allocate and the hook fail there",
			Fix:     "git -C /src/shop worktree repair   (points each worktree back to the main one)"}}},
		{"moved: not in a bare repository", checkMoved, func(f *Facts) { f.Toplevel, f.Listed = "", false }, nil},

		{"no-ports: the range is full", checkNoPorts, func(f *Facts) {
			f.Worktrees = append(f.Worktrees, wt("/src/b", true))
			f.Worktrees[2].Row.Flags = []string{FlagMissing}
			f.Range = bundle.Range{Lo: 19400, Hi: 19419}
			f.NoPorts = fmt.Errorf("%w\nWiden the range", &bundle.ExhaustedError{Slots: 2, ByKind: map[string]int{"reserved": 2}})
		}, []Finding{{Check: "no-ports", Severity: Problem, Path: "/src/b",
			Message: "../b has no ports, and allocate cannot give them any: all 2 slots are taken: 2 reserved",
			Fix:     "widen the range (git config worktree-ports.range 19400-19439), or free slots with `git worktree-ports release` in worktrees you no longer use; then run `git worktree-ports allocate` there"}}},
		{"no-ports: the range ends at 65535, so it grows downwards", checkNoPorts, func(f *Facts) {
			f.Worktrees[1].Row.Flags = []string{FlagMissing}
			f.Worktrees[0].Row.Flags = []string{FlagCurrent, FlagMissing}
			f.Range = bundle.Range{Lo: 65000, Hi: 65535}
			f.NoPorts = &bundle.ExhaustedError{Slots: 53, ByKind: map[string]int{"reserved": 53}}
		}, []Finding{{Check: "no-ports", Severity: Problem, Path: "/src/shop",
			Message: "../shop, ../a have no ports, and allocate cannot give them any: all 53 slots are taken: 53 reserved",
			Fix:     "widen the range (git config worktree-ports.range 64464-65535), or free slots with `git worktree-ports release` in worktrees you no longer use; then run `git worktree-ports allocate` there"}}},
		{"no-ports: the range is every port there is", checkNoPorts, func(f *Facts) {
			f.Worktrees[1].Row.Flags = []string{FlagMissing}
			f.Worktrees[0].Row.Flags = []string{FlagCurrent, FlagMissing}
			f.Range = bundle.Range{Lo: 1024, Hi: 65535}
			f.NoPorts = &bundle.ExhaustedError{Slots: 6451, ByKind: map[string]int{"reserved": 6451}}
		}, []Finding{{Check: "no-ports", Severity: Problem, Path: "/src/shop",
			Message: "../shop, ../a have no ports, and allocate cannot give them any: all 6451 slots are taken: 6451 reserved",
			Fix:     "free slots with `git worktree-ports release` in worktrees you no longer use; then run `git worktree-ports allocate` there"}}},
		{"no-ports: slots to spare", checkNoPorts, func(f *Facts) { f.Worktrees[1].Row.Flags = []string{FlagMissing} }, nil},

		{"inherited", checkInherited, func(f *Facts) { f.RootEnv, f.RootEnvHere = "/src/a", false },
			[]Finding{{Check: "inherited", Severity: Problem,
				Message: "WORKTREE_PORTS_ROOT=/src/a was inherited from another worktree; programs started here get its ports",
				Fix:     `eval "$(git worktree-ports env)"   (or let direnv reload), or unset the WORKTREE_PORTS_* variables`}}},

		{"prunable", checkPrunable, func(f *Facts) {
			f.Worktrees[1].Row.Prunable, f.Worktrees[1].Row.PrunableReason = true, "gitdir file points to non-existent location"
		}, []Finding{{Check: "prunable", Severity: Advice, Path: "/src/a",
			Message: "git lists the worktree /src/a, whose directory is gone (gitdir file points to non-existent location): its bundle counts as free",
			Fix:     "moved by hand? git worktree repair NEW-PATH; removed? git worktree prune"}}},

		{"leftover", checkLeftovers, func(f *Facts) { f.Worktrees[1].Leftovers = []string{"/src/a/.worktree-ports.json.tmp-1"} },
			[]Finding{{Check: "leftover", Severity: Advice, Path: "/src/a/.worktree-ports.json.tmp-1",
				Message: "temporary file left by an interrupted allocate: /src/a/.worktree-ports.json.tmp-1",
				Fix:     "rm /src/a/.worktree-ports.json.tmp-1   (the reservation itself is intact: writes are atomic)"}}},

		{"hooks-path", checkHooksPath, func(f *Facts) {
			f.Hook.Options.HooksPath, f.Hook.Options.HooksDir, f.Hook.HooksPathUntracked = ".husky/_", "/src/shop/.husky/_", true
		}, []Finding{{Check: "hooks-path", Severity: Advice, Path: "/src/shop/.husky/_",
			Message: "core.hooksPath=.husky/_ is relative and not committed, so new worktrees do not have it until it is generated there (husky: npm install)",
			Fix:     "git config core.hooksPath /src/shop/.husky/_   (absolute, shared by every worktree), or run your hook manager's install in each new worktree"}}},

		{"hook: not installed is advice", checkHook, func(f *Facts) { f.Hook.State = hooks.State{Path: "/src/shop/.git/hooks/post-checkout"} },
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
			f.Hook.State, f.Hook.Err = hooks.State{Path: "/src/shop/.git/hooks/post-checkout"}, fs.ErrPermission
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
