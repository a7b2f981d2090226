//go:build !unix

package main

// isolate runs every verb in this process: the child process of isolate_unix.go guards
// against reads that block in the kernel on a Unix network mount.
func isolate([]string) (int, bool) { return 0, false }

// reportStatus does nothing: there is no isolated child.
func reportStatus(int) {}
