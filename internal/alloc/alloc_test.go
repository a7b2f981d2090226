package alloc

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/git-worktree-ports/git-worktree-ports/internal/bundle"
	"github.com/git-worktree-ports/git-worktree-ports/internal/config"
	"github.com/git-worktree-ports/git-worktree-ports/internal/diag"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gittest"
	"github.com/git-worktree-ports/git-worktree-ports/internal/listener"
	"github.com/git-worktree-ports/git-worktree-ports/internal/lock"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
	"github.com/git-worktree-ports/git-worktree-ports/internal/trust"
)

// world is a sandbox with a repository "shop" whose committed config is cfg, and a
// prober that says bound what bound holds. No port is bound for real: the ranges here
// only need to be unlike each other's within one test.
type world struct {
	s     *gittest.Sandbox
	top   string
	bound map[int]bool
}

// newWorld makes the repository, trusting every repository of the sandbox (so a config
// with vars or main ports is approved) unless untrusted.
func newWorld(t *testing.T, cfg string, trusted bool) *world {
	t.Helper()
	s := gittest.New(t)
	if trusted {
		s.Git(s.Root, "config", "--global", "--add", "worktree-ports.trustedPath", s.Root)
	}
	top := s.Path("shop")
	s.Git(s.Root, "init", "-q", top)
	s.Write(filepath.Join(top, config.FileName), cfg)
	s.Git(top, "add", config.FileName)
	s.Git(top, "commit", "-q", "-m", "init")
	return &world{s: s, top: top, bound: map[int]bool{}}
}

// linked adds a linked worktree Root/name.
func (w *world) linked(t *testing.T, name string) string {
	t.Helper()
	dir := w.s.Path(name)
	w.s.Git(w.top, "worktree", "add", "-q", "--detach", dir)
	return dir
}

// run allocates in dir with the options mod sets, and returns the result, the warnings
// and the error.
func (w *world) run(t *testing.T, dir string, mod func(*Options)) (*Result, []diag.Warning, error) {
	t.Helper()
	var said []diag.Warning
	o := Options{
		Dir: dir, Env: w.s.Env,
		Prober: listener.ProberFunc(func(p int) bool { return w.bound[p] }),
		Diag: diag.New(func(err error) {
			x := diag.Warning{Text: err.Error()}
			errors.As(err, &x)
			said = append(said, x)
		}, nil),
	}
	if mod != nil {
		mod(&o)
	}
	res, err := Allocate(context.Background(), o)
	return res, said, err
}

// texts joins the warnings' texts, one a line.
func texts(ws []diag.Warning) string {
	var b strings.Builder
	for _, x := range ws {
		b.WriteString(x.Text + "\n")
	}
	return b.String()
}

// mustAlloc allocates in dir and fails the test on an error.
func (w *world) mustAlloc(t *testing.T, dir string, mod func(*Options)) (*Result, string) {
	t.Helper()
	res, said, err := w.run(t, dir, mod)
	if err != nil {
		t.Fatalf("allocate in %s: %v", filepath.Base(dir), err)
	}
	return res, texts(said)
}

// wantIn fails the test unless each of wants is in got.
func wantIn(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(got, want) {
			t.Errorf("%s:\n%s\nwant it to hold %q", what, got, want)
		}
	}
}

const twoServices = `{"range": "40000-40099", "services": {"web": 0, "api": 1}}`

