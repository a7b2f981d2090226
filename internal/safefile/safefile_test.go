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

// TestRead builds each kind of hostile file for real and checks that Read refuses it with
// a reason, quickly, and reads a good one. (reserve, registry and config test their own
// messages on top of this.)
func TestRead(t *testing.T) {
	dir := t.TempDir()
	at := func(name string) string { return filepath.Join(dir, name) }
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(at("good"), []byte("hello"), 0o644))
	must(os.WriteFile(at("big"), make([]byte, 2048), 0o644))
	must(syscall.Mkfifo(at("fifo"), 0o644))
	must(os.Mkdir(at("dir"), 0o755))
	must(os.Symlink(at("loop2"), at("loop1")))
	must(os.Symlink(at("loop1"), at("loop2")))
	must(os.Symlink(at("nowhere"), at("dangling")))
	must(os.Symlink("/dev/zero", at("zero")))
	must(os.Symlink(at("good"), at("link")))

	tests := []struct {
		name, reason string // reason "" means Read succeeds
	}{
		{"good", ""},
		{"link", ""},
		{"missing", "missing"},
		{"big", "larger than 1 KiB"},
		{"fifo", "not a regular file (FIFO)"},
		{"dir", "not a regular file (directory)"},
		{"loop1", "symlink loop"},
		{"dangling", "symlink to a missing file"},
		{"zero", "not a regular file (character device)"},
	}
	for _, tt := range tests {
		done := make(chan struct{})
		var data []byte
		var err error
		go func() { data, err = Read(at(tt.name), 1024); close(done) }()
		select {
		case <-done:
		case <-time.After(2 * time.Second):
			t.Fatalf("Read(%s) blocked", tt.name)
		}
		if tt.reason == "" {
			if err != nil || string(data) != "hello" {
				t.Errorf("Read(%s) = %q, %v", tt.name, data, err)
			}
			continue
		}
		var se *Error
		if !errors.As(err, &se) || se.Reason != tt.reason || !strings.Contains(err.Error(), at(tt.name)) {
			t.Errorf("Read(%s) = %v; want reason %q naming the file", tt.name, err, tt.reason)
		}
	}
	if _, err := Read(at("missing"), 10); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: errors.Is(err, fs.ErrNotExist) is false for %v", err)
	}
}
