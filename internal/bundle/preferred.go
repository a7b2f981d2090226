package bundle

import "hash/fnv"

// Hash returns FNV-1a 64 over the UTF-8 bytes of repoID, a NUL byte and
// worktree. The NUL keeps ("ab", "c") and ("a", "bc") apart.
//
// The values are pinned in tests: changing them moves every worktree's
// preferred slot, which is a breaking change.
func Hash(repoID, worktree string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(repoID))
	h.Write([]byte{0})
	h.Write([]byte(worktree))
	return h.Sum64()
}

// Preferred returns the preferred slot of worktree in a range of slots
// slots: Hash modulo slots. It returns 0 when slots is not positive.
func Preferred(repoID, worktree string, slots int) int {
	if slots <= 0 {
		return 0
	}
	return int(Hash(repoID, worktree) % uint64(slots))
}
