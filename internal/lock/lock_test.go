package lock

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestAcquireNamesTheHolder(t *testing.T) {
	t.Parallel()
	p := filepath.Join(t.TempDir(), "worktree-ports.lock")
	l, err := Acquire(context.Background(), p, Options{What: "the test lock", Hint: "try later"})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	want := HolderLine(os.Getpid(), os.Args)
	if got := Holder(p); got != want {
		t.Fatalf("Holder = %q, want %q", got, want)
	}
	_, err = Acquire(context.Background(), p, Options{What: "the test lock", Timeout: 30 * time.Millisecond, Hint: "try later"})
	var te *TimeoutError
	if !errors.As(err, &te) {
		t.Fatalf("err = %v (%T), want *TimeoutError", err, err)
	}
	if te.Holder != want {
		t.Errorf("TimeoutError.Holder = %q, want %q", te.Holder, want)
	}
	for _, s := range []string{"timed out after 30ms waiting for the test lock on " + p, ": held by " + want, "; try later"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("message %q lacks %q", err, s)
		}
	}
}

func TestAcquireSaysItWaits(t *testing.T) {
	t.Parallel()
	p := filepath.Join(t.TempDir(), "l")
	l, err := Acquire(context.Background(), p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	waiting := func(s string) { lines = append(lines, s) }

	// Still busy after the notice: one line, naming the holder.
	_, err = Acquire(context.Background(), p, Options{What: "the x lock", Timeout: 200 * time.Millisecond, Notice: 50 * time.Millisecond, Waiting: waiting})
	var te *TimeoutError
	if !errors.As(err, &te) {
		t.Fatalf("err = %v, want *TimeoutError", err)
	}
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "waiting for the x lock on "+p+", held by pid ") {
		t.Errorf("waiting lines = %q, want one naming the lock and its holder", lines)
	}

	// A timeout shorter than the notice never says it waits.
	lines = nil
	_, err = Acquire(context.Background(), p, Options{Timeout: 30 * time.Millisecond, Notice: 50 * time.Millisecond, Waiting: waiting})
	if !errors.As(err, &te) || len(lines) != 0 {
		t.Errorf("err = %v, lines = %q; want a timeout and no waiting line", err, lines)
	}

	// Freed before the notice: no line, and the lock is ours.
	go func() { time.Sleep(20 * time.Millisecond); l.Release() }()
	l2, err := Acquire(context.Background(), p, Options{Timeout: 5 * time.Second, Notice: 2 * time.Second, Waiting: waiting})
	if err != nil {
		t.Fatal(err)
	}
	l2.Release()
	if len(lines) != 0 {
		t.Errorf("waiting lines = %q after a short wait", lines)
	}
}

func TestAcquireContextEnds(t *testing.T) {
	t.Parallel()
	p := filepath.Join(t.TempDir(), "l")
	l, err := Acquire(context.Background(), p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	// The context ends while Acquire waits: cancelled from the waiting notice itself, so
	// the order of events does not depend on how busy the machine is.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	called := false
	_, err = Acquire(ctx, p, Options{Timeout: time.Minute, Notice: 10 * time.Millisecond, Waiting: func(string) { called = true; cancel() }})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want the context's error", err)
	}
	if !called {
		t.Errorf("Waiting was not called")
	}
	// A context that has already ended gets its error at once, not a lock timeout.
	_, err = Acquire(ctx, p, Options{Timeout: time.Minute})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("ended context: err = %v, want the context's error", err)
	}
}

func TestAcquireMissingDirectory(t *testing.T) {
	t.Parallel()
	_, err := Acquire(context.Background(), filepath.Join(t.TempDir(), "no", "l"), Options{Timeout: time.Second})
	var te *TimeoutError
	if err == nil || errors.As(err, &te) {
		t.Errorf("err = %v, want an open error", err)
	}
}

