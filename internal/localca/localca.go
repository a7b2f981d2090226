// Package localca is the proxy's own certificate authority, for `proxy --https`: an
// ECDSA P-256 CA made for this user on first use, kept in the per-user state directory
// (<state dir>/ca: ca-key.pem, mode 0600, holding the key and the certificate; ca.pem,
// the certificate alone, for the user to trust), and a leaf certificate for each name a
// client asks for (SNI), issued in memory as it is first asked for.
//
// The CA is name-constrained (critical): it can sign only "localhost" and names under
// .localhost, and no IP address, so trusting it lets it vouch for the proxy's names and
// for nothing on the internet, even if its key leaked. The package never touches
// /etc/hosts or any trust store: Instructions says how the user trusts the CA.
package localca

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/git-worktree-ports/git-worktree-ports/internal/registry"
	"github.com/git-worktree-ports/git-worktree-ports/internal/safefile"
)

// DirName is the directory, inside the per-user state directory (registry.Dir), that
// holds the CA.
const DirName = "ca"

// The CA's files in DirName.
const (
	KeyFile  = "ca-key.pem" // the key and the certificate, 0600
	CertFile = "ca.pem"     // the certificate alone, what the user trusts
)

// Domain is the one DNS domain the CA may sign names in, itself included.
const Domain = "localhost"

// leafLife is how long a leaf certificate is valid; the proxy issues a new one when less
// than a day is left, so a proxy that runs for months never serves an expired one.
const leafLife = 30 * 24 * time.Hour

// maxLeaves bounds the leaves kept in memory; past it the cache starts again.
const maxLeaves = 4096

// CA is the loaded authority, ready to issue leaves.
type CA struct {
	// CertPath is the certificate's file, for the user to trust (Instructions).
	CertPath string
	cert     *x509.Certificate
	key      *ecdsa.PrivateKey
	leafKey  *ecdsa.PrivateKey
	mu       sync.Mutex
	leaves   map[string]*tls.Certificate
	now      func() time.Time
}

// Open loads this user's CA from the state directory that getenv names, making it on
// first use; it reports whether it made it now.
func Open(getenv func(string) string) (*CA, bool, error) {
	state, err := registry.Dir(getenv)
	if err != nil {
		return nil, false, err
	}
	return OpenDir(filepath.Join(state, DirName))
}

// OpenDir is Open for the CA directory dir, whose parent is the state directory: a dir
// or state directory that is a symlink leading out of that parent's parent is refused,
// as the index and the trust store refuse it.
func OpenDir(dir string) (*CA, bool, error) {
	root := filepath.Dir(filepath.Dir(filepath.Clean(dir)))
	made := false
	data, err := safefile.ReadNoFollow(filepath.Join(dir, KeyFile), 1<<16)
	if errors.Is(err, fs.ErrNotExist) {
		if err := create(dir, root); err != nil {
			return nil, false, err
		}
		made = true
		data, err = safefile.ReadNoFollow(filepath.Join(dir, KeyFile), 1<<16)
	}
	if err != nil {
		return nil, false, err
	}
	// A key others can read may have been copied: refuse it rather than serve with it.
	// (Windows has no such mode bits to tell.)
	if fi, err := os.Lstat(filepath.Join(dir, KeyFile)); err == nil && runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		return nil, false, fmt.Errorf("%s: mode %04o lets others read the CA's key; remove it (the proxy makes a new CA, which you trust again), or chmod 600 it if nobody else could have read it", filepath.Join(dir, KeyFile), fi.Mode().Perm())
	}
	ca, err := parse(data)
	if err != nil {
		return nil, false, fmt.Errorf("%s: %w (remove it, and the proxy makes a new CA, which you trust again)", filepath.Join(dir, KeyFile), err)
	}
	ca.CertPath = filepath.Join(dir, CertFile)
	// The public half is written again each time, so a deleted or damaged ca.pem
	// comes back as the key's own certificate.
	t, err := safefile.ResolveParent(ca.CertPath, root)
	if err == nil {
		err = safefile.WriteAtomic(t, pemBlock("CERTIFICATE", ca.cert.Raw), safefile.WriteOptions{Perm: 0o644, DirPerm: 0o700, TempPrefix: "."})
	}
	if err != nil {
		return nil, false, err
	}
	return ca, made, nil
}

// create makes the CA's key file exclusively, so that two first uses agree on one CA:
// written whole to a temporary file, then linked to its name, which fails when another
// process linked one first.
func create(dir, root string) error {
	data, err := newCA(time.Now())
	if err != nil {
		return err
	}
	// A random part too: two goroutines of one process share its pid.
	tmp, err := safefile.ResolveParent(filepath.Join(dir, fmt.Sprintf(".%s.%d.%x", KeyFile, os.Getpid(), serial().Uint64())), root)
	if err != nil {
		return err
	}
	if err := safefile.WriteAtomic(tmp, data, safefile.WriteOptions{Perm: 0o600, ExactPerm: true, DirPerm: 0o700, TempPrefix: "."}); err != nil {
		return err
	}
	defer os.Remove(tmp.Path)
	if err := os.Link(tmp.Path, filepath.Join(dir, KeyFile)); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return nil
}

