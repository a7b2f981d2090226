package listener

import "syscall"

// newSocket opens a TCP socket that no child process inherits.
func newSocket(family int) (int, error) {
	return syscall.Socket(family, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, syscall.IPPROTO_TCP)
}