// TestPhasesLinked runs every phase for linked worktrees: prepare reads the config,
// choose takes the preferred slot, keeps it, steps past a bound one, pins; finish
// excludes the file and writes nothing on a dry run.
func TestPhasesLinked(t *testing.T) {
	t.Parallel()
	w := newWorld(t, twoServices, false)
	b := w.linked(t, "shop-b")

	res, said := w.mustAlloc(t, b, nil)
	if res.Outcome != Preferred || !res.Wrote || said != "" {
		t.Fatalf("first allocate: %+v, warnings %q", res, said)
	}
	wantIn(t, "message", res.Message, "shop-b: slot ", "(preferred slot)")
	if got, err := os.ReadFile(res.Path); err != nil || string(got) != string(res.Data) {
		t.Errorf("file %q, %v; want the result's data", got, err)
	}
	exclude, _ := os.ReadFile(filepath.Join(w.top, ".git", "info", "exclude"))
	wantIn(t, "info/exclude", string(exclude), reserve.FileName)

	again, _ := w.mustAlloc(t, b, nil)
	if again.Outcome != Kept || again.Wrote || again.Reservation.Base != res.Reservation.Base {
		t.Errorf("second allocate: %+v, want the bundle kept", again)
	}

	// A dry run says what it would write, and writes nothing (nor takes a lock).
	c := w.linked(t, "shop-c")
	dry, _ := w.mustAlloc(t, c, func(o *Options) { o.DryRun = true })
	wantIn(t, "dry run", dry.Message, "dry run: shop-c: ")
	if _, err := os.Lstat(filepath.Join(c, reserve.FileName)); err == nil || dry.Wrote {
		t.Error("a dry run wrote the file")
	}

	// The preferred slot bound by a process: the next free slot, saying why.
	for p := dry.Reservation.Base; p < dry.Reservation.Base+dry.Reservation.Width; p++ {
		w.bound[p] = true
	}
	moved, _ := w.mustAlloc(t, c, nil)
	if moved.Outcome != Moved || moved.Reservation.Base == dry.Reservation.Base || moved.Reservation.Base == res.Reservation.Base {
		t.Errorf("preferred slot bound: %+v", moved)
	}
	wantIn(t, "moved", moved.Message, "is in use; using slot ")

	// --base: a free slot base is pinned; others are refused, naming why.
	d := w.linked(t, "shop-d")
	pins := []struct {
		base    int
		wantErr string
	}{
		{40005, "--base 40005: not a slot base of range 40000-40099 with width 10"},
		{res.Reservation.Base, "are reserved by ../shop-b"},
		{40090, ""},
	}
	for _, p := range pins {
		got, _, err := w.run(t, d, func(o *Options) { o.Base = p.base })
		switch {
		case p.wantErr == "" && (err != nil || got.Outcome != Pinned || got.Reservation.Base != p.base):
			t.Errorf("--base %d: %+v, %v; want it pinned", p.base, got, err)
		case p.wantErr != "" && (err == nil || !strings.Contains(err.Error(), p.wantErr)):
			t.Errorf("--base %d: %v; want %q", p.base, err, p.wantErr)
		}
	}
}

// writeRes writes r to dir's reservation file as it is (no proof unless r has one).
func (w *world) writeRes(t *testing.T, dir string, r reserve.Reservation) {
	t.Helper()
	data, err := reserve.Marshal(nil, r)
	if err != nil {
		t.Fatal(err)
	}
	w.s.Write(filepath.Join(dir, reserve.FileName), string(data))
}

// seal signs r with the sandbox user's key (signingKey), as allocate does.
func (w *world) seal(t *testing.T, r reserve.Reservation) reserve.Reservation {
	t.Helper()
	r, err := trust.Seal(signingKey(w.s.Getenv, func(s string) { t.Fatal(s) }), r)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestReadOwn: the choose phase reads this worktree's file first: a broken file is
// refused unless --force replaces it, one with values no config allows is chosen again,
// and a directory in its place is refused before anything else.
func TestReadOwn(t *testing.T) {
	t.Parallel()
	w := newWorld(t, twoServices, false)
	b := w.linked(t, "shop-b")
	file := filepath.Join(b, reserve.FileName)
	tests := []struct {
		name, content string
		force         bool
		wantErr       string
		wantWarn      string
	}{
		{name: "broken", content: "{not json", wantErr: "refusing to overwrite it: fix or remove it"},
		{name: "broken, forced", content: "{not json", force: true, wantWarn: "; replacing it (--force)"},
		{name: "out of bounds", content: `{"version": 1, "base": 40000, "width": 10, "slot": 0, "ports": {"web": 70000}}`, wantWarn: "; choosing again"},
		{name: "empty object", content: `{}`, wantErr: "refusing to overwrite it"},
	}
	for _, tt := range tests {
		w.s.Write(file, tt.content)
		res, said, err := w.run(t, b, func(o *Options) { o.Force = tt.force })
		switch {
		case tt.wantErr != "":
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: %v, want %q", tt.name, err, tt.wantErr)
			}
			if got, _ := os.ReadFile(file); string(got) != tt.content {
				t.Errorf("%s: the file was overwritten: %q", tt.name, got)
			}
		case err != nil:
			t.Errorf("%s: %v", tt.name, err)
		default:
			wantIn(t, tt.name+": warnings", texts(said), tt.wantWarn)
			if res.Outcome != Preferred || !res.Wrote {
				t.Errorf("%s: %+v, want a new bundle written", tt.name, res)
			}
		}
	}

	if err := os.Remove(file); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(file, 0o755); err != nil {
		t.Fatal(err)
	}
	_, _, err := w.run(t, b, func(o *Options) { o.Force = true })
	if err == nil || !strings.Contains(err.Error(), "is a directory, not a reservation file; remove it") {
		t.Errorf("a directory: %v", err)
	}
}

