package claim

import (
	"testing"
	"time"

	"github.com/git-worktree-ports/git-worktree-ports/internal/bundle"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
)

func TestKeepsRule(t *testing.T) {
	spec := bundle.Spec{Range: bundle.Range{Lo: 20000, Hi: 29999}, Width: 10}
	old := time.Unix(1000, 0)
	newer := time.Unix(2000, 0)
	sib := func(name string, base int, mod time.Time, repo string) Sibling {
		return Sibling{
			Worktree:    gitwt.Worktree{Path: "/src/" + name},
			Reservation: reserve.Reservation{Base: base, Width: 10},
			ModTime:     mod, Repo: repo,
		}
	}
	// The sibling's own preferred slot, so that "preferred" can be told apart.
	prefB := spec.BaseOf(bundle.Preferred("repo", "b", spec.Slots()))
	tests := []struct {
		name         string
		ownPreferred bool
		ownMod       time.Time
		ownPath      string
		s            Sibling
		want         bool
	}{
		{"own preferred beats an older sibling", true, newer, "/src/a", sib("b", prefB+10, old, ""), true},
		{"sibling on its preferred slot wins", false, old, "/src/a", sib("b", prefB, newer, ""), false},
		{"neither preferred: older file keeps", false, old, "/src/a", sib("b", prefB+10, newer, ""), true},
		{"neither preferred: newer file moves", false, newer, "/src/a", sib("b", prefB+10, old, ""), false},
		{"tie: path that sorts first keeps", false, old, "/src/a", sib("b", prefB+10, old, ""), true},
		{"tie, other side", false, old, "/src/c", sib("b", prefB+10, old, ""), false},
		{"other repository: preference ignored, age decides", true, newer, "/src/a", sib("b", prefB, old, "api"), false},
	}
	for _, tt := range tests {
		if got := Keeps(false, tt.ownPreferred, tt.ownMod, tt.ownPath, tt.s, spec, "repo"); got != tt.want {
			t.Errorf("%s: keeps = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestKeepsRuleIsAntisymmetric checks the property the rule exists for: of two
// overlapping worktrees, exactly one keeps its bundle, whichever side asks.
func TestKeepsRuleIsAntisymmetric(t *testing.T) {
	spec := bundle.Spec{Range: bundle.Range{Lo: 20000, Hi: 20099}, Width: 10}
	times := []time.Time{time.Unix(1, 0), time.Unix(2, 0)}
	for _, nameA := range []string{"a", "b", "c", "main"} {
		for _, nameB := range []string{"a", "b", "c", "d"} {
			if nameA == nameB {
				continue
			}
			for baseA := 20000; baseA < 20100; baseA += 10 {
				for _, ta := range times {
					for _, tb := range times {
						a := Sibling{Worktree: gitwt.Worktree{Path: "/w/" + nameA}, Reservation: reserve.Reservation{Base: baseA, Width: 10}, ModTime: ta}
						b := Sibling{Worktree: gitwt.Worktree{Path: "/w/" + nameB}, Reservation: reserve.Reservation{Base: baseA, Width: 10}, ModTime: tb}
						slot, _ := spec.SlotOf(baseA)
						aPref := slot == bundle.Preferred("r", nameA, spec.Slots())
						bPref := slot == bundle.Preferred("r", nameB, spec.Slots())
						aKeeps := Keeps(false, aPref, ta, a.Worktree.Path, b, spec, "r")
						bKeeps := Keeps(false, bPref, tb, b.Worktree.Path, a, spec, "r")
						if aKeeps == bKeeps {
							t.Fatalf("%s(base %d, %v) vs %s(%v): both keep = %v", nameA, baseA, ta.Unix(), nameB, tb.Unix(), aKeeps)
						}
					}
				}
			}
		}
	}
}

// TestKeepsRuleMain: a main worktree keeping its main ports keeps them against any other
// reservation, whatever its slot, age or path; a file that only claims to be one (a
// linked worktree's, edited by hand) wins nothing by it. Both sides agree either way.
func TestKeepsRuleMain(t *testing.T) {
	spec := bundle.Spec{Range: bundle.Range{Lo: 20000, Hi: 20099}, Width: 10}
	old, newer := time.Unix(1, 0), time.Unix(2, 0)
	mainRes := reserve.Reservation{Main: true, Base: 20005, Width: 1, Ports: []reserve.Port{{Name: "web", Port: 20005}}}
	linked := reserve.Reservation{Base: 20000, Width: 10}
	for _, tt := range []struct {
		name           string
		aMain, aListed bool // a's file says main; git lists a as the main worktree
		bMain, bListed bool
		aMod, bMod     time.Time
		aKeeps         bool
		aPath, bPath   string
	}{
		{name: "main beats an older linked worktree", aMain: true, aListed: true, aMod: newer, bMod: old, aKeeps: true, aPath: "/w/z", bPath: "/w/a"},
		{name: "a claim without git's word is nothing", aMain: true, aListed: false, aMod: newer, bMod: old, aKeeps: false, aPath: "/w/z", bPath: "/w/a"},
		{name: "two main worktrees: age decides who is named", aMain: true, aListed: true, bMain: true, bListed: true, aMod: old, bMod: newer, aKeeps: true, aPath: "/w/z", bPath: "/w/a"},
	} {
		resA, resB := linked, linked
		if tt.aMain {
			resA = mainRes
		}
		if tt.bMain {
			resB = mainRes
		}
		a := Sibling{Worktree: gitwt.Worktree{Path: tt.aPath}, Reservation: resA, ModTime: tt.aMod, Main: tt.aListed}
		b := Sibling{Worktree: gitwt.Worktree{Path: tt.bPath}, Reservation: resB, ModTime: tt.bMod, Main: tt.bListed}
		aKeeps := Keeps(a.KeepsMain(), false, tt.aMod, tt.aPath, b, spec, "r")
		bKeeps := Keeps(b.KeepsMain(), false, tt.bMod, tt.bPath, a, spec, "r")
		if aKeeps != tt.aKeeps || aKeeps == bKeeps {
			t.Errorf("%s: a keeps = %v, b keeps = %v; want a %v and exactly one", tt.name, aKeeps, bKeeps, tt.aKeeps)
		}
	}
}

// TestKeepsRuleAcrossRepositories: between two repositories only age (then path) counts,
// so another repository's main ports never take an older reservation's, and a newer main
// worktree's file loses to an older bundle. Both sides agree.
func TestKeepsRuleAcrossRepositories(t *testing.T) {
	spec := bundle.Spec{Range: bundle.Range{Lo: 20000, Hi: 20099}, Width: 10}
	old, newer := time.Unix(1, 0), time.Unix(2, 0)
	mainRes := reserve.Reservation{Main: true, Base: 20005, Width: 1, Ports: []reserve.Port{{Name: "web", Port: 20005}}}
	bundleRes := reserve.Reservation{Base: 20000, Width: 10}
	for _, tt := range []struct {
		name       string
		aMod, bMod time.Time
		aKeeps     bool
	}{
		{"an older bundle keeps its ports against a newer main worktree", newer, old, false},
		{"an older main worktree keeps its main ports", old, newer, true},
		{"same age: the path that sorts first", old, old, true},
	} {
		// a is repository x's main worktree; b a linked worktree of repository y. Each
		// sees the other as foreign (Repo set).
		a := Sibling{Worktree: gitwt.Worktree{Path: "/x/main"}, Reservation: mainRes, ModTime: tt.aMod, Main: true, Repo: "x"}
		b := Sibling{Worktree: gitwt.Worktree{Path: "/y/wt"}, Reservation: bundleRes, ModTime: tt.bMod, Repo: "y"}
		aKeeps := Keeps(true, false, tt.aMod, a.Worktree.Path, b, spec, "x")
		bKeeps := Keeps(false, true, tt.bMod, b.Worktree.Path, a, spec, "y")
		if aKeeps != tt.aKeeps || aKeeps == bKeeps {
			t.Errorf("%s: a keeps = %v, b keeps = %v; want a %v and exactly one", tt.name, aKeeps, bKeeps, tt.aKeeps)
		}
		keeper, _, judged := Winner(spec, "x", a, b)
		if !judged || (keeper.Worktree.Path == a.Worktree.Path) != tt.aKeeps {
			t.Errorf("%s: Winner keeps %s (judged %v)", tt.name, keeper.Worktree.Path, judged)
		}
	}
}

// TestWinner: the verdict doctor gives on each overlapping pair, for pairs of this
// repository (the whole rule, with its config's bundle), across repositories (age, then
// path) and within one other repository (no verdict: only doctor there can tell).
func TestWinner(t *testing.T) {
	spec := bundle.Spec{Range: bundle.Range{Lo: 20000, Hi: 20999}, Width: 10}
	const id = "repo"
	pref := func(name string) int { return spec.BaseOf(bundle.Preferred(id, name, spec.Slots())) }
	if pref("a") == pref("b") {
		t.Fatal("a and b prefer one slot: pick other names")
	}
	old, newer := time.Unix(1, 0), time.Unix(2, 0)
	sib := func(name string, base int, mod time.Time, repo string) Sibling {
		return Sibling{Worktree: gitwt.Worktree{Path: "/src/" + name}, Reservation: reserve.Reservation{Base: base, Width: 10}, ModTime: mod, Repo: repo}
	}
	mainSib := func(name string, mod time.Time) Sibling {
		return Sibling{Worktree: gitwt.Worktree{Path: "/src/" + name}, Reservation: reserve.Reservation{Main: true, Base: pref("a"), Width: 1}, ModTime: mod, Main: true}
	}
	for _, tt := range []struct {
		name   string
		spec   bundle.Spec
		a, b   Sibling
		keeper string
		judged bool
	}{
		{"this repository: the one on its preferred slot, though newer", spec, sib("a", pref("a"), newer, ""), sib("b", pref("a"), old, ""), "/src/a", true},
		{"this repository: the other side asks", spec, sib("b", pref("a"), old, ""), sib("a", pref("a"), newer, ""), "/src/a", true},
		{"this repository: neither preferred, the older", spec, sib("a", pref("b")+10, newer, ""), sib("b", pref("b")+10, old, ""), "/src/b", true},
		{"this repository: same age, the path that sorts first", spec, sib("b", pref("b")+10, old, ""), sib("a", pref("b")+10, old, ""), "/src/a", true},
		{"this repository: a main worktree on its main ports", spec, sib("a", pref("a"), old, ""), mainSib("shop", newer), "/src/shop", true},
		{"no config: no slot is preferred, the older", bundle.Spec{Range: bundle.Range{Lo: 1, Hi: bundle.MaxPort}}, sib("a", pref("a"), newer, ""), sib("b", pref("a"), old, ""), "/src/b", true},
		{"another repository: age, though this one is preferred", spec, sib("a", pref("a"), newer, ""), sib("b", pref("a"), old, "api"), "/src/b", true},
		{"two other repositories: age", spec, sib("a", pref("a"), old, "api"), sib("b", pref("a"), newer, "web"), "/src/a", true},
		{"one other repository: no verdict", spec, sib("a", pref("a"), newer, "api"), sib("b", pref("a"), old, "api"), "/src/a", false},
	} {
		keeper, loser, judged := Winner(tt.spec, id, tt.a, tt.b)
		if keeper.Worktree.Path != tt.keeper || judged != tt.judged {
			t.Errorf("%s: Winner keeps %s (judged %v), want %s (judged %v)", tt.name, keeper.Worktree.Path, judged, tt.keeper, tt.judged)
		}
		if loser.Worktree.Path == keeper.Worktree.Path {
			t.Errorf("%s: the loser is the keeper", tt.name)
		}
	}
}
