//go:build unix && !linux

package listener

import "syscall"

// newSocket opens a TCP socket that no child process inherits. Without SOCK_CLOEXEC the
// flag is set after the fact, under the fork lock as the standard library does.
func newSocket(family int) (int, error) {
	syscall.ForkLock.RLock()
	defer syscall.ForkLock.RUnlock()
	fd, err := syscall.Socket(family, syscall.SOCK_STREAM, syscall.IPPROTO_TCP)
	if err == nil {
		syscall.CloseOnExec(fd)
	}
	return fd, err
}
