// Package trust owns what this user approved and what this user's tool wrote.
//
// An approval (`git worktree-ports trust`) says this user accepts one exact content of a
// repository's config: its custom env names, vars, dotenv files and main ports (what
// config.Config.Beyond lists). It is one small file in the per-user state directory,
// outside every repository, named by the repository's canonical common git directory
// and the SHA-256 of the config's bytes: so `git worktree add` needs no new approval,
// another clone does, and a config that changes (`git pull`) needs approval again. A
// user may also trust every repository under a directory of theirs in their own git
// config (config.TrustedPath).
//
// A proof says a reservation file was written by this user's tool: an HMAC-SHA256, with
// a random key made for this user on first use (mode 0600 in the state directory), over
// the file's own content (everything but the proof). A committed or crafted file cannot
// forge one; a copied one keeps its proof but records another place, which
// claim.OriginOf calls a copy.
//
// Checking either is a read of one small file, no git: `env` checks both on every
// prompt.
package trust

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/git-worktree-ports/git-worktree-ports/internal/fspath"
	"github.com/git-worktree-ports/git-worktree-ports/internal/registry"
	"github.com/git-worktree-ports/git-worktree-ports/internal/safefile"
)

// DirName is the directory, inside the per-user state directory (registry.Dir), that
// holds the approvals and the key.
const DirName = "trust"

// keyName is the key's file in the trust directory; no approval is named like it.
const keyName = "key"

// Store is the approvals and the key of one user.
type Store struct {
	// Dir is the trust directory: <state dir>/trust.
	Dir string
}

// Open returns the store of the user whose environment getenv reads.
func Open(getenv func(string) string) (Store, error) {
	dir, err := registry.Dir(getenv)
	if err != nil {
		return Store{}, err
	}
	return Store{Dir: filepath.Join(dir, DirName)}, nil
}

// repoHash is the first 16 bytes of the SHA-256 of the canonical common directory, in
// hex: the prefix of every approval of one repository.
func repoHash(commonDir string) string {
	sum := sha256.Sum256([]byte(fspath.Canonical(commonDir)))
	return hex.EncodeToString(sum[:16])
}

// Repo returns the part of an approval ID that names the repository.
func Repo(id string) string {
	h, _, _ := strings.Cut(strings.TrimLeft(id, PendingPrefix+PathPrefix), "-")
	return h
}

// ID names the approval of the config content digest (config.Config.Digest) in the
// repository whose common git directory is commonDir.
func ID(commonDir, digest string) string {
	return repoHash(commonDir) + "-" + digest
}

// PendingPrefix marks, in a reservation's approval field, the approval its config waits
// for: the file holds the ports alone because that content was not approved.
const PendingPrefix = "-"

// PathPrefix marks, in a reservation's approval field, an approval that came from a
// trusted directory in git config (config.TrustedPath), not from a recorded approval: env
// then asks git config whether it still stands.
const PathPrefix = "+"

// DigestOf returns the config digest an approval ID names, "" for a malformed one.
func DigestOf(id string) string {
	_, d, ok := strings.Cut(strings.TrimLeft(id, PendingPrefix+PathPrefix), "-")
	if !ok || !isHex(d) {
		return ""
	}
	return d
}

func isHex(s string) bool {
	for _, c := range []byte(s) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return s != ""
}

// content is what an approval file holds, for a person who looks: the repository and
// the digest it approves.
func content(commonDir, digest string) []byte {
	return []byte(fspath.Canonical(commonDir) + "\n" + digest + "\n")
}

// Approved reports whether the approval id exists: one no-follow read.
func (s Store) Approved(id string) bool {
	if !validID(id) {
		return false
	}
	_, err := safefile.ReadNoFollow(filepath.Join(s.Dir, id), 64<<10)
	return err == nil
}

func validID(id string) bool {
	h, d, ok := strings.Cut(id, "-")
	return ok && len(h) == 32 && isHex(h) && len(d) == 64 && isHex(d)
}

// Approve records the approval of digest in the repository at commonDir.
func (s Store) Approve(commonDir, digest string) error {
	t, err := s.target(ID(commonDir, digest))
	if err != nil {
		return err
	}
	return safefile.WriteAtomic(t, content(commonDir, digest), safefile.WriteOptions{Perm: 0o600, DirPerm: 0o700, TempPrefix: "."})
}

