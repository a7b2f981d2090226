package registry

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/git-worktree-ports/git-worktree-ports/internal/testexec"
)

func TestEntriesNoIndex(t *testing.T) {
	t.Parallel()
	got, dropped, warnings, err := Index{Dir: filepath.Join(t.TempDir(), "none")}.Entries()
	if got != nil || dropped != nil || warnings != nil || err != nil {
		t.Errorf("Entries = %v, %v, %q, %v; want nothing", got, dropped, warnings, err)
	}
}

func TestEntriesDropsDeletedRepository(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	x := Index{Dir: filepath.Join(tmp, "idx")}
	keep := newRepo(t, tmp, "keep")
	gone := newRepo(t, tmp, "gone")
	for _, c := range []string{keep, gone} {
		if _, err := x.Register(Entry{CommonDir: c}); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.RemoveAll(filepath.Dir(gone)); err != nil {
		t.Fatal(err)
	}
	got, dropped, warnings, err := x.Entries()
	if err != nil || len(warnings) != 0 {
		t.Fatalf("Entries: warnings %q, err %v", warnings, err)
	}
	if len(got) != 1 || got[0].CommonDir != keep {
		t.Errorf("entries = %+v, want only %s", got, keep)
	}
	if len(dropped) != 1 || dropped[0].CommonDir != gone || dropped[0].Name != "gone" {
		t.Errorf("dropped = %+v, want %s", dropped, gone)
	}
	if _, err := os.Lstat(x.Path(gone)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("dropped entry's file is still there: %v", err)
	}
	if _, dropped, _, _ := x.Entries(); len(dropped) != 0 {
		t.Errorf("second Entries dropped %+v again", dropped)
	}
}

// TestEntriesKeepsUnmounted checks that a repository whose file system is
// not mounted is kept with a warning. A directory on the parent's device
// stands for a mount point whose disk is gone.
func TestEntriesKeepsUnmounted(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	x := Index{Dir: filepath.Join(tmp, "idx")}
	mnt := filepath.Join(tmp, "my disk")
	if err := os.Mkdir(mnt, 0o755); err != nil {
		t.Fatal(err)
	}
	common := filepath.Join(mnt, "src", "api", ".git")
	writeEntry(t, x, Entry{CommonDir: common, Name: "api", Mount: mnt})
	got, dropped, warnings, err := x.Entries()
	if err != nil || len(got) != 0 || len(dropped) != 0 {
		t.Fatalf("Entries = %+v, dropped %+v, err %v", got, dropped, err)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], common) || !strings.Contains(warnings[0], "not mounted") {
		t.Errorf("warnings = %q, want one about %s not being mounted", warnings, mnt)
	}
	// The command to paste quotes the path, which has a space.
	if want := "git worktree-ports forget '" + common + "'"; len(warnings) == 1 && !strings.Contains(warnings[0], want) {
		t.Errorf("warning %q does not hold %q", warnings[0], want)
	}
	if _, err := os.Stat(x.Path(common)); err != nil {
		t.Errorf("entry file removed: %v", err)
	}
}