// TestKeepRewrites: an existing reservation that fits the config is rewritten at its
// base when only the file differs (no proof, a new service, what it records), saying
// why, and keeps its age.
func TestKeepRewrites(t *testing.T) {
	t.Parallel()
	w := newWorld(t, twoServices, true)
	b := w.linked(t, "shop-b")
	first, _ := w.mustAlloc(t, b, nil)
	mine := first.Reservation
	cfgB := filepath.Join(b, config.FileName)

	// Hand-written (no proof): the same bundle, signed.
	unsigned := mine
	unsigned.Proof = ""
	w.writeRes(t, b, unsigned)
	res, _ := w.mustAlloc(t, b, nil)
	if res.Outcome != Updated || res.Reservation.Base != mine.Base {
		t.Errorf("unsigned: %+v", res)
	}
	wantIn(t, "unsigned", res.Message, "; signed it as yours")

	// A new service: ports rewritten at the same base, the file keeping its age.
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	if err := os.Chtimes(res.Path, old, old); err != nil {
		t.Fatal(err)
	}
	w.s.Write(cfgB, `{"range": "40000-40099", "services": {"web": 0, "api": 1, "db": 2}}`)
	res, _ = w.mustAlloc(t, b, nil)
	wantIn(t, "new service", res.Message, "; updated ports/env from the config")
	if fi, err := os.Stat(res.Path); err != nil || !fi.ModTime().Equal(old) {
		t.Errorf("updated file: modification time %v, want the kept %v", fi.ModTime(), old)
	}

	// A file that differs only in what it records (its worktree name): rewritten.
	renamed := res.Reservation
	renamed.Worktree = "elsewhere"
	w.writeRes(t, b, w.seal(t, renamed))
	res, _ = w.mustAlloc(t, b, nil)
	wantIn(t, "renamed", res.Message, "; updated its file")

}

