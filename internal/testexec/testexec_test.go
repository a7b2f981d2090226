package testexec

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

// TestNoTextFileBusy writes and runs scripts on many goroutines at once, the pattern that
// fails with "text file busy" when the writes are not under the fork lock.
func TestNoTextFileBusy(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no shell scripts on Windows")
	}
	dir := t.TempDir()
	var wg sync.WaitGroup
	errs := make(chan error, 400)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				p := filepath.Join(dir, "s", string(rune('a'+g)), string(rune('a'+i%26))+string(rune('0'+i/26)))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					errs <- err
					return
				}
				if err := WriteFile(p, []byte("#!/bin/sh\nexit 0\n"), 0o755); err != nil {
					errs <- err
					return
				}
				if err := exec.Command(p).Run(); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
