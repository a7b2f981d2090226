//go:build !unix

package safefile

import "os"

// openNonBlocking opens file for reading. Outside Unix there are no FIFOs
// in the file system to block on.
func openNonBlocking(file string) (*os.File, error) {
	return os.Open(file)
}
