package wtenv

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/git-worktree-ports/git-worktree-ports/internal/config"
	"github.com/git-worktree-ports/git-worktree-ports/internal/diag"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gittest"
	"github.com/git-worktree-ports/git-worktree-ports/internal/render"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
	"github.com/git-worktree-ports/git-worktree-ports/internal/trust"
)

// place is a sandbox with a repository "shop" and a linked worktree "shop-b", where the
// tests write reservation files by hand, signed (or not) with the sandbox user's key,
// and an Allocate that records its calls and returns next.
type place struct {
	s        *gittest.Sandbox
	top, b   string
	calls    int
	next     reserve.Reservation
	warnings []string
}

func newPlace(t *testing.T) *place {
	t.Helper()
	s := gittest.New(t)
	p := &place{s: s, top: s.Repo("shop"), b: s.Path("shop-b")}
	s.Git(p.top, "worktree", "add", "-q", "--detach", p.b)
	p.next = p.res(p.b, reserve.EnvVar{Name: "API_PORT", Value: "22000"})
	return p
}

// res is a reservation of the bundle 22000-22009 written for the worktree dir.
func (p *place) res(dir string, env ...reserve.EnvVar) reserve.Reservation {
	gitDir := filepath.Join(p.top, ".git")
	if dir != p.top {
		gitDir = filepath.Join(gitDir, "worktrees", filepath.Base(dir))
	}
	return reserve.Reservation{
		Version: 1, Worktree: filepath.Base(dir), Root: dir, GitDir: gitDir,
		Base: 22000, Width: 10, Slot: 2, Ports: []reserve.Port{{Name: "api", Port: 22000}}, Env: env,
	}
}

