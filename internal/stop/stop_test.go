//go:build unix

package stop

import (
	"context"
	"os/exec"
	"testing"
	"time"
)

// start runs sh -c script as a real process and returns it with its start time, as Find
// records it.
func start(t *testing.T, script string) (*exec.Cmd, Proc) {
	t.Helper()
	cmd := exec.Command("sh", "-c", script)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }() // reaped at once, as testscript does
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-done
	})
	// Let sh install its trap before anything is sent.
	time.Sleep(100 * time.Millisecond)
	pid := int32(cmd.Process.Pid)
	return cmd, Proc{PID: pid, Program: "sh", created: createTime(context.Background(), pid)}
}

func pids(ps []Proc) []int32 {
	var out []int32
	for _, p := range ps {
		out = append(out, p.PID)
	}
	return out
}

func TestRun(t *testing.T) {
	t.Parallel()
	_, polite := start(t, "exec sleep 30")
	_, stubborn := start(t, `trap "" TERM; while :; do sleep 0.05; done`)
	_, reused := start(t, "exec sleep 30")
	reused.created = 1 // its pid names a process started later than the one found: never signalled

	r := Run(context.Background(), Plan{Procs: []Proc{polite, stubborn, reused}}, Options{Grace: 300 * time.Millisecond})
	if got := pids(r.Termed); len(got) != 2 || got[0] != polite.PID || got[1] != reused.PID {
		t.Errorf("Termed = %v, want [%d %d] (the reused pid counts as ended)", got, polite.PID, reused.PID)
	}
	if got := pids(r.Killed); len(got) != 1 || got[0] != stubborn.PID {
		t.Errorf("Killed = %v, want [%d]", got, stubborn.PID)
	}
	if len(r.Survived) != 0 || len(r.Bound) != 0 {
		t.Errorf("Survived = %v, Bound = %v; want none", r.Survived, r.Bound)
	}
	reused.created = createTime(context.Background(), reused.PID)
	if !alive(context.Background(), reused) {
		t.Errorf("pid %d, whose start time did not match, was signalled", reused.PID)
	}
}

func TestMinus(t *testing.T) {
	a, b, c := Proc{PID: 1}, Proc{PID: 2}, Proc{PID: 3}
	if got := pids(minus([]Proc{a, b, c}, []Proc{b})); len(got) != 2 || got[0] != 1 || got[1] != 3 {
		t.Errorf("minus = %v, want [1 3]", got)
	}
}
