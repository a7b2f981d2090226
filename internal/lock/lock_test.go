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

func TestHolderLine(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("y", 300)
	tests := []struct {
		pid  int
		args []string
		want string
	}{
		{12, []string{"/usr/local/bin/git-worktree-ports", "allocate", "--force"}, "pid 12 (git-worktree-ports allocate --force)"},
		{3, nil, "pid 3"},
		{5, []string{"x", long}, "pid 5 (x " + long[:198] + "...)"},
	}
	for _, tt := range tests {
		if got := HolderLine(tt.pid, tt.args); got != tt.want {
			t.Errorf("HolderLine(%d, %q) = %q, want %q", tt.pid, tt.args, got, tt.want)
		}
	}
}
