package inventory

import (
	"fmt"
	"slices"

	"github.com/git-worktree-ports/git-worktree-ports/internal/fspath"
	"github.com/git-worktree-ports/git-worktree-ports/internal/listener"
	"github.com/git-worktree-ports/git-worktree-ports/internal/repository"
	"github.com/git-worktree-ports/git-worktree-ports/internal/shquote"
	"github.com/git-worktree-ports/git-worktree-ports/internal/untrusted"
)

// checkStray advises about servers that no reservation accounts for: a listener in the
// range whose working directory no longer exists (`git worktree remove` while it ran),
// and one started in a worktree whose bundle no longer holds the port it listens on
// (after release, allocate --base or --force). Nothing is broken for anyone else, yet
// the port is taken and no `list` row shows why: advice, with the way to stop it. A
// port another reservation claims is checkHeld's problem, not this advice.
func checkStray(f Facts) []Finding {
	var out []Finding
	ports := make([]int, 0, len(f.Listeners))
	for p := range f.Listeners {
		if f.Range.Contains(p) {
			ports = append(ports, p)
		}
	}
	slices.Sort(ports)
	for _, p := range ports {
		if claimedBySibling(f, p) {
			continue
		}
		for _, l := range f.Listeners[p] {
			if fd, ok := stray(f, p, l); ok {
				out = append(out, fd)
			}
		}
	}
	return out
}

func claimedBySibling(f Facts, p int) bool {
	for _, s := range f.Siblings {
		if s.Reservation.Claimed(p) {
			return true
		}
	}
	return false
}

// stray is the finding for listener l on port p, which no reservation of this
// repository claims, if it is a stray.
func stray(f Facts, p int, l Listener) (Finding, bool) {
	if l.Hidden || l.PID == 0 {
		return Finding{}, false
	}
	who := fmt.Sprintf("%s (pid %d)", untrusted.New(l.Program), l.PID)
	if l.Holder == "" && listener.Gone(l.Cwd) {
		return Finding{
			Check: "stray", Severity: Advice,
			Message: fmt.Sprintf("port %d is held by %s, still running in %s, a directory that no longer exists (a removed worktree?)", p, who, untrusted.New(l.Cwd)),
			Fix:     fmt.Sprintf("git worktree-ports stop --removed --dry-run, then without --dry-run; or kill %d", l.PID),
		}, true
	}
	if l.Holder == "" {
		return Finding{}, false
	}
	for _, w := range f.Worktrees {
		if !fspath.Equal(w.Row.Path, l.Holder) {
			continue
		}
		label := repository.Label(f.Toplevel, l.Holder)
		return Finding{
			Check: "stray", Severity: Advice, Path: l.Holder,
			Message: fmt.Sprintf("port %d is held by %s from worktree %s, whose bundle does not hold that port", p, who, label),
			Fix:     fmt.Sprintf("restart it in %s on its own port (git -C %s worktree-ports env), or kill %d", label, shquote.Word(l.Holder), l.PID),
		}, true
	}
	return Finding{}, false
}
