package reserve_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/git-worktree-ports/git-worktree-ports/internal/bundle"
	"github.com/git-worktree-ports/git-worktree-ports/internal/config"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
)

// TestBoundsMatchConfig keeps reserve's idea of "what any config allows" equal to what
// config really allows: the lowest range start and the widest width are accepted there,
// and one step beyond each is refused.
func TestBoundsMatchConfig(t *testing.T) {
	valid := func(lo, width int) error {
		c := config.Default()
		c.Spec.Range = bundle.Range{Lo: lo, Hi: 65535}
		c.Spec.Width = width
		return c.Validate()
	}
	if err := valid(reserve.MinPort, 10); err != nil {
		t.Errorf("config refuses a range starting at reserve.MinPort %d: %v", reserve.MinPort, err)
	}
	if err := valid(reserve.MinPort-1, 10); err == nil {
		t.Errorf("config accepts a range starting at %d, below reserve.MinPort", reserve.MinPort-1)
	}
	if err := valid(20000, reserve.MaxWidth); err != nil {
		t.Errorf("config refuses width reserve.MaxWidth %d: %v", reserve.MaxWidth, err)
	}
	if err := valid(20000, reserve.MaxWidth+1); err == nil {
		t.Errorf("config accepts width %d, above reserve.MaxWidth", reserve.MaxWidth+1)
	}
}

// TestMainBoundsMatchConfig keeps the lowest main port a config may name no lower than
// the lowest port a reservation may list, or other worktrees would skip the main
// worktree's file and take its ports.
func TestMainBoundsMatchConfig(t *testing.T) {
	if config.MinMainPort != reserve.MinPort {
		t.Errorf("config.MinMainPort is %d, reserve.MinPort %d", config.MinMainPort, reserve.MinPort)
	}
	c := config.Default()
	c.Spec.Services[0].Main = reserve.MinPort - 1
	if err := c.Validate(); err == nil {
		t.Errorf("config accepts main port %d, below reserve.MinPort", reserve.MinPort-1)
	}
}

// TestServiceBoundsMatchConfig keeps the most ports a main worktree's file may list
// equal to the most services a config may have.
func TestServiceBoundsMatchConfig(t *testing.T) {
	if config.MaxServices != reserve.MaxServices {
		t.Fatalf("config.MaxServices is %d, reserve.MaxServices %d", config.MaxServices, reserve.MaxServices)
	}
	withServices := func(n int) error {
		c := config.Default()
		c.Spec.Width = 100
		c.Spec.Services = nil
		for i := 0; i < n; i++ {
			c.Spec.Services = append(c.Spec.Services, bundle.Service{Name: fmt.Sprintf("s%d", i), Offset: i, Env: fmt.Sprintf("S%d_PORT", i), Main: 3000 + i})
		}
		return c.Validate()
	}
	if err := withServices(reserve.MaxServices); err != nil {
		t.Errorf("config refuses %d services: %v", reserve.MaxServices, err)
	}
	err := withServices(reserve.MaxServices + 1)
	if err == nil || !strings.Contains(err.Error(), "services") {
		t.Errorf("config with %d services: %v, want an error naming services", reserve.MaxServices+1, err)
	}
	r := reserve.Reservation{Main: true, Base: 3000, Width: 1}
	for i := 0; i <= reserve.MaxServices; i++ {
		r.Ports = append(r.Ports, reserve.Port{Name: fmt.Sprintf("s%d", i), Port: 3000 + i})
	}
	if r.OutOfBounds() == "" {
		t.Errorf("a main file listing %d ports is within bounds", len(r.Ports))
	}
	r.Ports = r.Ports[:reserve.MaxServices]
	if why := r.OutOfBounds(); why != "" {
		t.Errorf("a main file listing %d ports is out of bounds: %s", len(r.Ports), why)
	}
}
