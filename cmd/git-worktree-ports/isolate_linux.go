package main

import (
	"os/exec"
	"runtime"
	"syscall"
)

// dieWithParent has the kernel kill the isolated child when this process ends, so that a
// SIGKILL of `git worktree-ports` (a crash, an impatient tool) ends its work too, as it did
// before the work moved into a child; a child stuck in the kernel on a dead mount still
// stays until the mount answers, holding none of git's pipes. The death signal follows the
// thread that started the child, so the starting goroutine keeps its thread for good.
func dieWithParent(cmd *exec.Cmd) {
	runtime.LockOSThread()
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
