package inventory

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/git-worktree-ports/git-worktree-ports/internal/listener"
)

func TestCheckStray(t *testing.T) {
	gone := filepath.Join(t.TempDir(), "removed", "web") // never created: a deleted directory
	here := t.TempDir()                                  // exists, in no worktree
	for _, c := range []struct {
		name string
		ls   map[int][]Listener
		want string // the finding's message, "" for none
	}{
		{"own server on its own port", map[int][]Listener{21010: {{Listener: listener.Listener{Port: 21010, PID: 7, Program: "node", Cwd: "/src/a"}, Holder: "/src/a"}}}, ""},
		{"a worktree's server on a port no bundle holds", map[int][]Listener{21050: {{Listener: listener.Listener{Port: 21050, PID: 7, Program: "node", Cwd: "/src/a"}, Holder: "/src/a"}}},
			"port 21050 is held by node (pid 7) from worktree ../a, whose bundle does not hold that port"},
		{"another reservation's port is checkHeld's", map[int][]Listener{21000: {{Listener: listener.Listener{Port: 21000, PID: 7, Program: "node", Cwd: "/src/a"}, Holder: "/src/a"}}}, ""},
		{"a removed worktree's server", map[int][]Listener{21050: {{Listener: listener.Listener{Port: 21050, PID: 8, Program: "python3", Cwd: gone}}}},
			"port 21050 is held by python3 (pid 8), still running in " + gone + ", a directory that no longer exists (a removed worktree?)"},
		{"outside every worktree, directory still there", map[int][]Listener{21050: {{Listener: listener.Listener{Port: 21050, PID: 9, Program: "firefox", Cwd: here}}}}, ""},
		{"hidden", map[int][]Listener{21050: {{Listener: listener.Listener{Port: 21050, Hidden: true}}}}, ""},
		{"outside the range", map[int][]Listener{40000: {{Listener: listener.Listener{Port: 40000, PID: 8, Program: "python3", Cwd: gone}}}}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := healthy()
			f.Listeners = c.ls
			got := checkStray(f)
			switch {
			case c.want == "" && len(got) != 0:
				t.Errorf("checkStray = %+v, want nothing", got)
			case c.want != "" && (len(got) != 1 || got[0].Message != c.want || got[0].Severity != Advice):
				t.Errorf("checkStray = %+v, want one advice %q", got, c.want)
			case c.want != "" && !strings.Contains(got[0].Fix, "kill "):
				t.Errorf("fix %q names no pid to kill", got[0].Fix)
			}
		})
	}
}
