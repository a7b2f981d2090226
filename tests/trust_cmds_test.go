//go:build unix

package tests

import (
	"fmt"
	"os"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
	"github.com/git-worktree-ports/git-worktree-ports/internal/trust"
)

// The command below is for scenarios that compare a whole reservation file: its
// approval and proof fields depend on the run's paths and on the user's random key.

func init() {
	commands["unsigned"] = cmdUnsigned
}

// cmdUnsigned prints a reservation file without its "approval" and "proof" members,
// everything else byte for byte as Marshal keeps it, after checking that it has a
// proof:
//
//	unsigned FILE
func cmdUnsigned(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: unsigned FILE")
	}
	data, err := os.ReadFile(ts.MkAbs(args[0]))
	ts.Check(err)
	r, err := reserve.Parse(args[0], data)
	ts.Check(err)
	if r.Proof == "" {
		ts.Fatalf("unsigned: %s has no proof", args[0])
	}
	r.Approval, r.Proof = "", ""
	out, err := reserve.Marshal(data, r)
	ts.Check(err)
	fmt.Fprint(ts.Stdout(), string(out))
}

func init() {
	commands["sign"] = cmdSign
}

// cmdSign signs a reservation file with the script's user's key, as if that user's tool
// had written those values, keeping the file's other members byte for byte:
//
//	sign FILE
//
// It lets a scenario show what the second wall (envname) still drops from a file whose
// proof verifies.
func cmdSign(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: sign FILE")
	}
	path := ts.MkAbs(args[0])
	data, err := os.ReadFile(path)
	ts.Check(err)
	r, err := reserve.Parse(args[0], data)
	ts.Check(err)
	store, err := trust.Open(ts.Getenv)
	ts.Check(err)
	key, err := store.Key()
	ts.Check(err)
	r, err = trust.Seal(key, r)
	ts.Check(err)
	out, err := reserve.Marshal(data, r)
	ts.Check(err)
	ts.Check(os.WriteFile(path, out, 0o644))
}

func init() {
	// The programs trust_hostile_names runs after `eval "$(git worktree-ports env)"`.
	for _, prog := range []string{"vim", "make", "curl", "npm"} {
		extraConditions["have:"+prog] = haveProg(prog)
	}
}
