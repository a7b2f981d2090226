//go:build !unix

package registry

import (
	"errors"
	"os/exec"
)

// mkfifo fails where the file system has no FIFOs; the test case then skips.
func mkfifo(string) error { return errors.ErrUnsupported }

// runAsNobody leaves cmd as it is: there is no uid to switch to, and the test skips when
// the helper can read the file after all.
func runAsNobody(*exec.Cmd) {}
