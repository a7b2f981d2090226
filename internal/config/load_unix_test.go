//go:build unix

package config

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestLoadFIFO checks that a FIFO at the config path is refused at once. A
// plain open would wait forever for a writer, hanging `git checkout`
// through the hook.
func TestLoadFIFO(t *testing.T) {
	p := filepath.Join(t.TempDir(), FileName)
	if err := syscall.Mkfifo(p, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := Load(p, nil)
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "not a regular file (FIFO)") {
			t.Errorf("Load(fifo, nil) = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Load(fifo, nil) blocked")
	}
}

func TestLoadDevice(t *testing.T) {
	_, err := Load("/dev/null", nil)
	if err == nil || !strings.Contains(err.Error(), "not a regular file (character device)") {
		t.Errorf("Load(/dev/null) = %v", err)
	}
}