// TestKeepMoves: an existing reservation that no longer fits the config, or loses an
// overlap, is chosen again, saying why.
func TestKeepMoves(t *testing.T) {
	t.Parallel()
	w := newWorld(t, twoServices, true)
	b, c := w.linked(t, "shop-b"), w.linked(t, "shop-c")
	first, _ := w.mustAlloc(t, b, nil)
	mine := first.Reservation
	cfgB := filepath.Join(b, config.FileName)
	mainFile := mine
	mainFile.Main = true
	offs := []struct {
		name, cfg string
		file      *reserve.Reservation
		wantWarn  string
	}{
		{"width", `{"range": "40000-40099", "width": 20, "services": {"web": 0}}`, nil, "does not fit the current config (range 40000-40099, width 20)"},
		{"avoided", `{"range": "40000-40099", "services": {"web": 0, "api": 1, "db": 2}, "avoid": ["` + strconv.Itoa(mine.Base+1) + `"]}`, nil, "is on the avoid list; choosing again"},
		{"main port", `{"range": "40000-40099", "services": {"web": {"offset": 0, "main": 41000}, "api": {"offset": 1, "main": ` + strconv.Itoa(mine.Base+1) + `}, "db": {"offset": 2, "main": 41002}}}`, nil, "which the main worktree keeps (services.api.main); choosing again"},
		{"main file", `{"range": "40000-40099", "services": {"web": 0, "api": 1, "db": 2}}`, &mainFile, "holds main ports (\"main\": true), which only the main worktree keeps"},
	}
	for _, tt := range offs {
		w.s.Write(cfgB, tt.cfg)
		if tt.file != nil {
			w.writeRes(t, b, *tt.file)
		} else {
			w.writeRes(t, b, mine)
		}
		res, said := w.mustAlloc(t, b, nil)
		wantIn(t, tt.name, said, tt.wantWarn)
		if res.Outcome != Preferred && res.Outcome != Moved {
			t.Errorf("%s: outcome %s, want a new bundle", tt.name, res.Outcome)
		}
	}

	// Two worktrees with one bundle (a copy of the file with its place rewritten): the
	// older file keeps it, the newer moves.
	w.s.Write(cfgB, twoServices)
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	w.writeRes(t, b, mine)
	if err := os.Chtimes(filepath.Join(b, reserve.FileName), old, old); err != nil {
		t.Fatal(err)
	}
	theirs := mine
	theirs.Worktree, theirs.Root, theirs.GitDir = "shop-c", c, filepath.Join(w.top, ".git", "worktrees", "shop-c")
	w.writeRes(t, c, theirs)
	res, said := w.mustAlloc(t, c, nil)
	wantIn(t, "overlap", said, "overlaps ../shop-b")
	if res.Reservation.Base == mine.Base {
		t.Errorf("the newer file kept the older's bundle %d", mine.Base)
	}
	if kept, _ := w.mustAlloc(t, b, nil); kept.Outcome != Kept && kept.Outcome != Updated {
		t.Errorf("the older file: %s, want kept", kept.Outcome)
	}
}

const mainServices = `{"range": "40200-40219", "services": {"web": {"offset": 0, "main": 40250}, "api": {"offset": 1, "main": 40205}}}`

// TestMainPorts: in the main worktree, choose takes the ports the config names, keeps
// them, refuses --base, and names whatever else holds one (a linked worktree's bundle, a
// process) while keeping it; a linked worktree never takes a slot holding one.
func TestMainPorts(t *testing.T) {
	t.Parallel()
	w := newWorld(t, mainServices, true)
	b := w.linked(t, "shop-b")

	linked, _ := w.mustAlloc(t, b, nil)
	if linked.Reservation.Base != 40210 {
		t.Errorf("linked worktree: base %d, want 40210 (40200-40209 holds api's main port)", linked.Reservation.Base)
	}
	// What is bound on a main port is named, and kept.
	w.bound[40250] = true
	res, said := w.mustAlloc(t, w.top, nil)
	if res.Outcome != MainPorts || !res.Reservation.Main || mainPortsText(res.Reservation) != "web 40250, api 40205" {
		t.Errorf("main worktree: %+v", res)
	}
	wantIn(t, "main", res.Message, "shop: main worktree, ports web 40250, api 40205 (services.<name>.main)")
	wantIn(t, "bound main port", said, "port 40250 (web) is in use by a process the OS does not name; the main worktree keeps it")
	delete(w.bound, 40250)

	kept, _ := w.mustAlloc(t, w.top, nil)
	if kept.Outcome != Kept {
		t.Errorf("again: %s, want kept", kept.Outcome)
	}
	wantIn(t, "kept", kept.Message, "main worktree, kept its ports web 40250, api 40205")
	if _, _, err := w.run(t, w.top, func(o *Options) { o.Base = 40210 }); err == nil || !strings.Contains(err.Error(), "--base is for linked worktrees") {
		t.Errorf("--base in the main worktree: %v", err)
	}
	if _, _, err := w.run(t, b, func(o *Options) { o.Base = 40200 }); err == nil || !strings.Contains(err.Error(), "port 40205 is the main worktree's (services.api.main)") {
		t.Errorf("--base on a main port: %v", err)
	}

	// A linked worktree's file on a main port: named, and the main worktree keeps it.
	onMain := linked.Reservation
	onMain.Base, onMain.Slot = 40200, 0
	onMain.Ports = []reserve.Port{{Name: "web", Port: 40200}, {Name: "api", Port: 40201}}
	w.writeRes(t, b, w.seal(t, onMain))
	_, said = w.mustAlloc(t, w.top, nil)
	wantIn(t, "held by a linked worktree", said, "port 40205 (api) is also reserved by ../shop-b; the main worktree keeps it, and it moves off it at its next allocate")

	// From a bundle to main ports, saying which bundle it leaves.
	bundleFile := linked.Reservation
	bundleFile.Worktree, bundleFile.Root, bundleFile.GitDir = "shop", w.top, filepath.Join(w.top, ".git")
	w.writeRes(t, w.top, w.seal(t, bundleFile))
	res, _ = w.mustAlloc(t, w.top, nil)
	wantIn(t, "from a bundle", res.Message, "(services.<name>.main), instead of slot 1, ports 40210-40219")
}

