//go:build unix

package main

import "syscall"

// replaceProcess runs path in place of this process (exec(2)). It returns only on failure.
func replaceProcess(path string, argv, env []string, _ *Factory) error {
	return syscall.Exec(path, argv, env)
}
