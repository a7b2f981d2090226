//go:build unix

package tests

import (
	"bytes"
	"errors"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// crashNextLimit is how long the allocate after a kill may take. It runs with a lock
// timeout of 2 s, so a run that waited on the dead process's lock would take 2 s and
// fail; a healthy one takes tens of milliseconds.
const crashNextLimit = 1500 * time.Millisecond

// TestCrash kills `allocate` with SIGKILL at a random moment, GWP_CRASH_RUNS times
// (default 100; `make crash` runs 1,000). Odd runs kill `allocate --force` in a worktree
// that holds a reservation; even runs kill a plain `allocate` in a worktree whose
// reservation was just deleted. The delay is uniform from 0 to a little more than an
// allocate takes on this machine (at most 30 ms), from a seed that is logged
// (GWP_CRASH_SEED repeats the delays). After each kill:
//
//   - every reservation file present parses;
//   - the reservations of the worktrees never targeted are byte-identical to before;
//   - the next `allocate` there, with GIT_WORKTREE_PORTS_LOCK_TIMEOUT=2, exits 0 within
//     1.5 s (it never waits on the dead holder's lock), and leaves no overlap.
//
// Leftover temporary files of an interrupted atomic write are allowed; they are counted.
func TestCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("a crash loop: not with -short")
	}
	runs := envInt(t, "GWP_CRASH_RUNS", 100)
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv("GWP_CRASH_SEED"); v != "" {
		s, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("GWP_CRASH_SEED=%q: %v", v, err)
		}
		seed = s
	}
	report(t, "seed %d (GWP_CRASH_SEED=%d repeats the delays)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))

	f := newRepoFixture(t, stressRange)
	kept := f.addWorktrees("kept", 4)
	forced := f.addWorktrees("forced", 3)
	fresh := f.addWorktrees("fresh", 3)
	all := slices.Concat([]string{f.main}, kept, forced, fresh)
	for _, d := range slices.Concat(kept, forced, []string{f.main}) {
		f.runTool(d, "allocate")
	}
	// Most kills should land while allocate runs, so the delay is drawn from 0 to a bit
	// more than an uncontended allocate takes on this machine, and never above 30 ms.
	var calib []time.Duration
	for i := range 10 {
		removeReservations(t, fresh[:1])
		s := time.Now()
		f.runTool(fresh[0], "allocate")
		if i >= 3 { // the first runs warm the caches
			calib = append(calib, time.Since(s))
		}
	}
	slices.Sort(calib)
	maxDelay := min(max(calib[len(calib)/2]*6/5, 2*time.Millisecond), 30*time.Millisecond)
	report(t, "allocate takes %v here; kill delays uniform in 0-%v", calib[len(calib)/2].Round(100*time.Microsecond), maxDelay.Round(100*time.Microsecond))

	snapshot := make(map[string][]byte)
	for _, d := range append(kept, f.main) {
		data, err := os.ReadFile(reservationPath(d))
		if err != nil {
			t.Fatal(err)
		}
		snapshot[d] = data
	}

	var (
		finished, beforeWrite, midWrite, afterRename int
		filesChecked, newTemps                       int
		nextDurations                                []time.Duration
		start                                        = time.Now()
	)
	seenTemps := make(map[string]bool)
	for run := 1; run <= runs; run++ {
		var target string
		args := []string{"allocate"}
		if run%2 == 1 {
			target = forced[rng.IntN(len(forced))]
			args = append(args, "--force")
		} else {
			target = fresh[rng.IntN(len(fresh))]
			removeReservations(t, []string{target})
		}
		before, _ := os.ReadFile(reservationPath(target))
		delay := time.Duration(rng.Int64N(int64(maxDelay/time.Microsecond)+1)) * time.Microsecond

		cmd, stderr := f.tool(target, nil, args...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(delay)
		_ = cmd.Process.Signal(syscall.SIGKILL)
		err := cmd.Wait()
		killed := false
		var exit *exec.ExitError
		switch {
		case err == nil:
			finished++
		case errors.As(err, &exit) && exit.Sys().(syscall.WaitStatus).Signal() == syscall.SIGKILL:
			killed = true
		default:
			t.Fatalf("run %d: %s in %s (delay %v) failed on its own: %v: %s", run, args, target, delay, err, stderr)
		}

		temps := tempFiles(all)
		tempLeft := false
		for _, p := range temps {
			if !seenTemps[p] {
				seenTemps[p] = true
				newTemps++
				tempLeft = true
			}
		}
		after, afterErr := os.ReadFile(reservationPath(target))
		if afterErr != nil && !errors.Is(afterErr, fs.ErrNotExist) {
			t.Fatalf("run %d: %v", run, afterErr)
		}
		if killed {
			switch {
			case tempLeft:
				midWrite++
			case !bytes.Equal(before, after):
				afterRename++
			default:
				beforeWrite++
			}
		}

		filesChecked += checkCrashState(t, run, "after the kill", all, snapshot)

		next, nextErr := f.tool(target, []string{"GIT_WORKTREE_PORTS_LOCK_TIMEOUT=2"}, "allocate")
		nextStart := time.Now()
		if err := next.Run(); err != nil {
			t.Fatalf("run %d: the allocate after killing %s in %s (delay %v) failed: %v: %s", run, args, target, delay, err, nextErr)
		}
		d := time.Since(nextStart)
		nextDurations = append(nextDurations, d)
		if d > crashNextLimit {
			t.Errorf("run %d: the allocate after the kill took %v (limit %v): did it wait on the dead holder's lock? %s", run, d, crashNextLimit, nextErr)
		}
		filesChecked += checkCrashState(t, run, "after the next allocate", all, snapshot)
		if rs, err := readReservations(all); err != nil {
			t.Fatalf("run %d: %v", run, err)
		} else if pairs := overlappingPairs(rs); len(pairs) > 0 {
			t.Fatalf("run %d: overlapping bundles after the next allocate: %v", run, pairs)
		}
		if run%100 == 0 || run == runs {
			report(t, "run %d: %d killed (%d before writing, %d mid-write, %d after the rename), %d finished first; %d files checked",
				run, run-finished, beforeWrite, midWrite, afterRename, finished, filesChecked)
		}
	}

	slices.Sort(nextDurations)
	report(t, "%d runs, %d kills landed (%d before the write, %d mid-write with a temp file left, %d after the rename), %d finished before the kill; %d files checked, %d leftover temp files, lost: 0 of %d protected reservations; next allocate median %v, max %v (limit %v); %v",
		runs, runs-finished, beforeWrite, midWrite, afterRename, finished, filesChecked, newTemps, len(snapshot),
		nextDurations[len(nextDurations)/2].Round(time.Millisecond), nextDurations[len(nextDurations)-1].Round(time.Millisecond),
		crashNextLimit, time.Since(start).Round(time.Millisecond))
}

// checkCrashState checks that every reservation present parses and that the protected
// ones are byte-identical to their snapshot. It returns how many files it checked.
func checkCrashState(t *testing.T, run int, when string, dirs []string, snapshot map[string][]byte) int {
	t.Helper()
	rs, err := readReservations(dirs)
	if err != nil {
		t.Fatalf("run %d, %s: a reservation does not parse: %v", run, when, err)
	}
	for d, want := range snapshot {
		got, err := os.ReadFile(reservationPath(d))
		if err != nil {
			t.Fatalf("run %d, %s: LOST the reservation of %s: %v", run, when, d, err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("run %d, %s: the reservation of %s changed:\n--- before\n%s\n--- after\n%s", run, when, d, want, got)
		}
	}
	return len(rs)
}
