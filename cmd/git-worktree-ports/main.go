// Command git-worktree-ports gives every git worktree of a repository its own stable,
// collision-free bundle of TCP ports. Installed on PATH it runs as `git worktree-ports`.
package main

import "os"

func main() {
	// The verbs that read other repositories run in a child that may be left behind
	// (see isolate).
	if code, ok := isolate(os.Args[1:]); ok {
		os.Exit(code)
	}
	code := Main(os.Args[1:], defaultFactory())
	reportStatus(code)
	os.Exit(code)
}
