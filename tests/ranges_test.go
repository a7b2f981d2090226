//go:build unix

package tests

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The scripts run in parallel, and each repository hashes to the same ports wherever it
// is: two scripts with a repository "repo" and a worktree "a" on the default range get the
// same bundle, and if both start servers there, one fails with "address already in use".
// TestScriptRanges keeps that from coming back. A script that binds a port the tool chose
// (tcpserver, or listen on a port other than 0) must set a range of its own, and that range
// must meet no range of any other script, nor the default range, nor the kernel's
// ephemeral ports (which `listen ... 0` and every outgoing connection draw from).

// rangeInScript finds the ranges a script sets: `worktree-ports.range A-B`, `--range A-B`
// and `"range": "A-B"` in a file of the archive.
var rangeInScript = regexp.MustCompile(`(?:worktree-ports\.range|--range)\s+(\d+)-(\d+)|"range"\s*:\s*"(\d+)-(\d+)"`)

// setsRange matches any range setting, including one built from variables
// (`worktree-ports.range $TAKEN-$TAKEN` for a port the kernel chose).
var setsRange = regexp.MustCompile(`worktree-ports\.range\s|--range\s|"range"\s*:`)

type portRange struct{ lo, hi int }

func (r portRange) meets(o portRange) bool { return r.lo <= o.hi && o.lo <= r.hi }
func (r portRange) String() string         { return fmt.Sprintf("%d-%d", r.lo, r.hi) }

// scriptPorts is what one script binds and which ranges it sets.
type scriptPorts struct {
	binds    string // the first line that binds a tool-chosen port, or ""
	setRange bool
	ranges   []portRange
}

func readScriptPorts(path string) (scriptPorts, error) {
	f, err := os.Open(path)
	if err != nil {
		return scriptPorts{}, err
	}
	defer f.Close()
	var sp scriptPorts
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "#") {
			continue
		}
		if setsRange.MatchString(line) {
			sp.setRange = true
		}
		for _, m := range rangeInScript.FindAllStringSubmatch(line, -1) {
			lo, hi := m[1], m[2]
			if lo == "" {
				lo, hi = m[3], m[4]
			}
			a, _ := strconv.Atoi(lo)
			b, _ := strconv.Atoi(hi)
			sp.ranges = append(sp.ranges, portRange{a, b})
		}
		if sp.binds == "" && bindsChosenPort(line) {
			sp.binds = line
		}
	}
	return sp, sc.Err()
}

// bindsChosenPort reports whether a script line starts a listener on a port that is not
// the kernel's choice.
func bindsChosenPort(line string) bool {
	fields := strings.Fields(line)
	for len(fields) > 0 && (strings.HasPrefix(fields[0], "[") || fields[0] == "!") {
		fields = fields[1:] // conditions and negation
	}
	if len(fields) == 0 {
		return false
	}
	switch {
	case fields[0] == "exec" && len(fields) > 1 && fields[1] == "tcpserver":
		return true
	case fields[0] == "listen" && len(fields) >= 4:
		return fields[3] != "0"
	}
	return false
}

// ephemeralPorts is the kernel's range for ports it picks itself.
func ephemeralPorts() portRange {
	r := portRange{32768, 60999} // Linux's default
	if data, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range"); err == nil {
		if f := strings.Fields(string(data)); len(f) == 2 {
			lo, err1 := strconv.Atoi(f[0])
			hi, err2 := strconv.Atoi(f[1])
			if err1 == nil && err2 == nil {
				r = portRange{lo, hi}
			}
		}
	}
	return r
}

func TestScriptRanges(t *testing.T) {
	paths, err := filepath.Glob("testdata/*.txtar")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no scripts found: %v", err)
	}
	scripts := map[string]scriptPorts{}
	for _, p := range paths {
		sp, err := readScriptPorts(p)
		if err != nil {
			t.Fatal(err)
		}
		scripts[filepath.Base(p)] = sp
	}
	reserved := map[string]portRange{
		"the default range":            {20000, 29999},
		"the kernel's ephemeral ports": ephemeralPorts(),
	}
	// Every outgoing connection takes a port of the kernel's ephemeral range, which stays
	// bound in TIME_WAIT for a minute after it closes; the bind probe rightly sees it as
	// taken. So a script's valid range never meets that range, binding or not: a busy
	// suite (curl, health probes, proxies) would otherwise fill its slots at random.
	ephemeral := ephemeralPorts()
	for name, sp := range scripts {
		for _, r := range sp.ranges {
			if r.lo >= 1024 && r.hi <= 65535 && r.lo <= r.hi && r.meets(ephemeral) {
				t.Errorf("%s: its range %s meets the kernel's ephemeral ports (%s), where outgoing connections leave ports bound", name, r, ephemeral)
			}
		}
	}
	for name, sp := range scripts {
		if sp.binds == "" {
			continue
		}
		if !sp.setRange {
			t.Errorf("%s binds a port the tool chose (%q) but sets no range of its own", name, sp.binds)
			continue
		}
		for _, r := range sp.ranges {
			for what, o := range reserved {
				if r.meets(o) {
					t.Errorf("%s binds ports, and its range %s meets %s (%s)", name, r, what, o)
				}
			}
			for other, osp := range scripts {
				if other == name {
					continue
				}
				for _, o := range osp.ranges {
					if r.meets(o) {
						t.Errorf("%s binds ports, and its range %s meets %s's range %s", name, r, other, o)
					}
				}
			}
		}
	}
}

func TestBindsChosenPort(t *testing.T) {
	for _, tc := range []struct {
		line string
		want bool
	}{
		{"exec tcpserver 127.0.0.1:$ABASE &srv&", true},
		{"exec tcpserver -http -pidfile $WORK/p 127.0.0.1:$API &api&", true},
		{"listen tcp4 127.0.0.1 $PREF", true},
		{"[ipv6] listen tcp6 ::1 $DB", true},
		{"listen tcp4 127.0.0.1 0 TAKEN", false},
		{"exec git worktree-ports allocate", false},
		{"stdout 'tcpserver'", false},
	} {
		if got := bindsChosenPort(tc.line); got != tc.want {
			t.Errorf("bindsChosenPort(%q) = %v, want %v", tc.line, got, tc.want)
		}
	}
}
