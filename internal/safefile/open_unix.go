//go:build unix

package safefile

import (
	"os"
	"syscall"
)

// openNonBlocking opens file for reading with O_NONBLOCK, which makes opening a FIFO
// with no writer return at once instead of waiting for one; O_NOCTTY keeps a terminal
// swapped in at the path from becoming ours.
func openNonBlocking(file string) (*os.File, error) {
	return os.OpenFile(file, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
}
