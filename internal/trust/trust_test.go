package trust

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
	"github.com/git-worktree-ports/git-worktree-ports/internal/safefile"
)

func TestIDs(t *testing.T) {
	digest := strings.Repeat("ab", 32)
	id := ID("/src/shop/.git", digest)
	tests := []struct {
		id, digest, repo string
	}{
		{id, digest, id[:32]},
		{PendingPrefix + id, digest, id[:32]},
		{PathPrefix + id, digest, id[:32]},
		{ID("/src/shop/.git", ""), "", id[:32]},
		{"nonsense", "", "nonsense"},
		{id[:32] + "-not-hex", "", id[:32]},
	}
	for _, tt := range tests {
		if got := DigestOf(tt.id); got != tt.digest {
			t.Errorf("DigestOf(%q) = %q, want %q", tt.id, got, tt.digest)
		}
		if got := Repo(tt.id); got != tt.repo {
			t.Errorf("Repo(%q) = %q, want %q", tt.id, got, tt.repo)
		}
	}
	if ID("/src/shop/.git", digest) == ID("/src/other/.git", digest) {
		t.Error("two repositories share an approval ID")
	}
	if ID("/src/shop/.git", digest) == ID("/src/shop/.git", strings.Repeat("cd", 32)) {
		t.Error("two contents share an approval ID")
	}
}

