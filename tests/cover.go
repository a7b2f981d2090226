package tests

// Instrumented is the package's one statement outside its tests, there for `go test
// -cover`. testscript runs the helper programs (tcpserver and the rest, see programs) by
// running this test binary again. Built with -cover and without a single instrumented
// statement, the binary prints "program not built with -cover" on stderr as it starts,
// so every helper did, and a script that wants a quiet stderr (exec_signal_sh) failed.
// With one, the helper writes its (empty) counters to the GOCOVERDIR go test set, quietly.
func Instrumented() bool { return true }
