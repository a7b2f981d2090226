//go:build unix

package safefile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestReadNoFollow: what Read refuses, ReadNoFollow refuses too, and a symlink as well,
// even to a good file.
func TestReadNoFollow(t *testing.T) {
	dir := t.TempDir()
	at := func(name string) string { return filepath.Join(dir, name) }
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(at("good"), []byte("hello"), 0o644))
	must(os.WriteFile(at("empty"), nil, 0o644))
	must(os.WriteFile(at("big"), make([]byte, 2048), 0o644))
	must(syscall.Mkfifo(at("fifo"), 0o644))
	must(os.Mkdir(at("dir"), 0o755))
	must(os.Symlink(at("good"), at("link")))
	must(os.Symlink(at("nowhere"), at("dangling")))
	must(os.Symlink("/dev/zero", at("zero")))
	for _, tt := range []struct{ name, reason, data string }{
		{"good", "", "hello"},
		{"empty", "", ""},
		{"missing", "missing", ""},
		{"big", "larger than 1 KiB", ""},
		{"fifo", "not a regular file (FIFO)", ""},
		{"dir", "not a regular file (directory)", ""},
		{"link", "not a regular file (symlink)", ""},
		{"dangling", "not a regular file (symlink)", ""},
		{"zero", "not a regular file (symlink)", ""},
	} {
		done := make(chan struct{})
		var data []byte
		var err error
		go func() { data, err = ReadNoFollow(at(tt.name), 1024); close(done) }()
		select {
		case <-done:
		case <-time.After(2 * time.Second):
			t.Fatalf("ReadNoFollow(%s) blocked", tt.name)
		}
		if tt.reason == "" {
			if err != nil || string(data) != tt.data {
				t.Errorf("ReadNoFollow(%s) = %q, %v", tt.name, data, err)
			}
			continue
		}
		var se *Error
		if !errors.As(err, &se) || se.Reason != tt.reason || !strings.Contains(err.Error(), at(tt.name)) {
			t.Errorf("ReadNoFollow(%s) = %v; want reason %q naming the file", tt.name, err, tt.reason)
		}
	}
	if _, err := ReadNoFollow(at("missing"), 10); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: errors.Is(err, fs.ErrNotExist) is false for %v", err)
	}
}
