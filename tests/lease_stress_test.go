//go:build unix

package tests

import (
	"bytes"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestLeaseConcurrent takes 64 leases at once, 8 in each of 8 worktrees of two
// repositories (the main worktree and three linked ones of each), GWP_LEASE_ROUNDS
// times (default 2), and releases them all at once between rounds. Every lease must succeed, the 64
// ports must be distinct, and none may lie in any worktree's bundle or ports: the leases
// are recorded where the overlap rules look, under the same locks as allocate.
func TestLeaseConcurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("a concurrency stress run: not with -short")
	}
	const perRepo, perWorktree = 4, 8
	rounds := envInt(t, "GWP_LEASE_ROUNDS", 2)
	f := newRepoFixture(t, "")
	// 30 slots for 10 bundles and 64 leases (about 7 slots, packed from the top).
	f.git(f.root, "config", "--global", "worktree-ports.range", "18700-18999")
	other := filepath.Join(f.root, "other")
	f.git(f.root, "init", "-q", other)
	f.git(other, "commit", "-q", "--allow-empty", "-m", "init")
	dirs := f.addWorktrees("a", perRepo-1)
	dirs = append(dirs, f.main)
	for i := 1; i < perRepo; i++ {
		d := filepath.Join(f.root, fmt.Sprintf("b-%d", i))
		f.git(other, "worktree", "add", "-q", "--detach", d)
		dirs = append(dirs, d)
	}
	dirs = append(dirs, other)
	for _, d := range dirs {
		f.runTool(d, "allocate")
	}

	for round := 1; round <= rounds; round++ {
		var cmds []*exec.Cmd
		var outs, errs []*bytes.Buffer
		for _, d := range dirs {
			for j := 0; j < perWorktree; j++ {
				c, e := f.tool(d, nil, "lease", "agent-"+strconv.Itoa(j), "--ttl", "1h")
				var out bytes.Buffer
				c.Stdout = &out
				cmds, outs, errs = append(cmds, c), append(outs, &out), append(errs, e)
			}
		}
		startWait(t, cmds, errs)

		rs, err := readReservations(dirs)
		if err != nil {
			t.Fatal(err)
		}
		printed := map[int]string{}
		for i, o := range outs {
			p, err := strconv.Atoi(strings.TrimSpace(o.String()))
			if err != nil {
				t.Fatalf("round %d: lease printed %q", round, o.String())
			}
			who := cmds[i].Dir + " " + cmds[i].Args[2]
			if prev, dup := printed[p]; dup {
				t.Fatalf("round %d: port %d leased twice: %s and %s", round, p, prev, who)
			}
			printed[p] = who
		}
		recorded := 0
		for d, r := range rs {
			recorded += len(r.Leases)
			for _, l := range r.Leases {
				if printed[l.Port] == "" {
					t.Errorf("round %d: %s records lease %s = %d, which no lease printed", round, d, l.Name, l.Port)
				}
			}
		}
		if recorded != len(cmds) {
			t.Fatalf("round %d: %d leases recorded, want %d", round, recorded, len(cmds))
		}
		for p, who := range printed {
			for d, r := range rs {
				if (reserveBundle{r.Base, r.Width}).has(p) {
					t.Fatalf("round %d: lease %d (%s) lies in the bundle of %s", round, p, who, d)
				}
				for _, sp := range r.Ports {
					if sp.Port == p {
						t.Fatalf("round %d: lease %d (%s) is port %s of %s", round, p, who, sp.Name, d)
					}
				}
			}
		}
		if pairs := overlappingPairs(rs); len(pairs) > 0 {
			t.Fatalf("round %d: overlapping reservations: %v", round, pairs)
		}
		t.Logf("round %d: %d leases at once in %d worktrees of 2 repositories, all distinct and outside every bundle", round, len(cmds), len(dirs))

		var rel []*exec.Cmd
		var relErrs []*bytes.Buffer
		for _, d := range dirs {
			for j := 0; j < perWorktree; j++ {
				c, e := f.tool(d, nil, "release", "agent-"+strconv.Itoa(j))
				rel, relErrs = append(rel, c), append(relErrs, e)
			}
		}
		startWait(t, rel, relErrs)
		rs, err = readReservations(dirs)
		if err != nil {
			t.Fatal(err)
		}
		for d, r := range rs {
			if len(r.Leases) > 0 {
				t.Fatalf("round %d: %s still holds %v after release", round, d, r.Leases)
			}
		}
	}
}

type reserveBundle struct{ base, width int }

func (b reserveBundle) has(p int) bool { return p >= b.base && p < b.base+b.width }