func TestApproveRevoke(t *testing.T) {
	s := Store{Dir: filepath.Join(t.TempDir(), "state", "git-worktree-ports", DirName)}
	d1, d2 := strings.Repeat("1", 64), strings.Repeat("2", 64)
	shop, other := filepath.Join(t.TempDir(), "shop.git"), filepath.Join(t.TempDir(), "other.git")
	if s.Approved(ID(shop, d1)) || s.Has(shop) {
		t.Fatal("approved before any approval")
	}
	for _, a := range []struct{ repo, digest string }{{shop, d1}, {shop, d2}, {other, d1}} {
		if err := s.Approve(a.repo, a.digest); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []string{ID(shop, d1), ID(shop, d2), ID(other, d1)} {
		if !s.Approved(id) {
			t.Errorf("%s not approved", id)
		}
	}
	for _, id := range []string{"", "../key", PendingPrefix + ID(shop, d1), ID(shop, "")} {
		if s.Approved(id) {
			t.Errorf("Approved(%q) = true", id)
		}
	}
	n, err := s.Revoke(shop)
	if err != nil || n != 2 {
		t.Fatalf("Revoke = %d, %v; want 2", n, err)
	}
	if s.Approved(ID(shop, d1)) || s.Approved(ID(shop, d2)) || s.Has(shop) {
		t.Error("shop still approved after Revoke")
	}
	if !s.Approved(ID(other, d1)) {
		t.Error("Revoke took another repository's approval")
	}
}

func TestApprovalIsNoSymlink(t *testing.T) {
	s := Store{Dir: filepath.Join(t.TempDir(), "git-worktree-ports", DirName)}
	d := strings.Repeat("3", 64)
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(t.TempDir(), "anything")
	if err := os.WriteFile(target, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, filepath.Join(s.Dir, ID("/r/.git", d))); err != nil {
		t.Fatal(err)
	}
	if s.Approved(ID("/r/.git", d)) {
		t.Error("a symlink counts as an approval")
	}
}

func TestStoreRefusesSymlinkedStateDir(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state")
	elsewhere := t.TempDir()
	if err := os.MkdirAll(state, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(elsewhere, filepath.Join(state, "git-worktree-ports")); err != nil {
		t.Fatal(err)
	}
	s := Store{Dir: filepath.Join(state, "git-worktree-ports", DirName)}
	var esc *safefile.EscapeError
	if _, err := s.Key(); !errors.As(err, &esc) {
		t.Errorf("Key: %v, want an *EscapeError", err)
	}
	if err := s.Approve("/r/.git", strings.Repeat("4", 64)); !errors.As(err, &esc) {
		t.Errorf("Approve: %v, want an *EscapeError", err)
	}
	if ents, _ := os.ReadDir(elsewhere); len(ents) != 0 {
		t.Errorf("wrote through the symlink: %v", ents)
	}
}

func TestKey(t *testing.T) {
	s := Store{Dir: filepath.Join(t.TempDir(), "git-worktree-ports", DirName)}
	if _, err := s.ReadKey(); err == nil {
		t.Fatal("ReadKey found a key before any was made")
	}
	k1, err := s.Key()
	if err != nil {
		t.Fatal(err)
	}
	k2, err := s.Key()
	if err != nil || string(k1) != string(k2) || len(k1) != 32 {
		t.Fatalf("second Key = %x, %v; want the first, %x", k2, err, k1)
	}
	fi, err := os.Stat(filepath.Join(s.Dir, keyName))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("key file: %v, %v; want mode 0600", fi, err)
	}
	ents, _ := os.ReadDir(s.Dir)
	if len(ents) != 1 {
		t.Errorf("trust directory holds %d entries, want the key alone", len(ents))
	}
}

func TestSeal(t *testing.T) {
	key := []byte(strings.Repeat("k", 32))
	r := reserve.Reservation{
		Version: 1, Worktree: "shop", Root: "/src/shop", GitDir: "/src/shop/.git",
		Base: 21000, Width: 10, Slot: 100,
		Ports:    []reserve.Port{{Name: "api", Port: 21000}},
		Env:      []reserve.EnvVar{{Name: "API_PORT", Value: "21000"}, {Name: "API_URL", Value: "http://localhost:21000"}},
		Approval: ID("/src/shop/.git", strings.Repeat("5", 64)),
	}
	sealed, err := Seal(key, r)
	if err != nil {
		t.Fatal(err)
	}
	if !Sealed(key, sealed) {
		t.Fatal("a sealed reservation does not verify")
	}
	// Read back from the file Marshal writes, it still verifies.
	data, err := reserve.Marshal(nil, sealed)
	if err != nil {
		t.Fatal(err)
	}
	back, err := reserve.Parse("f", data)
	if err != nil || !Sealed(key, back) {
		t.Fatalf("read back: %v, sealed %v", err, Sealed(key, back))
	}
	tamper := []struct {
		name string
		edit func(*reserve.Reservation)
	}{
		{"env value", func(r *reserve.Reservation) { r.Env[1].Value = "http://evil" }},
		{"env added", func(r *reserve.Reservation) { r.Env = append(r.Env, reserve.EnvVar{Name: "VIMINIT", Value: "x"}) }},
		{"root", func(r *reserve.Reservation) { r.Root = "/src/copy" }},
		{"git_dir", func(r *reserve.Reservation) { r.GitDir = "/src/copy/.git" }},
		{"base", func(r *reserve.Reservation) { r.Base = 21010 }},
		{"port", func(r *reserve.Reservation) { r.Ports[0].Port = 21001 }},
		{"approval", func(r *reserve.Reservation) { r.Approval = PendingPrefix + r.Approval }},
		{"proof", func(r *reserve.Reservation) { r.Proof = strings.Repeat("0", 64) }},
		{"no proof", func(r *reserve.Reservation) { r.Proof = "" }},
	}
	for _, tt := range tamper {
		c := sealed
		c.Ports = append([]reserve.Port(nil), sealed.Ports...)
		c.Env = append([]reserve.EnvVar(nil), sealed.Env...)
		tt.edit(&c)
		if Sealed(key, c) {
			t.Errorf("%s changed, still sealed", tt.name)
		}
	}
	if Sealed([]byte(strings.Repeat("o", 32)), sealed) || Sealed(nil, sealed) {
		t.Error("another key verifies the proof")
	}
}

func TestUnderTrustedPath(t *testing.T) {
	tests := []struct {
		dir    string
		values []string
		want   bool
	}{
		{"/home/u/src/shop", []string{"/home/u/src"}, true},
		{"/home/u/src", []string{"/home/u/src"}, true},
		{"/home/u/src/shop", []string{"~/src"}, true},
		{"/home/u/srcx/shop", []string{"/home/u/src"}, false},
		{"/home/u/shop", []string{"/home/u/src"}, false},
		{"/home/u/src/shop", []string{"src"}, false},
		{"/home/u/src/shop", []string{""}, false},
		{"/home/u/src/shop", nil, false},
		{"/home/u/src/shop", []string{"/elsewhere", "/home/u"}, true},
	}
	for _, tt := range tests {
		if got := UnderTrustedPath(tt.dir, tt.values, "/home/u"); got != tt.want {
			t.Errorf("UnderTrustedPath(%q, %q) = %v, want %v", tt.dir, tt.values, got, tt.want)
		}
	}
}
