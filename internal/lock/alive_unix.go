//go:build !windows

package lock

import (
	"errors"
	"syscall"
)

// alive reports whether a process with this pid exists: signal 0 checks without
// sending anything. EPERM means it exists and belongs to someone else.
func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
