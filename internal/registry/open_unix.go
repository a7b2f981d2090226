//go:build unix

package registry

import (
	"os"
	"syscall"
)

// openNonBlocking opens file for reading with O_NONBLOCK, which makes
// opening a FIFO with no writer return at once instead of waiting for one,
// and O_NOCTTY, so that a swapped-in terminal never becomes ours.
func openNonBlocking(file string) (*os.File, error) {
	return os.OpenFile(file, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
}
