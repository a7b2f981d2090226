//go:build unix

package stop

import (
	"context"
	"strings"
	"syscall"
	"time"

	"github.com/shirou/gopsutil/v4/process"
)

// Run sends TERM to every process of the plan at once, waits up to o.Grace for them to
// end, sends KILL to the rest, and then waits until the plan's ports are free. A process
// whose pid now names another process (its start time differs) counts as ended and is
// never signalled.
func Run(ctx context.Context, plan Plan, o Options) Result {
	if o.Poll <= 0 {
		o.Poll = 50 * time.Millisecond
	}
	var r Result
	live := signalAll(ctx, plan.Procs, syscall.SIGTERM)
	live = waitGone(ctx, live, o.Grace, o.Poll)
	r.Termed = minus(plan.Procs, live)
	if len(live) > 0 {
		killed := signalAll(ctx, live, syscall.SIGKILL)
		r.Survived = waitGone(ctx, killed, killWait, o.Poll)
		r.Killed = minus(live, r.Survived)
	}
	r.Bound = waitFree(ctx, plan, o, killWait)
	return r
}

// signalAll sends sig to each process still alive, and returns those it was sent to.
func signalAll(ctx context.Context, procs []Proc, sig syscall.Signal) []Proc {
	var out []Proc
	for _, p := range procs {
		if !alive(ctx, p) {
			continue
		}
		if err := syscall.Kill(int(p.PID), sig); err == syscall.ESRCH {
			continue // ended meanwhile
		}
		// Any other failure (EPERM) leaves it running: it is reported as surviving.
		out = append(out, p)
	}
	return out
}

// waitGone polls until every process has ended or d has passed, and returns those still
// alive.
func waitGone(ctx context.Context, procs []Proc, d, poll time.Duration) []Proc {
	deadline := time.Now().Add(d)
	for {
		var live []Proc
		for _, p := range procs {
			if alive(ctx, p) {
				live = append(live, p)
			}
		}
		if len(live) == 0 || !time.Now().Before(deadline) || ctx.Err() != nil {
			return live
		}
		procs = live
		time.Sleep(poll)
	}
}

// waitFree polls until none of the stopped processes' ports is bound, or d has passed,
// and returns those still bound.
func waitFree(ctx context.Context, plan Plan, o Options, d time.Duration) []int {
	if o.Prober == nil {
		return nil
	}
	var ports []int
	for _, p := range plan.Procs {
		if p.Port != 0 {
			ports = append(ports, p.Port)
		}
	}
	deadline := time.Now().Add(d)
	for {
		var bound []int
		for _, p := range ports {
			if o.Prober.Bound(p) {
				bound = append(bound, p)
			}
		}
		if len(bound) == 0 || !time.Now().Before(deadline) || ctx.Err() != nil {
			return bound
		}
		ports = bound
		time.Sleep(o.Poll)
	}
}

// alive reports whether p still runs: its pid exists, is not a zombie, and names the
// process that was found (the same start time).
func alive(ctx context.Context, p Proc) bool {
	proc, err := process.NewProcessWithContext(ctx, p.PID)
	if err != nil {
		return false
	}
	if st, err := proc.StatusWithContext(ctx); err == nil {
		for _, s := range st {
			if strings.EqualFold(s, process.Zombie) {
				return false
			}
		}
	} else {
		return false
	}
	if p.created != 0 {
		if t, err := proc.CreateTimeWithContext(ctx); err != nil || t != p.created {
			return false
		}
	}
	return true
}

func minus(all, some []Proc) []Proc {
	var out []Proc
	for _, p := range all {
		found := false
		for _, q := range some {
			if q.PID == p.PID {
				found = true
				break
			}
		}
		if !found {
			out = append(out, p)
		}
	}
	return out
}
