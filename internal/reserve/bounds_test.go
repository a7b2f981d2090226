package reserve_test

import (
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