// Revoke removes every approval of the repository at commonDir and returns how many
// there were.
func (s Store) Revoke(commonDir string) (int, error) {
	ents, err := os.ReadDir(s.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	prefix, n := repoHash(commonDir)+"-", 0
	for _, e := range ents {
		if !strings.HasPrefix(e.Name(), prefix) {
			continue
		}
		t, err := s.target(e.Name())
		if err != nil {
			return n, err
		}
		if err := safefile.Remove(t); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return n, err
		}
		n++
	}
	return n, nil
}

// target is the file name in the trust directory, resolved so that a state or trust
// directory that is a symlink leading out of $XDG_STATE_HOME (or ~/.local/state) is
// refused with a *safefile.EscapeError, not written through, as the index refuses it.
func (s Store) target(name string) (safefile.Target, error) {
	return safefile.ResolveParent(filepath.Join(s.Dir, name), filepath.Dir(filepath.Dir(filepath.Clean(s.Dir))))
}

// Key returns this user's key, creating it (32 random bytes, mode 0600) on first use.
func (s Store) Key() ([]byte, error) {
	key, err := s.ReadKey()
	if !errors.Is(err, fs.ErrNotExist) {
		return key, err
	}
	if err := s.create(); err != nil {
		return nil, err
	}
	return s.ReadKey()
}

// create makes the key file, exclusively, so that two first uses agree on one key: the
// key is written whole to a temporary file, which is then linked to the key's name,
// which fails when another process linked one first.
func (s Store) create() error {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return err
	}
	tmp, err := s.target(fmt.Sprintf(".%s.%d.%x", keyName, os.Getpid(), raw[:4]))
	if err != nil {
		return err
	}
	if err := safefile.WriteAtomic(tmp, []byte(hex.EncodeToString(raw)+"\n"), safefile.WriteOptions{Perm: 0o600, ExactPerm: true, DirPerm: 0o700, TempPrefix: "."}); err != nil {
		return err
	}
	defer os.Remove(tmp.Path)
	if err := os.Link(tmp.Path, filepath.Join(s.Dir, keyName)); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return nil
}

// Sign returns the proof of msg under key, in hex.
func Sign(key, msg []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write(msg)
	return hex.EncodeToString(m.Sum(nil))
}

// Verify reports whether proof is msg's under key.
func Verify(key, msg []byte, proof string) bool {
	want, err := hex.DecodeString(proof)
	if err != nil || len(want) != sha256.Size {
		return false
	}
	m := hmac.New(sha256.New, key)
	m.Write(msg)
	return hmac.Equal(m.Sum(nil), want)
}

// UnderTrustedPath reports whether dir lies under one of the directories the values of
// config.TrustedPath name. A leading "~/" is the home directory, as git's --path type reads
// it.
func UnderTrustedPath(dir string, values []string, home string) bool {
	for _, v := range values {
		if rest, ok := strings.CutPrefix(v, "~/"); ok && home != "" {
			v = filepath.Join(home, rest)
		}
		if v == "" || !filepath.IsAbs(v) {
			continue
		}
		for _, d := range []string{dir, fspath.Canonical(dir)} {
			for _, t := range []string{v, fspath.Canonical(v)} {
				if rel, err := filepath.Rel(t, d); err == nil && rel != ".." && !strings.HasPrefix(rel, "../") {
					return true
				}
			}
		}
	}
	return false
}

// Has reports whether any content of the config of the repository at commonDir was
// approved: a config with none approved now has changed since.
func (s Store) Has(commonDir string) bool {
	ents, err := os.ReadDir(s.Dir)
	if err != nil {
		return false
	}
	prefix := repoHash(commonDir) + "-"
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), prefix) {
			return true
		}
	}
	return false
}

// ReadKey returns this user's key without making one: a missing key is an error that
// wraps fs.ErrNotExist.
func (s Store) ReadKey() ([]byte, error) {
	path := filepath.Join(s.Dir, keyName)
	data, err := safefile.ReadNoFollow(path, 4096)
	if err != nil {
		return nil, err
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(data)))
	if err != nil || len(key) < 32 {
		return nil, fmt.Errorf("%s: not a key written by git-worktree-ports; remove it to make a new one", path)
	}
	return key, nil
}
