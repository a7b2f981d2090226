// Package testexec writes programs that tests then run. It exists for one failure: a test
// writes a script and runs it while a parallel test forks a process. The child of that
// fork holds a copy of the script's still-open write descriptor until it execs, and
// running the script then fails with "text file busy" (ETXTBSY; Go issue 22315). Writing
// under syscall.ForkLock, which os/exec takes for every fork, keeps any fork from
// inheriting the descriptor.
package testexec

import (
	"os"
	"syscall"
)

// WriteFile is os.WriteFile for a file that will be executed.
func WriteFile(path string, data []byte, perm os.FileMode) error {
	syscall.ForkLock.Lock()
	defer syscall.ForkLock.Unlock()
	return os.WriteFile(path, data, perm)
}
