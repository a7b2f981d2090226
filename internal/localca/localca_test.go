package localca

import (
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestOpenMakesOnceAndKeeps(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state", DirName)
	ca, made, err := OpenDir(dir)
	if err != nil || !made {
		t.Fatalf("OpenDir = %v, made %v", err, made)
	}
	fi, err := os.Stat(filepath.Join(dir, KeyFile))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v, mode %v; want 0600", err, fi.Mode())
	}
	pub, err := os.ReadFile(ca.CertPath)
	if err != nil || strings.Contains(string(pub), "PRIVATE") || !strings.Contains(string(pub), "CERTIFICATE") {
		t.Fatalf("ca.pem: %v\n%s", err, pub)
	}
	again, made, err := OpenDir(dir)
	if err != nil || made || !again.Certificate().Equal(ca.Certificate()) {
		t.Fatalf("second OpenDir: %v, made %v, same %v", err, made, again.Certificate().Equal(ca.Certificate()))
	}
}

// TestOpenConcurrent: two first uses at once agree on one CA.
func TestOpenConcurrent(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state", DirName)
	cas := make([]*CA, 8)
	var wg sync.WaitGroup
	for i := range cas {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ca, _, err := OpenDir(dir)
			if err != nil {
				t.Error(err)
				return
			}
			cas[i] = ca
		}()
	}
	wg.Wait()
	if cas[0] == nil {
		t.FailNow()
	}
	for _, ca := range cas[1:] {
		if ca == nil || !ca.Certificate().Equal(cas[0].Certificate()) {
			t.Fatal("two CAs")
		}
	}
}

func TestLeaves(t *testing.T) {
	ca, _, err := OpenDir(filepath.Join(t.TempDir(), "state", DirName))
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca.Certificate())
	tests := []struct {
		sni, want string // want is the name the leaf is for; "" for none
	}{
		{"web.feature-x.shop.localhost", "web.feature-x.shop.localhost"},
		{"WEB.Feature-X.shop.localhost.", "web.feature-x.shop.localhost"},
		{"", "localhost"},
		{"localhost", "localhost"},
		{"example.com", ""},
		{"localhost.example.com", ""},
		{"evil-localhost", ""},
	}
	for _, tt := range tests {
		c, err := ca.GetCertificate(&tls.ClientHelloInfo{ServerName: tt.sni})
		if tt.want == "" {
			if err == nil {
				t.Errorf("%q: got a certificate for %v", tt.sni, c.Leaf.DNSNames)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tt.sni, err)
			continue
		}
		if _, err := c.Leaf.Verify(x509.VerifyOptions{DNSName: tt.want, Roots: roots}); err != nil {
			t.Errorf("%q: %v", tt.sni, err)
		}
		if again, _ := ca.Leaf(tt.want); again != c {
			t.Errorf("%q: issued twice", tt.sni)
		}
	}
}

// TestNameConstrained: even a leaf the CA's key signed for another name does not
// verify: the constraint is in the CA certificate, so a leaked key vouches for nothing
// outside .localhost.
func TestNameConstrained(t *testing.T) {
	ca, _, err := OpenDir(filepath.Join(t.TempDir(), "state", DirName))
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca.Certificate())
	for _, name := range []string{"example.com", "bank.example"} {
		tmpl := &x509.Certificate{SerialNumber: serial(), Subject: pkix.Name{CommonName: name}, DNSNames: []string{name},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &ca.leafKey.PublicKey, ca.key)
		if err != nil {
			t.Fatal(err)
		}
		leaf, _ := x509.ParseCertificate(der)
		_, err = leaf.Verify(x509.VerifyOptions{DNSName: name, Roots: roots})
		if err == nil || !strings.Contains(err.Error(), "constraint") {
			t.Errorf("%s: %v, want a name constraint error", name, err)
		}
	}
}

func TestRenewsBeforeExpiry(t *testing.T) {
	ca, _, err := OpenDir(filepath.Join(t.TempDir(), "state", DirName))
	if err != nil {
		t.Fatal(err)
	}
	first, _ := ca.Leaf("a.localhost")
	ca.now = func() time.Time { return time.Now().Add(leafLife - time.Hour) }
	second, _ := ca.Leaf("a.localhost")
	if first == second {
		t.Fatal("a leaf with an hour left was served again")
	}
}

func TestBadKeyFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state", DirName)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, KeyFile), []byte("junk"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := OpenDir(dir); err == nil || !strings.Contains(err.Error(), KeyFile) {
		t.Fatalf("OpenDir = %v, want an error naming %s", err, KeyFile)
	}
}

func TestKeyReadableByOthers(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no group and other mode bits")
	}
	dir := filepath.Join(t.TempDir(), "state", DirName)
	if _, _, err := OpenDir(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(dir, KeyFile), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := OpenDir(dir); err == nil || !strings.Contains(err.Error(), "mode 0644") {
		t.Fatalf("OpenDir = %v, want a refusal naming the mode", err)
	}
}