// key is the sandbox user's signing key, made on first use.
func (p *place) key(t *testing.T) []byte {
	t.Helper()
	store, err := trust.Open(p.s.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	key, err := store.Key()
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// write writes r into dir's reservation file, sealed with the user's key when sealed.
func (p *place) write(t *testing.T, dir string, r reserve.Reservation, sealed bool) string {
	t.Helper()
	var err error
	if sealed {
		if r, err = trust.Seal(p.key(t), r); err != nil {
			t.Fatal(err)
		}
	}
	data, err := reserve.Marshal(nil, r)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, reserve.FileName)
	p.s.Write(path, string(data))
	return path
}

// opts are the Options for dir, with env added to the sandbox's.
func (p *place) opts(dir string, env ...string) Options {
	p.warnings = nil
	return Options{
		Dir: dir, Env: append(p.s.Env[:len(p.s.Env):len(p.s.Env)], env...),
		Allocate: func(_ context.Context, root string, _ *diag.Sink) (reserve.Reservation, string, error) {
			p.calls++
			return p.next, "allocated", nil
		},
		Diag: diag.New(func(err error) { p.warnings = append(p.warnings, err.Error()) }, nil),
	}
}

func (p *place) said() string { return strings.Join(p.warnings, "\n") }

// value returns the value of name in vars, and whether it is there.
func value(vars []render.Var, name string) (string, bool) {
	for _, v := range vars {
		if v.Name == name {
			return v.Value, true
		}
	}
	return "", false
}

// TestVarsSigned: a file this user's tool wrote here gives its variables, with the
// worktree's root and slot, and nothing is allocated; a copy of it, or an unsigned or
// committed file, gives none: allocate runs, or NoAllocate refuses saying why.
func TestVarsSigned(t *testing.T) {
	t.Parallel()
	p := newPlace(t)
	ctx := context.Background()
	p.write(t, p.b, p.res(p.b, reserve.EnvVar{Name: "API_PORT", Value: "22000"}), true)
	vars, err := Vars(ctx, p.opts(p.b))
	if err != nil || p.calls != 0 {
		t.Fatalf("signed: %v, %d allocations", err, p.calls)
	}
	for name, want := range map[string]string{config.EnvRoot: p.b, config.EnvSlot: "2", "API_PORT": "22000"} {
		if got, ok := value(vars, name); !ok || got != want {
			t.Errorf("signed: %s = %q (%v), want %q", name, got, ok, want)
		}
	}
	if p.said() != "" {
		t.Errorf("signed: warnings %q", p.said())
	}

	tests := []struct {
		name        string
		dir         string
		r           reserve.Reservation
		sealed      bool
		wantForeign string
	}{
		{"unsigned", p.b, p.res(p.b, reserve.EnvVar{Name: "API_PORT", Value: "22000"}), false, "was not written by your git-worktree-ports (no valid proof"},
		{"copied", p.top, p.res(p.b, reserve.EnvVar{Name: "API_PORT", Value: "22000"}), true, "was written for the worktree at " + p.b},
	}
	for _, tt := range tests {
		path := p.write(t, tt.dir, tt.r, tt.sealed)
		o := p.opts(tt.dir)
		o.NoAllocate = true
		var nr *NoReservationError
		if _, err := Vars(ctx, o); !errors.As(err, &nr) || nr.Foreign != tt.wantForeign && !strings.HasPrefix(nr.Foreign, tt.wantForeign) {
			t.Errorf("%s, --no-allocate: %v, want a *NoReservationError saying %q", tt.name, err, tt.wantForeign)
		} else if !strings.Contains(err.Error(), path+": "+tt.wantForeign) || !strings.Contains(err.Error(), "so it gives no variables") {
			t.Errorf("%s, --no-allocate: %q", tt.name, err)
		}
		before := p.calls
		if _, err := Vars(ctx, p.opts(tt.dir)); err != nil || p.calls != before+1 {
			t.Errorf("%s: %v, allocations %d, want one", tt.name, err, p.calls-before)
		}
	}
	// The copy's ports are read by Port, with a warning that they are another's.
	if port, err := Port(ctx, p.opts(p.top), "api"); err != nil || port != 22000 {
		t.Errorf("copied, Port: %d, %v", port, err)
	}
	if !strings.Contains(p.said(), "was written for the worktree at "+p.b+" (copied, cloned or committed?)") {
		t.Errorf("copied, Port: warnings %q", p.said())
	}
}

// TestLoadRefusals: with NoAllocate, a file that gives no variables is refused in its own
// words: none, one without env, one with values no config allows.
func TestLoadRefusals(t *testing.T) {
	t.Parallel()
	p := newPlace(t)
	ctx := context.Background()
	path := filepath.Join(p.b, reserve.FileName)
	tests := []struct {
		name, content, want string
	}{
		{"none", "", path + ": no reservation (run `git worktree-ports allocate`, or drop --no-allocate)"},
		{"no env", `{"version": 1, "worktree": "shop-b", "base": 22000, "width": 10, "slot": 2, "ports": {"api": 22000}}`, path + `: has no "env" object; run ` + "`git worktree-ports allocate`" + ` to refresh it`},
		{"out of bounds", `{"version": 1, "base": 22000, "width": 10, "slot": 2, "ports": {"api": 70000}}`, "; run `git worktree-ports allocate` to choose again"},
		{"broken", `{"version": `, path},
	}
	for _, tt := range tests {
		_ = os.Remove(path)
		if tt.content != "" {
			p.s.Write(path, tt.content)
		}
		o := p.opts(p.b)
		o.NoAllocate = true
		_, err := Vars(ctx, o)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
	}
	if p.calls != 0 {
		t.Errorf("NoAllocate allocated %d times", p.calls)
	}
}

// TestVarsDropped: a variable that must not reach an environment is dropped with a
// warning naming the file and the key: a refused name, a control character, a name
// that is not one; an inherited WORKTREE_PORTS_ROOT of another worktree is named too.
func TestVarsDropped(t *testing.T) {
	t.Parallel()
	p := newPlace(t)
	path := p.write(t, p.b, p.res(p.b,
		reserve.EnvVar{Name: "API_PORT", Value: "22000"},
		reserve.EnvVar{Name: "LD_PRELOAD", Value: "/tmp/x.so"},
		reserve.EnvVar{Name: "TITLE", Value: "ok\x1b[2K"},
		reserve.EnvVar{Name: "BAD NAME", Value: "x"},
		reserve.EnvVar{Name: config.EnvSlot, Value: "7"},
	), true)
	vars, err := Vars(context.Background(), p.opts(p.b, config.EnvRoot+"="+p.top))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"LD_PRELOAD", "TITLE", "BAD NAME"} {
		if _, ok := value(vars, name); ok {
			t.Errorf("%s reached the environment", name)
		}
	}
	if got, _ := value(vars, config.EnvSlot); got != "2" {
		t.Errorf("%s = %q, want the tool's own 2", config.EnvSlot, got)
	}
	if got, _ := value(vars, "API_PORT"); got != "22000" {
		t.Errorf("API_PORT = %q", got)
	}
	for _, want := range []string{
		"warning: " + config.EnvRoot + "=" + p.top + " was inherited from another worktree; printing the ports of " + p.b,
		"warning: " + path + ": env.LD_PRELOAD: dropped: ",
		"warning: " + path + ": env.TITLE: dropped: its value holds control character U+001B (ESC)",
		"warning: " + path + `: env."BAD NAME": dropped: `,
		"warning: " + path + ": env." + config.EnvSlot + ": dropped: it is set by git-worktree-ports itself",
	} {
		if !strings.Contains(p.said(), want) {
			t.Errorf("warnings:\n%s\nwant %q", p.said(), want)
		}
	}
	// The same root inherited from this worktree says nothing.
	if _, err := Vars(context.Background(), p.opts(p.b, config.EnvRoot+"="+p.b)); err != nil || strings.Contains(p.said(), "inherited") {
		t.Errorf("its own root inherited: %v, %q", err, p.said())
	}
}

