package stop

import (
	"time"

	"github.com/git-worktree-ports/git-worktree-ports/internal/listener"
)

// Result is what Run did: the processes that ended after TERM, those that needed KILL,
// those still alive at the end, and the ports of the plan still bound then.
type Result struct {
	Termed, Killed, Survived []Proc
	Bound                    []int
}

// Options tune Run. Grace is how long the processes have after TERM before KILL; Poll
// how often Run looks (50ms when zero); Prober says whether a port is still bound.
type Options struct {
	Grace  time.Duration
	Poll   time.Duration
	Prober listener.Prober
}

// killWait is how long Run waits after KILL for the processes to go and the kernel to
// free their ports: KILL cannot be ignored, so only a process stuck in the kernel (or a
// socket another process shares) takes longer.
const killWait = 3 * time.Second