// writeEntry writes an entry file as Register would, without Register's
// canonicalisation, for entries whose directories do not exist.
func writeEntry(t *testing.T, x Index, e Entry) {
	t.Helper()
	data, err := json.Marshal(entryFile{Version: 1, Entry: e})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(x.Dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(x.Dir, fileName(e.CommonDir)), data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestMountPoint(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	m := mountPoint(tmp)
	if m != "" && !strings.HasPrefix(tmp, m) {
		t.Errorf("mountPoint(%s) = %s, not an ancestor", tmp, m)
	}
	if m != "" && !isMounted(m) {
		t.Errorf("isMounted(%s) = false for the mount point of %s", m, tmp)
	}
	if isMounted(tmp + "/none") {
		t.Error("isMounted is true for a missing directory")
	}
}

// TestEntriesHostileFiles puts files named like entries that must be
// skipped with a warning, never followed into a hang.
func TestEntriesHostileFiles(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	x := Index{Dir: filepath.Join(tmp, "idx")}
	good := newRepo(t, tmp, "good")
	if _, err := x.Register(Entry{CommonDir: good}); err != nil {
		t.Fatal(err)
	}
	name := func(s string) string { return filepath.Join(x.Dir, fileName("/hostile/"+s)) }
	write := func(p, content string) {
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string]string{} // path -> reason
	fifo := name("fifo")
	if err := mkfifo(fifo); err != nil {
		t.Fatal(err)
	}
	want[fifo] = "not a regular file (FIFO)"
	dir := name("dir")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	want[dir] = "not a regular file (directory)"
	huge := name("huge")
	f, err := os.Create(huge)
	if err != nil {
		t.Fatal(err)
	}
	f.Truncate(MaxEntrySize + 1)
	f.Close()
	want[huge] = "larger than 64 KiB"
	loop := name("loop")
	if err := os.Symlink(loop, loop); err != nil {
		t.Fatal(err)
	}
	want[loop] = "symlink loop"
	for s, content := range map[string]string{
		"truncated": `{"version": 1, "common_dir": "/x`,
		"array":     `[]`,
		"relative":  `{"common_dir": "x/.git"}`,
		"empty":     ``,
	} {
		write(name(s), content)
		want[name(s)] = "corrupt"
	}
	// Names that are not entries are ignored: the lock and stray files.
	write(filepath.Join(x.Dir, LockFileName), "")
	write(filepath.Join(x.Dir, "notes.json"), "{")
	if err := mkfifo(filepath.Join(x.Dir, ".tmp-fifo")); err != nil {
		t.Fatal(err)
	}

	type result struct {
		got, dropped []Entry
		warnings     []string
		err          error
	}
	done := make(chan result, 1)
	go func() {
		var r result
		r.got, r.dropped, r.warnings, r.err = x.Entries()
		done <- r
	}()
	var r result
	select {
	case r = <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("Entries blocked on a hostile file")
	}
	if r.err != nil || len(r.dropped) != 0 {
		t.Fatalf("Entries: dropped %+v, err %v", r.dropped, r.err)
	}
	if len(r.got) != 1 || r.got[0].CommonDir != good {
		t.Errorf("entries = %+v, want only %s", r.got, good)
	}
	if len(r.warnings) != len(want) {
		t.Errorf("got %d warnings, want %d:\n%s", len(r.warnings), len(want), strings.Join(r.warnings, "\n"))
	}
	for p, reason := range want {
		w := "skipping index entry " + p + ": " + reason
		found := false
		for _, got := range r.warnings {
			found = found || strings.HasPrefix(got, w)
		}
		if !found {
			t.Errorf("no warning %q in\n%s", w, strings.Join(r.warnings, "\n"))
		}
		if _, err := os.Lstat(p); err != nil {
			t.Errorf("hostile file %s was removed: %v", p, err)
		}
	}
	for _, w := range r.warnings {
		if strings.Contains(w, "\n") {
			t.Errorf("warning is not one line: %q", w)
		}
	}
}

// TestEntriesUnreadableRepository makes a registered common directory
// unreachable: a warning, not an error, and the entry stays. As root
// (common in containers) chmod 000 does not stop a stat, so the check runs
// in a copy of the test binary as user nobody.
func TestEntriesUnreadableRepository(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	x := Index{Dir: filepath.Join(tmp, "idx")}
	common := newRepo(t, tmp, "locked")
	if _, err := x.Register(Entry{CommonDir: common}); err != nil {
		t.Fatal(err)
	}
	parent := filepath.Dir(common)
	if err := os.Chmod(parent, 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(parent, 0o755) })

	var r helperResult
	if os.Geteuid() != 0 {
		var err error
		r.Entries, r.Dropped, r.Warnings, err = x.Entries()
		if err != nil {
			t.Fatal(err)
		}
	} else {
		r = entriesAsNobody(t, tmp, x)
	}
	if r.Err != "" || len(r.Entries) != 0 || len(r.Dropped) != 0 {
		t.Fatalf("Entries = %+v, dropped %+v, err %s", r.Entries, r.Dropped, r.Err)
	}
	if len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "cannot read repository "+common+": permission denied") {
		t.Errorf("warnings = %q, want permission denied on %s", r.Warnings, common)
	}
	if _, err := os.Stat(x.Path(common)); err != nil {
		t.Errorf("entry file removed: %v", err)
	}
}