// TestVarsControlRoot: a worktree path with a control character gives no
// WORKTREE_PORTS_ROOT, and says so.
func TestVarsControlRoot(t *testing.T) {
	t.Parallel()
	p := newPlace(t)
	odd := p.s.Path("shop\x1bodd")
	p.s.Git(p.top, "worktree", "add", "-q", "--detach", odd)
	p.write(t, odd, p.res(odd, reserve.EnvVar{Name: "API_PORT", Value: "22000"}), true)
	vars, err := Vars(context.Background(), p.opts(odd))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := value(vars, config.EnvRoot); ok {
		t.Error("a root with a control character reached the environment")
	}
	if !strings.Contains(p.said(), "warning: "+config.EnvRoot+": dropped: the worktree's path holds control character U+001B (ESC)") {
		t.Errorf("warnings %q", p.said())
	}
}

// TestMovedHere: a file written before its worktree moved keeps its ports, with a note;
// one that records no place but another worktree's name is named as a copy.
func TestMovedHere(t *testing.T) {
	t.Parallel()
	p := newPlace(t)
	p.write(t, p.b, p.res(p.b, reserve.EnvVar{Name: "API_PORT", Value: "22000"}), true)
	moved := p.s.Path("shop-moved")
	p.s.Git(p.top, "worktree", "move", p.b, moved)
	vars, err := Vars(context.Background(), p.opts(moved))
	if err != nil || p.calls != 0 {
		t.Fatalf("moved: %v, %d allocations", err, p.calls)
	}
	if got, _ := value(vars, "API_PORT"); got != "22000" {
		t.Errorf("moved: API_PORT = %q", got)
	}
	if want := "note: " + filepath.Join(moved, reserve.FileName) + " was written at " + p.b + ", before this worktree moved; its ports stay the same"; !strings.Contains(p.said(), want) {
		t.Errorf("moved: warnings %q, want %q", p.said(), want)
	}

	placeless := p.res(moved, reserve.EnvVar{Name: "API_PORT", Value: "22000"})
	placeless.Root, placeless.GitDir, placeless.Worktree = "", "", "other"
	p.write(t, moved, placeless, false)
	if port, err := Port(context.Background(), p.opts(moved), "api"); err != nil || port != 22000 {
		t.Errorf("placeless: %d, %v", port, err)
	}
	if want := `was written for worktree "other", not "shop-moved" (copied or committed?)`; !strings.Contains(p.said(), want) {
		t.Errorf("placeless: warnings %q, want %q", p.said(), want)
	}
}

