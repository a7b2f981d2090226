//go:build unix

package trust

import "syscall"

// noFollow keeps the key's creation from following a symlink planted at its name.
const noFollow = syscall.O_NOFOLLOW