// TestMainHeldElsewhere: another repository's earlier main worktree keeps a main port it
// shares with this one, which takes a bundle of its range instead, saying why.
func TestMainHeldElsewhere(t *testing.T) {
	t.Parallel()
	w := newWorld(t, mainServices, true)
	first, _ := w.mustAlloc(t, w.top, nil)
	if first.Outcome != MainPorts {
		t.Fatalf("first main worktree: %s", first.Outcome)
	}
	other := w.s.Path("other")
	w.s.Git(w.s.Root, "init", "-q", other)
	w.s.Write(filepath.Join(other, config.FileName), `{"range": "40300-40319", "services": {"web": {"offset": 0, "main": 40350}, "api": {"offset": 1, "main": 40205}}}`)
	w.s.Git(other, "add", config.FileName)
	w.s.Git(other, "commit", "-q", "-m", "init")
	res, said := w.mustAlloc(t, other, nil)
	if res.Outcome == MainPorts || res.Reservation.Main {
		t.Errorf("the later main worktree took main ports: %+v", res)
	}
	wantIn(t, "held elsewhere", said, "other: main port 40205 (api) is reserved by ../shop (repo shop), an earlier reservation of another repository, which keeps it")
	// And the earlier one keeps its ports, naming the newer claim on them.
	if again, _ := w.mustAlloc(t, w.top, nil); again.Outcome != Kept {
		t.Errorf("the earlier main worktree: %s, want kept", again.Outcome)
	}
}

// TestOrigin: a file copied from another worktree is never kept: its bundle counts as
// taken by the original; a file moved here with its worktree keeps its bundle and is
// updated for its new place.
func TestOrigin(t *testing.T) {
	t.Parallel()
	w := newWorld(t, twoServices, false)
	b := w.linked(t, "shop-b")
	orig, _ := w.mustAlloc(t, b, nil)

	c := w.linked(t, "shop-c")
	w.s.Write(filepath.Join(c, reserve.FileName), string(orig.Data))
	res, said := w.mustAlloc(t, c, nil)
	wantIn(t, "copied", said, "was written for the worktree at "+b+" (copied, cloned or committed?); choosing a bundle of its own")
	if res.Reservation.Base == orig.Reservation.Base {
		t.Errorf("the copy kept the original's bundle %d", orig.Reservation.Base)
	}

	// A copy whose original this worktree cannot see (another machine): its bundle is
	// still the original's, so not taken here even where this worktree prefers it.
	d := w.linked(t, "shop-d")
	dry, _ := w.mustAlloc(t, d, func(o *Options) { o.DryRun = true })
	far := dry.Reservation
	far.Worktree, far.Root, far.GitDir = "shop-d", "/elsewhere/shop-d", "/elsewhere/shop/.git/worktrees/shop-d"
	w.writeRes(t, d, w.seal(t, far))
	res, _ = w.mustAlloc(t, d, nil)
	if res.Outcome != Moved || res.Reservation.Base == far.Base {
		t.Errorf("a copy from elsewhere: %+v, want moved off %d", res, far.Base)
	}
	wantIn(t, "copy from elsewhere", res.Message, "reserved by /elsewhere/shop-d (copied from there); using slot")

	moved := w.s.Path("shop-moved")
	w.s.Git(w.top, "worktree", "move", b, moved)
	res, _ = w.mustAlloc(t, moved, nil)
	if res.Outcome != Updated || res.Reservation.Base != orig.Reservation.Base || res.Reservation.Root != moved {
		t.Errorf("moved: %+v", res)
	}
	wantIn(t, "moved", res.Message, "updated for its new place (moved from "+b+")")
}

