package reserve

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"
)

// helperEnv selects a helper role when the test binary re-executes itself:
// a real second process is the only way to test what the kernel does when
// a lock holder dies, or what an unprivileged user can read.
const helperEnv = "GWP_RESERVE_TEST_HELPER"

func TestMain(m *testing.M) {
	switch os.Getenv(helperEnv) {
	case "":
		os.Exit(m.Run())
	case "lock":
		// Take the lock, say so, and hold it until killed.
		l, err := AcquireLock(context.Background(), os.Args[len(os.Args)-1], 5*time.Second, nil)
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		fmt.Println("locked")
		time.Sleep(time.Minute)
		l.Release()
		os.Exit(0)
	case "read":
		_, _, err := Read(os.Args[len(os.Args)-1])
		fmt.Print(err)
		os.Exit(0)
	default:
		fmt.Fprintln(os.Stderr, "unknown helper", os.Getenv(helperEnv))
		os.Exit(2)
	}
}
