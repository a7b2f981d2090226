package wtenv

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"

	"github.com/git-worktree-ports/git-worktree-ports/internal/diag"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gittest"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
)

// TestAllocateInjected: wtenv allocates only through the Allocate it is given (cmd wires
// alloc.Allocate), only when the worktree has no reservation to use, and hands on what
// it says: its warnings to Diag, its line to Allocated, its error as it is.
func TestAllocateInjected(t *testing.T) {
	sb := gittest.New(t)
	repo := sb.Repo("shop")
	ctx := context.Background()
	written := reserve.Reservation{Version: 1, Base: 21000, Width: 10, Ports: []reserve.Port{{Name: "app", Port: 21000}}}
	var calls, warnings, allocated []string
	var fail error
	o := Options{
		Dir: repo, Env: sb.Env,
		Allocate: func(_ context.Context, root string, d *diag.Sink) (reserve.Reservation, string, error) {
			calls = append(calls, root)
			if fail != nil {
				return reserve.Reservation{}, "", fail
			}
			d.Warn(diag.Warning{Text: "warning: said by allocate"})
			return written, "allocated 21000-21009", nil
		},
		Diag:      diag.New(func(err error) { warnings = append(warnings, err.Error()) }, nil),
		Allocated: func(s string) { allocated = append(allocated, s) },
	}

	if p, err := Port(ctx, o, "app"); err != nil || p != 21000 {
		t.Fatalf("no reservation: Port = %d, %v; want the allocated 21000", p, err)
	}
	if !slices.Equal(calls, []string{repo}) || !slices.Contains(warnings, "warning: said by allocate") || !slices.Equal(allocated, []string{"allocated 21000-21009"}) {
		t.Errorf("calls %q, warnings %q, allocated %q", calls, warnings, allocated)
	}

	fail = errors.New("range exhausted")
	if _, err := Port(ctx, o, "app"); !errors.Is(err, fail) {
		t.Errorf("allocate's error: %v", err)
	}

	noAlloc := o
	noAlloc.NoAllocate = true
	var nr *NoReservationError
	if _, err := Port(ctx, noAlloc, "app"); !errors.As(err, &nr) {
		t.Errorf("--no-allocate: %v, want a *NoReservationError", err)
	}
	none := o
	none.Allocate = nil
	if _, err := Port(ctx, none, "app"); err == nil {
		t.Error("no Allocate: no error")
	}
	if len(calls) != 2 {
		t.Errorf("allocate ran %d times, want 2 (refused and unset runs none)", len(calls))
	}

	// A reservation on disk, with its env, is read as it is: no allocation (Port needs
	// the ports alone, so no proof is asked for).
	written.Root = repo
	written.Env = []reserve.EnvVar{{Name: "PORT", Value: "21000"}}
	data, err := reserve.Marshal(nil, written)
	if err != nil {
		t.Fatal(err)
	}
	if err := reserve.WriteAtomic(filepath.Join(repo, reserve.FileName), data); err != nil {
		t.Fatal(err)
	}
	if p, err := Port(ctx, o, "app"); err != nil || p != 21000 || len(calls) != 2 {
		t.Errorf("with a reservation: Port = %d, %v, allocate ran %d times", p, err, len(calls))
	}
}
