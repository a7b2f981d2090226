package listener

import (
	"os"
	"path/filepath"
	"testing"
)

func TestHolder(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a")
	gone := filepath.Join(dir, "removed") // never created: a deleted directory
	wts := []string{dir + "/main", a}
	mkdirs(t, a+"/web", dir+"/main")
	for _, c := range []struct {
		l    Listener
		want string
	}{
		{Listener{Port: 1, Hidden: true}, "a process the OS does not name"},
		{Listener{Port: 1, PID: 0, Program: "x"}, "a process the OS does not name"},
		{Listener{Port: 1, PID: 42, Program: "node", Cwd: a + "/web"}, "node (pid 42) from worktree <" + a + ">"},
		{Listener{Port: 1, PID: 42, Program: "node", Cwd: gone + "/web"}, "node (pid 42) from deleted directory " + gone + "/web"},
		{Listener{Port: 1, PID: 42, Program: "node", Cwd: a + "/tmp"}, "node (pid 42) from worktree <" + a + "> (its directory " + a + "/tmp was removed)"},
		{Listener{Port: 1, PID: 42, Program: "firefox", Cwd: dir}, "firefox (pid 42) from outside every worktree"},
		{Listener{Port: 1, PID: 42, Program: "bad\x1bname", Cwd: dir}, `bad\x1bname (pid 42) from outside every worktree`},
	} {
		if got := Holder(c.l, wts, func(p string) string { return "<" + p + ">" }); got != c.want {
			t.Errorf("Holder(%+v) = %q, want %q", c.l, got, c.want)
		}
	}
}

func mkdirs(t *testing.T, dirs ...string) {
	t.Helper()
	for _, d := range dirs {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
}
