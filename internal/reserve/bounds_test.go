package reserve_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/git-worktree-ports/git-worktree-ports/internal/bundle"
	"github.com/git-worktree-ports/git-worktree-ports/internal/config"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
)

// TestConfigKeepsBundleBounds: the bounds reserve refuses a file beyond (bundle.MinPort,
// bundle.MaxWidth) are the ones config enforces: the lowest range start and the widest
// width are accepted there, and one step beyond each is refused. Both sides read them
// from bundle; this checks that config uses them.
func TestConfigKeepsBundleBounds(t *testing.T) {
	valid := func(lo, width int) error {
		c := config.Default()
		c.Spec.Range = bundle.Range{Lo: lo, Hi: 65535}
		c.Spec.Width = width
		return c.Validate()
	}
	if err := valid(bundle.MinPort, 10); err != nil {
		t.Errorf("config refuses a range starting at bundle.MinPort %d: %v", bundle.MinPort, err)
	}
	if err := valid(bundle.MinPort-1, 10); err == nil {
		t.Errorf("config accepts a range starting at %d, below bundle.MinPort", bundle.MinPort-1)
	}
	if err := valid(20000, bundle.MaxWidth); err != nil {
		t.Errorf("config refuses width bundle.MaxWidth %d: %v", bundle.MaxWidth, err)
	}
	if err := valid(20000, bundle.MaxWidth+1); err == nil {
		t.Errorf("config accepts width %d, above bundle.MaxWidth", bundle.MaxWidth+1)
	}
}

// TestConfigMainPortBound: a config may name no main port lower than the lowest port a
// reservation may list, or other worktrees would skip the main worktree's file and take
// its ports.
func TestConfigMainPortBound(t *testing.T) {
	c := config.Default()
	c.Spec.Services[0].Main = bundle.MinPort - 1
	if err := c.Validate(); err == nil {
		t.Errorf("config accepts main port %d, below bundle.MinPort", bundle.MinPort-1)
	}
}

// TestServiceBounds: the most ports a main worktree's file may list is the most services
// a config may have (bundle.MaxServices), enforced on both sides.
func TestServiceBounds(t *testing.T) {
	withServices := func(n int) error {
		c := config.Default()
		c.Spec.Width = 100
		c.Spec.Services = nil
		for i := 0; i < n; i++ {
			c.Spec.Services = append(c.Spec.Services, bundle.Service{Name: fmt.Sprintf("s%d", i), Offset: i, Env: fmt.Sprintf("S%d_PORT", i), Main: 3000 + i})
		}
		return c.Validate()
	}
	if err := withServices(bundle.MaxServices); err != nil {
		t.Errorf("config refuses %d services: %v", bundle.MaxServices, err)
	}
	err := withServices(bundle.MaxServices + 1)
	if err == nil || !strings.Contains(err.Error(), "services") {
		t.Errorf("config with %d services: %v, want an error naming services", bundle.MaxServices+1, err)
	}
	r := reserve.Reservation{Main: true, Base: 3000, Width: 1}
	for i := 0; i <= bundle.MaxServices; i++ {
		r.Ports = append(r.Ports, reserve.Port{Name: fmt.Sprintf("s%d", i), Port: 3000 + i})
	}
	if r.OutOfBounds() == "" {
		t.Errorf("a main file listing %d ports is within bounds", len(r.Ports))
	}
	r.Ports = r.Ports[:bundle.MaxServices]
	if why := r.OutOfBounds(); why != "" {
		t.Errorf("a main file listing %d ports is out of bounds: %s", len(r.Ports), why)
	}
}
