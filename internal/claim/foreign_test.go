package claim

import (
	"context"
	"testing"
	"time"
)

func TestWithin(t *testing.T) {
	t.Parallel()
	if v, ok := within(context.Background(), func() int { return 7 }); !ok || v != 7 {
		t.Errorf("within(quick) = %v, %v; want 7, true", v, ok)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	block := make(chan struct{})
	defer close(block)
	if v, ok := within(ctx, func() int { <-block; return 7 }); ok || v != 0 {
		t.Errorf("within(blocked) = %v, %v; want 0, false", v, ok)
	}
}

// TestFileText checks that the "range exhausted" message names the one file that took
// most of the slots by itself, and names none when the slots are spread out.