// TestPortUnknown: Port names the services the file has, or says it has none.
func TestPortUnknown(t *testing.T) {
	t.Parallel()
	p := newPlace(t)
	path := p.write(t, p.b, p.res(p.b), true)
	var ue *UnknownServiceError
	if _, err := Port(context.Background(), p.opts(p.b), "web"); !errors.As(err, &ue) || err.Error() != `unknown service "web" (known: api)` {
		t.Errorf("unknown: %v", err)
	}
	none := p.res(p.b, reserve.EnvVar{Name: "X", Value: "1"})
	none.Ports = nil
	p.write(t, p.b, none, true)
	if _, err := Port(context.Background(), p.opts(p.b), "web"); err == nil || err.Error() != `unknown service "web": `+path+` lists no services` {
		t.Errorf("no services: %v", err)
	}
}

// approvedPlace is a place whose worktree shop-b has a config with a var, and a signed
// file rendered under its approval id with prefix: with its var, or the ports alone when
// pending (trust.PendingPrefix). The config is older than the file, as after allocate.
func approvedPlace(t *testing.T, prefix string) (*place, string) {
	t.Helper()
	p := newPlace(t)
	data := `{"range": "22000-22099", "services": {"api": 0}, "vars": {"DB": "shop_{slot}"}}`
	p.s.Write(filepath.Join(p.b, config.FileName), data)
	id := trust.ID(filepath.Join(p.top, ".git"), config.DigestOf([]byte(data)))
	r := p.res(p.b, reserve.EnvVar{Name: "API_PORT", Value: "22000"}, reserve.EnvVar{Name: "DB", Value: "shop_2"})
	r.Approval = prefix + id
	if prefix == trust.PendingPrefix {
		r.Env = r.Env[:1]
	}
	p.write(t, p.b, r, true)
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(filepath.Join(p.b, config.FileName), old, old); err != nil {
		t.Fatal(err)
	}
	return p, id
}

// changeConfig gives shop-b a config with another var value, newer than its file.
func changeConfig(t *testing.T, p *place) {
	cfg := filepath.Join(p.b, config.FileName)
	p.s.Write(cfg, `{"range": "22000-22099", "services": {"api": 0}, "vars": {"DB": "evil_{slot}"}}`)
	// Newer than the file, as after a checkout or a pull.
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(cfg, later, later); err != nil {
		t.Fatal(err)
	}
}