// TestExhausted: a full range is an error that says who holds it and what to do.
func TestExhausted(t *testing.T) {
	t.Parallel()
	w := newWorld(t, `{"range": "40400-40419", "services": {"web": 0}}`, false)
	b, c, d := w.linked(t, "shop-b"), w.linked(t, "shop-c"), w.linked(t, "shop-d")
	w.mustAlloc(t, b, nil)
	w.mustAlloc(t, c, nil)
	_, _, err := w.run(t, d, nil)
	if err == nil {
		t.Fatal("a third worktree in a two-slot range: no error")
	}
	wantIn(t, "exhausted", err.Error(),
		"all 2 slots are taken: 2 reserved",
		"Slots reserved by the worktrees of: shop (2)",
		"Widen the range (git config worktree-ports.range 40400-",
		"narrow the width, or free slots with `git worktree-ports release`")

}

// TestExhaustedText: the advice for a full range widens it while it can grow.
func TestExhaustedText(t *testing.T) {
	t.Parallel()
	full := errors.New("all 2 slots are taken")
	tests := []struct {
		r    bundle.Range
		want string
	}{
		{bundle.Range{Lo: 40400, Hi: 40419}, "all 2 slots are taken\nWiden the range (git config worktree-ports.range 40400-40439), narrow the width, or free slots with"},
		{bundle.Range{Lo: 65516, Hi: 65535}, "Widen the range (git config worktree-ports.range 65496-65535), narrow"},
		{bundle.Range{Lo: bundle.MinPort, Hi: bundle.MaxPort}, "all 2 slots are taken\nNarrow the width, or free slots with"},
	}
	for _, tt := range tests {
		a := &allocation{cfg: config.Config{Spec: bundle.Spec{Range: tt.r, Width: 10}}}
		err := a.exhausted(full)
		if !errors.Is(err, full) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("range %v: %q, want it to wrap the error and hold %q", tt.r, err, tt.want)
		}
	}
}

