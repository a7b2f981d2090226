//go:build unix

package config

import (
	"os"
	"syscall"
)

// openNonBlocking opens file for reading with O_NONBLOCK, which makes
// opening a FIFO with no writer return at once instead of waiting for one.
func openNonBlocking(file string) (*os.File, error) {
	return os.OpenFile(file, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}
