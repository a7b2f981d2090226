package safefile

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"golang.org/x/sys/unix"
)

// swapper keeps exchanging the directory root/dir with a symlink to target
// (renameat2 RENAME_EXCHANGE, so one name or the other is always there) until stop is
// called, which returns the number of exchanges.
func swapper(t *testing.T, root, dir, target string) (stop func() int) {
	t.Helper()
	if err := os.Symlink(target, filepath.Join(root, "swap")); err != nil {
		t.Fatal(err)
	}
	var done atomic.Bool
	var n int
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for !done.Load() {
			if err := unix.Renameat2(unix.AT_FDCWD, filepath.Join(root, dir), unix.AT_FDCWD, filepath.Join(root, "swap"), unix.RENAME_EXCHANGE); err != nil {
				t.Errorf("renameat2: %v", err)
				return
			}
			n++
		}
	}()
	return func() int {
		done.Store(true)
		wg.Wait()
		return n
	}
}

// TestWriteRace: while another goroutine keeps exchanging the directory a file is
// written in for a symlink to .git, thousands of OpenBeneath and WriteAtomic calls land
// in the real directory or fail; none writes in .git. With os.Root (which follows a
// symlink that stays inside the root) the block reached .git/config within a few rounds.
func TestWriteRace(t *testing.T) {
	eachResolver(t, func(t *testing.T) {
		root := t.TempDir()
		for _, d := range []string{".git", "sub"} {
			if err := os.Mkdir(filepath.Join(root, d), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		gitConfig := "[core]\n\tbare = false\n"
		if err := os.WriteFile(filepath.Join(root, ".git", "config"), []byte(gitConfig), 0o644); err != nil {
			t.Fatal(err)
		}
		stop := swapper(t, root, "sub", ".git")
		// Until the race has gone both ways often enough, however the scheduler runs
		// the two goroutines.
		wrote, refused, rounds := 0, 0, 0
		for ; (wrote < 100 || refused < 100) && rounds < 1_000_000; rounds++ {
			d, err := OpenBeneath(root, "sub")
			if err != nil {
				refused++
				continue
			}
			if err := d.WriteAtomic("config", []byte("API_PORT=1\n"), 0o644, ".tmp-race-"); err != nil {
				refused++
			} else {
				wrote++
			}
			d.Close()
		}
		swaps := stop()
		t.Logf("%d rounds: %d writes, %d refused, %d exchanges", rounds, wrote, refused, swaps)
		if wrote == 0 || refused == 0 {
			t.Errorf("the race did not happen both ways (%d writes, %d refused); the test proves nothing", wrote, refused)
		}
		// The real directory is "sub" or "swap" now, whichever the last exchange left.
		real := filepath.Join(root, "sub")
		if fi, err := os.Lstat(real); err != nil || !fi.IsDir() {
			real = filepath.Join(root, "swap")
		}
		got, err := os.ReadFile(filepath.Join(root, ".git", "config"))
		if err != nil || string(got) != gitConfig {
			t.Errorf(".git/config = %q, %v: written through the swapped symlink", got, err)
		}
		ents, _ := os.ReadDir(filepath.Join(root, ".git"))
		for _, e := range ents {
			if e.Name() != "config" {
				t.Errorf(".git holds %s", e.Name())
			}
		}
		if got, _ := os.ReadFile(filepath.Join(real, "config")); !strings.Contains(string(got), "API_PORT") {
			t.Errorf("the real directory's file = %q", got)
		}
	})
}