// TestFinish: the last phase writes the dotenv files the approved config names, and
// withdraws the block when the approval goes; prepare warns about a tracked reservation
// and a config that waits for approval.
func TestFinish(t *testing.T) {
	t.Parallel()
	w := newWorld(t, `{"range": "40500-40599", "services": {"web": 0}, "vars": {"DB": "shop_{slot}"}, "dotenv": [".env"]}`, false)
	res, said, err := w.run(t, w.top, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(said) != 1 || said[0].Kind != diag.Unapproved {
		t.Errorf("an unapproved config: warnings %+v, want one UnapprovedNote", said)
	}
	if _, err := os.Lstat(filepath.Join(w.top, ".env")); err == nil || len(res.Dotenv) != 0 {
		t.Error("dotenv written under an unapproved config")
	}

	w.s.Git(w.s.Root, "config", "--global", "--add", "worktree-ports.trustedPath", w.s.Root)
	res, _ = w.mustAlloc(t, w.top, nil)
	env, err := os.ReadFile(filepath.Join(w.top, ".env"))
	if err != nil || len(res.Dotenv) != 1 || res.Dotenv[0] != ".env" {
		t.Fatalf("dotenv: %v, %q", err, res.Dotenv)
	}
	wantIn(t, "dotenv", string(env), "WEB_PORT="+strconv.Itoa(res.Reservation.Base), "DB=shop_")
	wantIn(t, "message", res.Message, "; wrote .env")

	// No longer trusted: the block an approval wrote goes with it.
	w.s.Git(w.s.Root, "config", "--global", "--unset-all", "worktree-ports.trustedPath")
	res, _ = w.mustAlloc(t, w.top, nil)
	wantIn(t, "withdrawn", res.Message, "; removed the block from .env (the config is not approved)")
	if env, err := os.ReadFile(filepath.Join(w.top, ".env")); err == nil && strings.Contains(string(env), "WEB_PORT") {
		t.Errorf("withdrawn: .env still holds the block:\n%s", env)
	}

	w.s.Git(w.top, "add", "-f", reserve.FileName)
	w.s.Git(w.top, "commit", "-q", "-m", "oops")
	_, said, err = w.run(t, w.top, nil)
	tracked := slices.ContainsFunc(said, func(x diag.Warning) bool { return x.Kind == diag.Tracked })
	if err != nil || !tracked {
		t.Errorf("tracked: %v, warnings %+v, want a TrackedWarning", err, said)
	}
}

// TestLockHeld: allocate waits for a repository lock held elsewhere, up to its timeout;
// a dry run takes no lock.
func TestLockHeld(t *testing.T) {
	t.Parallel()
	w := newWorld(t, `{"range": "40600-40699", "services": {"web": 0}}`, false)
	c := w.linked(t, "shop-c")
	lockPath := filepath.Join(w.top, ".git", reserve.LockFileName)
	held, err := reserve.AcquireLock(context.Background(), lockPath, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = held.Release() }()
	var te *lock.TimeoutError
	if _, _, err := w.run(t, c, func(o *Options) { o.LockTimeout = 50 * time.Millisecond }); !errors.As(err, &te) {
		t.Errorf("with the lock held elsewhere: %v, want a *lock.TimeoutError", err)
	}
	// A dry run takes no lock.
	if _, _, err := w.run(t, c, func(o *Options) { o.DryRun = true }); err != nil {
		t.Errorf("dry run with the lock held: %v", err)
	}
}

// TestMainPortListener: a process listening on a main port is named by program and pid
// (here the test itself, which runs outside every worktree), and the port is kept.
func TestMainPortListener(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Skip("cannot listen:", err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	w := newWorld(t, `{"range": "40700-40719", "services": {"web": {"offset": 0, "main": `+strconv.Itoa(port)+`}}}`, true)
	w.bound[port] = true
	res, said := w.mustAlloc(t, w.top, nil)
	if res.Outcome != MainPorts {
		t.Errorf("outcome %s, want main", res.Outcome)
	}
	want := "shop: port " + strconv.Itoa(port) + " (web) is in use by "
	wantIn(t, "listener", said, want)
	if !strings.Contains(said, "(pid "+strconv.Itoa(os.Getpid())+") from outside every worktree; the main worktree keeps it") &&
		!strings.Contains(said, "a process the OS does not name") {
		t.Errorf("listener: %q, want this process named, or none", said)
	}
}

// TestClaimText: a message names a bundle by its range, a main reservation by its ports.
func TestClaimText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		r    reserve.Reservation
		want string
	}{
		{reserve.Reservation{Base: 40000, Width: 10}, "40000-40009"},
		{reserve.Reservation{Base: 40000, Width: 1}, "40000"},
		{reserve.Reservation{Main: true, Base: 3000, Width: 1, Ports: []reserve.Port{{Name: "web", Port: 3000}, {Name: "api", Port: 8000}}}, "main ports 3000, 8000"},
	}
	for _, tt := range tests {
		if got := claimText(tt.r); got != tt.want {
			t.Errorf("claimText(%+v) = %q, want %q", tt.r, got, tt.want)
		}
	}
	if got := serviceOf(tests[2].r, 9999); got != "" {
		t.Errorf("serviceOf a port it lacks = %q", got)
	}
}