// changeAndApprove changes the config and approves its new content.
func changeAndApprove(t *testing.T, p *place) {
	changeConfig(t, p)
	data, err := os.ReadFile(filepath.Join(p.b, config.FileName))
	if err != nil {
		t.Fatal(err)
	}
	store, err := trust.Open(p.s.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Approve(filepath.Join(p.top, ".git"), config.DigestOf(data)); err != nil {
		t.Fatal(err)
	}
}

// trustRoot trusts every repository of the sandbox in the user's git config.
func trustRoot(t *testing.T, p *place) {
	p.s.Git(p.s.Root, "config", "--global", "--add", "worktree-ports.trustedPath", p.s.Root)
}

// TestApproval: a file rendered under an approval gives its env while the approval
// stands; revoked, or the config changed since, it gives the ports alone with a note; a
// pending file gives the ports alone until its config is approved, and is then allocated
// again (or, with NoAllocate, says so); one written under a trusted directory stands
// while git config still trusts it.
func TestApproval(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name             string
		prefix           string // trust.PendingPrefix, trust.PathPrefix or ""
		approve, revoke  bool
		then             func(*testing.T, *place)
		noAllocate       bool
		wantDB, wantNote string // DB's value, "" for none; a part of the warnings, "" for none
		wantAllocations  int
	}{
		{name: "approved", approve: true, wantDB: "shop_2"},
		{name: "revoked", approve: true, revoke: true, wantNote: "; not approved, so only the ports are used"},
		{name: "config changed since", approve: true, then: changeConfig, wantNote: "; changed since you approved it, so only the ports are used"},
		{name: "config changed since, approved too", approve: true, then: changeAndApprove, wantDB: "shop_2"},
		{name: "pending, config changed and approved", prefix: trust.PendingPrefix, then: changeAndApprove, wantAllocations: 1, wantDB: "shop_2"},
		{name: "pending", prefix: trust.PendingPrefix, wantNote: "; not approved, so only the ports are used"},
		{name: "pending, approved since", prefix: trust.PendingPrefix, approve: true, wantAllocations: 1, wantDB: "shop_2"},
		{name: "pending, approved since, NoAllocate", prefix: trust.PendingPrefix, approve: true, noAllocate: true, wantNote: reserve.FileName + " was written; run `git worktree-ports allocate` to use all of it"},
		{name: "trusted path, no longer trusted", prefix: trust.PathPrefix, wantNote: "not approved"},
		{name: "trusted path", prefix: trust.PathPrefix, then: trustRoot, wantDB: "shop_2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, id := approvedPlace(t, tt.prefix)
			store, err := trust.Open(p.s.Getenv)
			if err != nil {
				t.Fatal(err)
			}
			commonDir := filepath.Join(p.top, ".git")
			if tt.approve {
				if err := store.Approve(commonDir, trust.DigestOf(id)); err != nil {
					t.Fatal(err)
				}
			}
			if tt.revoke {
				if n, err := store.Revoke(commonDir); err != nil || n != 1 {
					t.Fatalf("revoke: %d, %v", n, err)
				}
			}
			if tt.then != nil {
				tt.then(t, p)
			}
			// What allocate writes under an approval that stands.
			p.next.Env = append(p.next.Env, reserve.EnvVar{Name: "DB", Value: "shop_2"})
			p.next.Approval = id
			o := p.opts(p.b)
			o.NoAllocate = tt.noAllocate
			vars, err := Vars(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			if got, _ := value(vars, "DB"); got != tt.wantDB {
				t.Errorf("DB = %q, want %q", got, tt.wantDB)
			}
			if got, _ := value(vars, "API_PORT"); got != "22000" {
				t.Errorf("API_PORT = %q, want the port in any case", got)
			}
			if tt.wantNote == "" && p.said() != "" || !strings.Contains(p.said(), tt.wantNote) {
				t.Errorf("warnings %q, want %q", p.said(), tt.wantNote)
			}
			if p.calls != tt.wantAllocations {
				t.Errorf("%d allocations, want %d", p.calls, tt.wantAllocations)
			}
		})
	}
}

// TestVarsStale: a file older than a config that now gives other ports is used as it is,
// with a warning to allocate again.
func TestVarsStale(t *testing.T) {
	t.Parallel()
	p := newPlace(t)
	path := p.write(t, p.b, p.res(p.b, reserve.EnvVar{Name: "API_PORT", Value: "22000"}), true)
	cfg := filepath.Join(p.b, config.FileName)
	p.s.Write(cfg, `{"range": "22000-22099", "services": {"api": 0, "web": 1}}`)
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(cfg, later, later); err != nil {
		t.Fatal(err)
	}
	vars, err := Vars(context.Background(), p.opts(p.b))
	if got, _ := value(vars, "API_PORT"); err != nil || got != "22000" || p.calls != 0 {
		t.Errorf("stale: API_PORT = %q, %v, %d allocations", got, err, p.calls)
	}
	want := "warning: " + path + " is older than " + config.FileName + " and does not match it ("
	if !strings.Contains(p.said(), want) || !strings.Contains(p.said(), "run `git worktree-ports allocate` to update it") {
		t.Errorf("stale: warnings %q, want %q", p.said(), want)
	}
}
