//go:build unix

package tests

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
)

// repoFixture is a real git repository in a temporary directory, with git and the tool
// isolated from the machine the same way Setup isolates the scripts.
type repoFixture struct {
	t    testing.TB
	root string   // the temporary directory holding the repository and its worktrees
	main string   // the main worktree
	env  []string // the environment for git and the tool
}

// newRepoFixture creates an isolated repository with one empty commit. rangeSpec, if not
// empty, is set as git config worktree-ports.range.
func newRepoFixture(t testing.TB, rangeSpec string) *repoFixture {
	t.Helper()
	root := t.TempDir()
	home := filepath.Join(root, ".home")
	if err := os.MkdirAll(home, 0o755); err != nil {
		t.Fatal(err)
	}
	gitconfig := "[init]\n\tdefaultBranch = main\n[user]\n\tname = Test\n\temail = test@example.invalid\n[advice]\n\tdetachedHead = false\n"
	if err := os.WriteFile(filepath.Join(home, ".gitconfig"), []byte(gitconfig), 0o644); err != nil {
		t.Fatal(err)
	}
	f := &repoFixture{t: t, root: root, main: filepath.Join(root, "repo")}
	f.env = []string{
		"PATH=" + binDir + string(os.PathListSeparator) + os.Getenv("PATH"),
		"HOME=" + home,
		"XDG_STATE_HOME=" + filepath.Join(root, ".state"),
		"XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=Test", "GIT_AUTHOR_EMAIL=test@example.invalid",
		"GIT_COMMITTER_NAME=Test", "GIT_COMMITTER_EMAIL=test@example.invalid",
		"TMPDIR=" + os.TempDir(),
	}
	if coverDir != "" {
		f.env = append(f.env, "GOCOVERDIR="+coverDir)
	}
	f.git(root, "init", "-q", "repo")
	f.git(f.main, "commit", "-q", "--allow-empty", "-m", "init")
	if rangeSpec != "" {
		f.git(f.main, "config", "worktree-ports.range", rangeSpec)
	}
	return f
}

// git runs git in dir and fails the test on error. It returns stdout.
func (f *repoFixture) git(dir string, args ...string) string {
	f.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir, cmd.Env = dir, f.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		f.t.Fatalf("git %s: %v: %s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String()
}

// addWorktrees creates n detached linked worktrees next to the main one, named
// prefix-1 ... prefix-n, and returns their paths.
func (f *repoFixture) addWorktrees(prefix string, n int) []string {
	f.t.Helper()
	dirs := make([]string, n)
	for i := range dirs {
		dirs[i] = filepath.Join(f.root, prefix+"-"+strconv.Itoa(i+1))
		f.git(f.main, "worktree", "add", "-q", "--detach", dirs[i])
	}
	return dirs
}

// tool returns an unstarted git-worktree-ports command running in dir. Its stderr is
// captured in the returned buffer; extraEnv is appended to the fixture's environment.
func (f *repoFixture) tool(dir string, extraEnv []string, args ...string) (*exec.Cmd, *bytes.Buffer) {
	cmd := exec.Command(filepath.Join(binDir, "git-worktree-ports"), args...)
	cmd.Dir = dir
	cmd.Env = append(append([]string{}, f.env...), extraEnv...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	return cmd, &stderr
}

// runTool runs git-worktree-ports in dir and fails the test unless it exits 0.
func (f *repoFixture) runTool(dir string, args ...string) {
	f.t.Helper()
	cmd, stderr := f.tool(dir, nil, args...)
	if err := cmd.Run(); err != nil {
		f.t.Fatalf("git-worktree-ports %s in %s: %v: %s", strings.Join(args, " "), dir, err, stderr.String())
	}
}

// reservationPath is the reservation file of the worktree at dir.
func reservationPath(dir string) string { return filepath.Join(dir, reserve.FileName) }

// removeReservations deletes the reservation of each worktree, if it has one.
func removeReservations(t testing.TB, dirs []string) {
	t.Helper()
	for _, d := range dirs {
		if err := os.Remove(reservationPath(d)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
	}
}

// readReservations reads the reservation of every worktree in dirs that has one. A file
// that is present but does not parse is an error: nothing this project writes may be
// unreadable.
func readReservations(dirs []string) (map[string]reserve.Reservation, error) {
	out := make(map[string]reserve.Reservation, len(dirs))
	for _, d := range dirs {
		r, _, err := reserve.Read(reservationPath(d))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[d] = r
	}
	return out, nil
}

// overlappingPairs lists the pairs of reservations that claim a port in common, as
// "a~b" with the worktrees' base names.
func overlappingPairs(rs map[string]reserve.Reservation) []string {
	dirs := make([]string, 0, len(rs))
	for d := range rs {
		dirs = append(dirs, d)
	}
	var pairs []string
	for i := range dirs {
		for j := i + 1; j < len(dirs); j++ {
			if rs[dirs[i]].Overlaps(rs[dirs[j]]) {
				pairs = append(pairs, fmt.Sprintf("%s~%s (%d/%d)", filepath.Base(dirs[i]), filepath.Base(dirs[j]),
					rs[dirs[i]].Base, rs[dirs[j]].Base))
			}
		}
	}
	return pairs
}

// tempFiles lists the leftover temporary files of atomic writes in the worktrees.
func tempFiles(dirs []string) []string {
	var out []string
	for _, d := range dirs {
		m, _ := filepath.Glob(filepath.Join(d, reserve.TempPattern))
		out = append(out, m...)
	}
	return out
}

// envInt reads a positive integer from the environment, or returns def.
func envInt(t testing.TB, name string, def int) int {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		t.Fatalf("%s=%q: want a positive integer", name, v)
	}
	return n
}

// report logs a figure. Under -v (as `make stress` and `make crash` run) testing
// streams it as it happens, so long runs show their progress.
func report(t testing.TB, format string, args ...any) {
	t.Helper()
	t.Logf(format, args...)
}
