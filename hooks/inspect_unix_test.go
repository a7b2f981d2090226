//go:build unix

package hooks

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestInspectNeverBlocks: a FIFO at the hook's name, or a symlink to one, would block
// an open(2) for reading until a writer comes. Inspect refuses it at once.
func TestInspectNeverBlocks(t *testing.T) {
	for _, link := range []bool{false, true} {
		dir := t.TempDir()
		fifo := filepath.Join(dir, HookName)
		if link {
			fifo = filepath.Join(dir, "fifo")
			if err := os.Symlink(fifo, filepath.Join(dir, HookName)); err != nil {
				t.Fatal(err)
			}
		}
		if err := syscall.Mkfifo(fifo, 0o644); err != nil {
			t.Skip("no FIFOs here:", err)
		}
		done := make(chan error, 1)
		go func() { _, err := Inspect(Options{HooksDir: dir}); done <- err }()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), "FIFO") {
				t.Fatalf("link=%v: Inspect of a FIFO: %v; want a refusal naming it", link, err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("link=%v: Inspect blocked on a FIFO", link)
		}
	}
}
