//go:build unix

package tests

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
	"github.com/git-worktree-ports/git-worktree-ports/internal/safefile"
)

// dotenvCrashRange is TestCrashDotenv's range; the test binds no port.
const dotenvCrashRange = "11300-11399"

// TestCrashDotenv kills `allocate --base N` with SIGKILL at a random moment while it
// rewrites ten large dotenv files (512 KiB of the user's secrets each, mode 0600), runs
// times (GWP_CRASH_RUNS, default 40). After each kill, every temporary file of ours that
// is left must be mode 0600 and invisible to `git status`; the next `allocate` exits 0,
// removes them all, and leaves each file as the user's lines and one block.
func TestCrashDotenv(t *testing.T) {
	if testing.Short() {
		t.Skip("a crash loop: not with -short")
	}
	runs := envInt(t, "GWP_CRASH_RUNS", 40)
	seed := uint64(time.Now().UnixNano())
	report(t, "seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))

	f := newRepoFixture(t, dotenvCrashRange)
	var files []string
	for i := range 10 {
		files = append(files, fmt.Sprintf("env%d/.env", i))
	}
	config := fmt.Sprintf(`{"services": {"app": 0}, "dotenv": ["%s"]}`, strings.Join(files, `", "`))
	if err := os.WriteFile(filepath.Join(f.main, ".worktree-ports.config.json"), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(f.main, ".gitignore"), []byte(".env\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f.git(f.main, "add", ".worktree-ports.config.json", ".gitignore")
	f.git(f.main, "commit", "-q", "-m", "config")
	var secrets bytes.Buffer
	for i := 0; secrets.Len() < 512<<10; i++ {
		fmt.Fprintf(&secrets, "SECRET_%d=%016x\n", i, rng.Uint64())
	}
	for _, name := range files {
		p := filepath.Join(f.main, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, secrets.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// The dotenv list waits for the user's approval, which trust gives (and allocates).
	f.runTool(f.main, "trust")

	leftovers := func() []string {
		var out []string
		for _, name := range files {
			// Ours, and the name an older version used (.env.tmp-*), which git did not
			// ignore and no allocate removed.
			for _, pattern := range []string{reserve.DotenvTempPrefix + "*", filepath.Base(name) + safefile.TempInfix + "*"} {
				m, _ := filepath.Glob(filepath.Join(f.main, filepath.Dir(name), pattern))
				out = append(out, m...)
			}
		}
		return out
	}
	base := func(run int) string { return fmt.Sprint(11300 + 10*(run%2)) }

	var calib []time.Duration
	for i := range 6 {
		s := time.Now()
		f.runTool(f.main, "allocate", "--base", base(i))
		calib = append(calib, time.Since(s))
	}
	slices.Sort(calib)
	maxDelay := calib[len(calib)/2] * 6 / 5
	report(t, "allocate --base takes %v here; kill delays uniform in 0-%v", calib[len(calib)/2].Round(100*time.Microsecond), maxDelay.Round(100*time.Microsecond))

	killed, withTemps, temps := 0, 0, 0
	for run := 1; run <= runs; run++ {
		cmd, stderr := f.tool(f.main, nil, "allocate", "--base", base(run))
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rng.Int64N(int64(maxDelay) + 1)))
		_ = cmd.Process.Signal(syscall.SIGKILL)
		var exit *exec.ExitError
		switch err := cmd.Wait(); {
		case err == nil:
		case errors.As(err, &exit) && exit.Sys().(syscall.WaitStatus).Signal() == syscall.SIGKILL:
			killed++
		default:
			t.Fatalf("run %d: allocate failed on its own: %v: %s", run, err, stderr)
		}
		left := leftovers()
		if len(left) > 0 {
			withTemps++
			temps += len(left)
		}
		for _, p := range left {
			fi, err := os.Lstat(p)
			switch {
			case errors.Is(err, fs.ErrNotExist):
				// Renamed by a write the kernel finished as the process died.
			case err != nil:
				t.Errorf("run %d: %s: %v", run, p, err)
			case fi.Mode().Perm() != 0o600:
				t.Errorf("run %d: %s: mode %v; want 0600", run, p, fi.Mode().Perm())
			}
		}
		if st := f.git(f.main, "status", "--porcelain", "--untracked-files=all"); strings.Contains(st, "tmp-") {
			t.Errorf("run %d: git status shows a temporary file:\n%s", run, st)
		}
		f.runTool(f.main, "allocate")
		if left := leftovers(); len(left) > 0 {
			t.Fatalf("run %d: the next allocate left %q", run, left)
		}
		for _, name := range files {
			data, err := os.ReadFile(filepath.Join(f.main, name))
			if err != nil || !bytes.HasPrefix(data, secrets.Bytes()) || bytes.Count(data, []byte("# >>> git-worktree-ports >>>")) != 1 {
				t.Fatalf("run %d: %s is not the user's lines and one block (%v)", run, name, err)
			}
		}
	}
	report(t, "%d runs, %d killed, %d left temporary files (%d files, all 0600, none in git status, all removed by the next allocate)", runs, killed, withTemps, temps)
}
