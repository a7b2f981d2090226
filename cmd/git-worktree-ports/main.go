// Command git-worktree-ports gives every git worktree of a repository its own stable,
// collision-free bundle of TCP ports. Installed on PATH it runs as `git worktree-ports`.
package main

import "os"

func main() {
	os.Exit(Main(os.Args[1:], defaultFactory()))
}