// entriesAsNobody runs Entries on x in a helper process as user nobody,
// which must be able to reach the binary and the index; tmp holds both.
func entriesAsNobody(t *testing.T, tmp string, x Index) helperResult {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	bin := filepath.Join(tmp, "registry.test")
	data, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	if err := testexec.WriteFile(bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	for d := tmp; d != "/" && d != os.TempDir(); d = filepath.Dir(d) {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	des, _ := os.ReadDir(x.Dir)
	for _, de := range des {
		os.Chown(filepath.Join(x.Dir, de.Name()), 65534, 65534)
	}
	if err := os.Chown(x.Dir, 65534, 65534); err != nil {
		t.Skip(err)
	}
	cmd := exec.Command(bin, x.Dir)
	cmd.Env = append(os.Environ(), helperEnv+"=entries")
	runAsNobody(cmd)
	out, err := cmd.Output()
	if err != nil {
		t.Skipf("cannot run the helper as nobody: %v: %s", err, out)
	}
	var r helperResult
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("helper said %q: %v", out, err)
	}
	if strings.Contains(r.Err, "permission denied") {
		t.Skipf("helper could not reach the index: %s", r.Err)
	}
	return r
}

func BenchmarkEntries(b *testing.B) {
	for _, n := range []int{10, 100} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			tmp := b.TempDir()
			x := Index{Dir: filepath.Join(tmp, "idx")}
			for i := range n {
				c := newRepo(b, tmp, fmt.Sprintf("repo%03d", i))
				if _, err := x.Register(Entry{CommonDir: c, MainPath: filepath.Dir(c)}); err != nil {
					b.Fatal(err)
				}
			}
			for b.Loop() {
				got, _, _, err := x.Entries()
				if err != nil || len(got) != n {
					b.Fatalf("Entries = %d entries, %v", len(got), err)
				}
			}
		})
	}
}

// TestEntriesHungFileSystem stands in for a repository on a network mount that stopped
// answering, where a stat blocks in the kernel and nothing can interrupt it: Entries
// stops waiting after x.Timeout, keeps the entry (the mount may come back), leaves it out
// with a warning that names it, and still returns the others. Not parallel: it replaces
// statDir.
func TestEntriesHungFileSystem(t *testing.T) {
	tmp := t.TempDir()
	x := Index{Dir: filepath.Join(tmp, "idx"), Timeout: 100 * time.Millisecond}
	good := newRepo(t, tmp, "good")
	hung := newRepo(t, tmp, "hung")
	for _, c := range []string{good, hung} {
		if _, err := x.Register(Entry{CommonDir: c}); err != nil {
			t.Fatal(err)
		}
	}
	release := make(chan struct{})
	defer close(release)
	orig := statDir
	statDir = func(name string) (os.FileInfo, error) {
		if name == hung {
			<-release
		}
		return orig(name)
	}
	defer func() { statDir = orig }()

	type result struct {
		entries, dropped []Entry
		warnings         []string
		err              error
	}
	done := make(chan result, 1)
	go func() {
		var r result
		r.entries, r.dropped, r.warnings, r.err = x.Entries()
		done <- r
	}()
	var r result
	select {
	case r = <-done:
	case <-time.After(20 * time.Second): // a hang guard, not a measurement
		t.Fatal("Entries still waiting 20s after its timeout")
	}
	if r.err != nil || len(r.dropped) != 0 {
		t.Fatalf("Entries: dropped %+v, err %v", r.dropped, r.err)
	}
	if len(r.entries) != 1 || r.entries[0].CommonDir != good {
		t.Errorf("entries = %+v, want only %s", r.entries, good)
	}
	if len(r.warnings) != 1 || !strings.Contains(r.warnings[0], hung) || !strings.Contains(r.warnings[0], "no answer within 100ms") {
		t.Errorf("warnings = %q, want one naming %s with no answer within 100ms", r.warnings, hung)
	}
	if _, err := os.Stat(x.Path(hung)); err != nil {
		t.Errorf("the hung repository's entry was removed: %v", err)
	}
}

// TestRegistered checks that Registered returns what the entry files record, without
// looking at the repositories: a deleted one is still there, and nothing is removed.
func TestRegistered(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	x := Index{Dir: filepath.Join(tmp, "idx")}
	gone := newRepo(t, tmp, "gone")
	if _, err := x.Register(Entry{CommonDir: gone}); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Dir(gone)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(x.Dir, strings.Repeat("0", hashHexLen)+entryExt), []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, warnings, err := x.Registered()
	if err != nil || len(got) != 1 || got[0].CommonDir != gone {
		t.Fatalf("Registered = %+v, %v; want %s", got, err, gone)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "corrupt") {
		t.Errorf("warnings = %q, want one about the corrupt file", warnings)
	}
	if _, err := os.Stat(x.Path(gone)); err != nil {
		t.Errorf("Registered removed an entry: %v", err)
	}
}
