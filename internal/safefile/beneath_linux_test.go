package safefile

import "testing"

// forceWalk makes OpenBeneath use the O_NOFOLLOW walk, as on a kernel without openat2,
// until the test ends.
func forceWalk(t *testing.T) {
	was := noOpenat2.Load()
	noOpenat2.Store(true)
	t.Cleanup(func() { noOpenat2.Store(was) })
}
