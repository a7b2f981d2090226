package dotenvfile

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/git-worktree-ports/git-worktree-ports/internal/gittest"
	"github.com/git-worktree-ports/git-worktree-ports/internal/render"
)

// TestKeepRace: the dotenv file "sub/config" is listed, and while Keep runs, round after
// round, another goroutine keeps exchanging the directory sub with a symlink to .git
// (renameat2 RENAME_EXCHANGE). Before the write resolved its path without following
// symlinks, the block landed in .git/config within a few rounds. Now each round writes
// the real file or refuses, and .git is never touched.
func TestKeepRace(t *testing.T) {
	sb := gittest.New(t)
	root := sb.Repo("repo")
	gitConfig := filepath.Join(root, ".git", "config")
	before := read(t, gitConfig)
	if err := os.Mkdir(filepath.Join(root, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(".git", filepath.Join(root, "swap")); err != nil {
		t.Fatal(err)
	}
	var done atomic.Bool
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for !done.Load() {
			if err := unix.Renameat2(unix.AT_FDCWD, filepath.Join(root, "sub"), unix.AT_FDCWD, filepath.Join(root, "swap"), unix.RENAME_EXCHANGE); err != nil {
				t.Errorf("renameat2: %v", err)
				return
			}
		}
	}()
	// Most rounds see the symlink before the write and refuse early; it is the rounds
	// that pass that check and meet the swap at the write that matter, so run until
	// enough have passed it.
	wrote, late, rounds := 0, 0, 0
	for ; wrote+late < 40 && rounds < 50000; rounds++ {
		v := []render.Var{{Name: "API_PORT", Value: strconv.Itoa(20000 + rounds%1000)}}
		warn := func(s string) {
			if strings.Contains(s, "is or holds a symlink") {
				late++
			}
		}
		if changed, _ := Keep(t.Context(), Options{Root: root, Files: []string{"sub/config"}, Env: sb.Env, Warn: warn}, v); len(changed) > 0 {
			wrote++
		}
		if got := read(t, gitConfig); got != before {
			done.Store(true)
			wg.Wait()
			t.Fatalf("round %d: the block went into .git/config:\n%s", rounds+1, got)
		}
	}
	done.Store(true)
	wg.Wait()
	t.Logf("%d rounds: %d wrote the real file, %d met the swap at the write and refused", rounds, wrote, late)
	if wrote == 0 {
		t.Error("no round wrote the real file: the test proves little")
	}
	ents, _ := os.ReadDir(filepath.Join(root, ".git"))
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), "config") && e.Name() != "config" || strings.Contains(e.Name(), "tmp") {
			t.Errorf(".git holds %s", e.Name())
		}
	}
	if wrote == 0 {
		t.Error("no round wrote the real file: the race was never lost by the swapper, the test proves little")
	}
}