// newCA returns the PEM of a new CA's key and self-signed certificate, valid for ten
// years from now, constrained to Domain.
func newCA(now time.Time) ([]byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	host, _ := os.Hostname()
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "git-worktree-ports local CA " + host, Organization: []string{"git-worktree-ports (this machine only)"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
		// Only localhost and names under it; no IP address at all (an empty permitted
		// range list would allow every one, so the excluded list names them all).
		PermittedDNSDomainsCritical: true,
		PermittedDNSDomains:         []string{Domain},
		ExcludedIPRanges:            []*net.IPNet{{IP: net.IPv4zero, Mask: net.CIDRMask(0, 32)}, {IP: net.IPv6zero, Mask: net.CIDRMask(0, 128)}},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, err
	}
	return append(pemBlock("EC PRIVATE KEY", kder), pemBlock("CERTIFICATE", der)...), nil
}

// parse reads the key file's two PEM blocks and checks that they belong together.
func parse(data []byte) (*CA, error) {
	var key *ecdsa.PrivateKey
	var cert *x509.Certificate
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			break
		}
		var err error
		switch b.Type {
		case "EC PRIVATE KEY":
			key, err = x509.ParseECPrivateKey(b.Bytes)
		case "CERTIFICATE":
			cert, err = x509.ParseCertificate(b.Bytes)
		}
		if err != nil {
			return nil, err
		}
	}
	if key == nil || cert == nil {
		return nil, errors.New("want a key and a certificate")
	}
	if pub, ok := cert.PublicKey.(*ecdsa.PublicKey); !ok || !pub.Equal(&key.PublicKey) || !cert.IsCA {
		return nil, errors.New("the certificate is not this key's CA certificate")
	}
	leafKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	return &CA{cert: cert, key: key, leafKey: leafKey, leaves: map[string]*tls.Certificate{}, now: time.Now}, nil
}

// Certificate returns the CA's certificate.
func (ca *CA) Certificate() *x509.Certificate { return ca.cert }

// Allowed reports whether the CA may sign host: "localhost" or a name under it.
func Allowed(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	return host == Domain || strings.HasSuffix(host, "."+Domain) && !strings.Contains(host, "..")
}

// GetCertificate is tls.Config's GetCertificate: the leaf for the name the client asked
// for (SNI), "localhost" when it named none (an IP address). A name outside .localhost
// gets no certificate, and the handshake fails.
func (ca *CA) GetCertificate(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
	host := strings.TrimSuffix(strings.ToLower(hello.ServerName), ".")
	if host == "" {
		host = Domain
	}
	if !Allowed(host) {
		return nil, fmt.Errorf("no certificate for %q: the proxy's CA signs only names under .%s", host, Domain)
	}
	return ca.Leaf(host)
}

// Leaf returns the certificate for host, issuing it when there is none or the one there
// is has less than a day left.
func (ca *CA) Leaf(host string) (*tls.Certificate, error) {
	now := ca.now()
	ca.mu.Lock()
	defer ca.mu.Unlock()
	if c, ok := ca.leaves[host]; ok && c.Leaf.NotAfter.Sub(now) > 24*time.Hour {
		return c, nil
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: host},
		DNSNames:     []string{host},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(leafLife),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &ca.leafKey.PublicKey, ca.key)
	if err != nil {
		return nil, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	if len(ca.leaves) >= maxLeaves {
		ca.leaves = map[string]*tls.Certificate{}
	}
	c := &tls.Certificate{Certificate: [][]byte{der, ca.cert.Raw}, PrivateKey: ca.leafKey, Leaf: leaf}
	ca.leaves[host] = c
	return c, nil
}

// TLSConfig is the proxy's TLS configuration: leaves from ca, HTTP/1.1 only (WebSocket
// upgrades, which HTTP/2 would need another mechanism for), TLS 1.2 at least.
func (ca *CA) TLSConfig() *tls.Config {
	return &tls.Config{GetCertificate: ca.GetCertificate, NextProtos: []string{"http/1.1"}, MinVersion: tls.VersionTLS12}
}

// Instructions says, in lines for stderr, how the user trusts the CA at certPath, and
// that the tool did not: for curl, Node, Debian and Ubuntu, Fedora, macOS and browsers.
func Instructions(certPath, example string) string {
	p := certPath
	return strings.Join([]string{
		"The proxy's HTTPS certificates come from a CA made for you, " + p + ",",
		"which can sign only names under .localhost. Nothing trusts it until you say so; this tool changes no trust store:",
		"  curl:           curl --cacert " + p + " " + example,
		"  Node:           export NODE_EXTRA_CA_CERTS=" + p,
		"  Debian, Ubuntu: sudo cp " + p + " /usr/local/share/ca-certificates/git-worktree-ports.crt && sudo update-ca-certificates",
		"  Fedora, RHEL:   sudo cp " + p + " /etc/pki/ca-trust/source/anchors/git-worktree-ports.pem && sudo update-ca-trust",
		"  macOS:          security add-trusted-cert -r trustRoot -k ~/Library/Keychains/login.keychain-db " + p,
		"  Firefox:        Settings, Privacy & Security, View Certificates, Authorities, Import (Chrome on Linux: chrome://certificate-manager, Custom, Import)",
	}, "\n")
}

func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	return n.Add(n, big.NewInt(1))
}

func pemBlock(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}
