package registry

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"testing"
	"time"
)

// helperEnv selects a helper role when the test binary re-executes itself:
// a real second process is the only way to test what the kernel does when
// a lock holder dies, or what an unprivileged user can read.
const helperEnv = "GWP_REGISTRY_TEST_HELPER"

// helperResult is what the "entries" helper prints.
type helperResult struct {
	Entries, Dropped []Entry
	Warnings         []string
	Err              string
}

func TestMain(m *testing.M) {
	arg := os.Args[len(os.Args)-1]
	switch os.Getenv(helperEnv) {
	case "":
		os.Exit(m.Run())
	case "lock":
		// Take the lock, say so, and hold it until killed.
		release, err := Index{Dir: arg}.LockUser(context.Background(), 5*time.Second, nil)
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		fmt.Println("locked")
		time.Sleep(time.Minute)
		release()
		os.Exit(0)
	case "entries":
		var r helperResult
		var err error
		r.Entries, r.Dropped, r.Warnings, err = Index{Dir: arg}.Entries()
		if err != nil {
			r.Err = err.Error()
		}
		json.NewEncoder(os.Stdout).Encode(r)
		os.Exit(0)
	default:
		fmt.Fprintln(os.Stderr, "unknown helper", os.Getenv(helperEnv))
		os.Exit(2)
	}
}