func TestHolder(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tests := []struct{ name, content, want string }{
		{"ours", "pid 42 (git-worktree-ports allocate)\n", "pid 42 (git-worktree-ports allocate)"},
		{"empty, as older versions leave it", "", ""},
		{"not ours", "hello\n", ""},
		{"escape sequences dropped", "pid 7 (\x1b]0;pwned\x07x\x1b[31m)\n", "pid 7 (]0;pwnedx[31m)"},
		{"first line only", "pid 1 (a)\npid 2 (b)\n", "pid 1 (a)"},
		{"too large to be ours", "pid 1 (" + strings.Repeat("x", maxHolder) + ")\n", ""},
	}
	for i, tt := range tests {
		p := filepath.Join(dir, string(rune('a'+i)))
		if err := os.WriteFile(p, []byte(tt.content), 0o644); err != nil {
			t.Fatal(err)
		}
		if got := Holder(p); got != tt.want {
			t.Errorf("%s: Holder = %q, want %q", tt.name, got, tt.want)
		}
	}
	if got := Holder(filepath.Join(dir, "missing")); got != "" {
		t.Errorf("missing file: Holder = %q", got)
	}
}

// TestHolderLine checks that a holder records its pid and verb and nothing else of its
// command line. It sets the process's verb, so it does not run in parallel.
func TestHolderLine(t *testing.T) {
	secret := []string{"/usr/local/bin/git-worktree-ports", "exec", "--", "deploy", "--db-password=hunter2"}
	if got := HolderLine(3, secret); got != "pid 3" && !strings.HasPrefix(got, "pid 3 (git-worktree-ports ") {
		t.Errorf("before SetVerb: HolderLine = %q", got)
	}
	SetVerb("Hunter2 --x") // not a verb: ignored
	SetVerb("exec")
	tests := []struct {
		pid  int
		args []string
		want string
	}{
		{7, secret, "pid 7 (git-worktree-ports exec)"},
		{12, []string{"/usr/local/bin/git-worktree-ports", "--verbose", "allocate", "--base", "20000"}, "pid 12 (git-worktree-ports exec)"},
		{3, nil, "pid 3 (git-worktree-ports exec)"},
		{5, []string{"/tmp/\x1b]0;t\x07", "env"}, "pid 5 (git-worktree-ports exec)"},
		{5, []string{"/opt/bin/lock.test"}, "pid 5 (git-worktree-ports exec)"},
		{5, []string{"/opt/bin/gwp"}, "pid 5 (gwp exec)"},
	}
	for _, tt := range tests {
		if got := HolderLine(tt.pid, tt.args); got != tt.want {
			t.Errorf("HolderLine(%d, %q) = %q, want %q", tt.pid, tt.args, got, tt.want)
		}
	}
}

// TestAcquireTightensMode checks that a lock file is created 0600 and that an existing
// 0644 one (older versions wrote their command line into it) is tightened when locked.
func TestAcquireTightensMode(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fresh := filepath.Join(dir, "fresh")
	old := filepath.Join(dir, "old")
	if err := os.WriteFile(old, []byte("pid 1 (git-worktree-ports exec -- x --db-password=hunter2)\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(old, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{fresh, old} {
		l, err := Acquire(context.Background(), p, Options{})
		if err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600", filepath.Base(p), fi.Mode().Perm())
		}
		data, _ := os.ReadFile(p)
		if strings.Contains(string(data), "hunter2") {
			t.Errorf("%s still holds the old command line: %q", filepath.Base(p), data)
		}
		l.Release()
	}
}

// TestAcquireSharedDirectory checks that in a group-writable directory (a repository
// shared with core.sharedRepository) the lock file keeps group read and write, so the
// group's other users can still lock it, and never anything for others.
func TestAcquireSharedDirectory(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o2770); err != nil {
		t.Fatal(err)
	}
	fresh := filepath.Join(dir, "fresh")
	old := filepath.Join(dir, "old")
	if err := os.WriteFile(old, nil, 0o666); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(old, 0o666); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{fresh, old} {
		l, err := Acquire(context.Background(), p, Options{})
		if err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		// The umask may take the group's write bit from a new file; never more.
		if m := fi.Mode().Perm(); m&0o007 != 0 || m&0o040 == 0 {
			t.Errorf("%s: mode %v, want group read (and write) and nothing for others", filepath.Base(p), m)
		}
		l.Release()
	}
}
