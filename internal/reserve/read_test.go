package reserve

import (
	"errors"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/git-worktree-ports/git-worktree-ports/internal/bundle"
	"github.com/git-worktree-ports/git-worktree-ports/internal/testexec"
)

const validFile = `{
  "version": 1,
  "worktree": "feature-x",
  "base": 21340,
  "width": 10,
  "slot": 134,
  "ports": {"api": 21340, "web": 21341},
  "env": {"API_PORT": "21340", "WEB_PORT": "21341", "API_URL": "http://localhost:21340"}
}
`

func TestRead(t *testing.T) {
	t.Parallel()
	write := func(content string) func(t *testing.T, dir string) string {
		return func(t *testing.T, dir string) string {
			p := filepath.Join(dir, FileName)
			if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
			return p
		}
	}
	tests := []struct {
		name     string
		setup    func(t *testing.T, dir string) string
		reason   string // substring of the error; "" means success
		notExist bool
	}{
		{"valid", write(validFile), "", false},
		{"missing", func(t *testing.T, dir string) string { return filepath.Join(dir, FileName) }, "missing", true},
		{"missing directory", func(t *testing.T, dir string) string { return filepath.Join(dir, "gone", FileName) }, "missing", true},
		{"empty", write(""), "empty", false},
		{"truncated", write(validFile[:len(validFile)/2]), "invalid or truncated JSON", false},
		{"not JSON", write("base = 21340\n"), "invalid or truncated JSON", false},
		{"array", write(`[{"base": 21340, "width": 10}]`), "not a JSON object", false},
		{"string", write(`"hello"`), "not a JSON object", false},
		{"null", write(`null`), "not a JSON object", false},
		{"no base", write(`{"width": 10}`), `"base" missing`, false},
		{"zero base", write(`{"base": 0, "width": 10}`), `"base" missing`, false},
		{"negative width", write(`{"base": 21340, "width": -1}`), `"width" missing`, false},
		{"fractional width", write(`{"base": 21340, "width": 1.5}`), `"width" missing`, false},
		{"string base", write(`{"base": "21340", "width": 10}`), `"base" missing`, false},
		{"base too high", write(`{"base": 70000, "width": 10}`), `"base" missing`, false},
		{"bundle past 65535", write(`{"base": 65530, "width": 10}`), "runs past port 65535", false},
		{"port not a port", write(`{"base": 21340, "width": 10, "ports": {"api": 70000}}`), `port "api" = 70000 is not a port number`, false},
		{"width no config allows", write(`{"base": 1500, "width": 64000}`), "width 64000 is not one any config allows (1-1000)", false},
		{"base below 1024", write(`{"base": 80, "width": 10}`), "base 80 is outside 1024-65535", false},
		{"huge", func(t *testing.T, dir string) string {
			p := filepath.Join(dir, FileName)
			f, err := os.Create(p)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			// Sparse: the size is what matters, not the disk it uses.
			if err := f.Truncate(MaxSize + 1); err != nil {
				t.Fatal(err)
			}
			return p
		}, "larger than 1 MiB", false},
		{"FIFO", func(t *testing.T, dir string) string {
			p := filepath.Join(dir, FileName)
			if err := mkfifo(p); err != nil {
				t.Skip("no FIFOs here:", err)
			}
			return p
		}, "not a regular file (FIFO)", false},
		{"directory", func(t *testing.T, dir string) string {
			p := filepath.Join(dir, FileName)
			if err := os.Mkdir(p, 0o755); err != nil {
				t.Fatal(err)
			}
			return p
		}, "not a regular file (directory)", false},
		{"socket", func(t *testing.T, dir string) string {
			p := filepath.Join(dir, FileName)
			l, err := net.Listen("unix", p)
			if err != nil {
				t.Skip("cannot create a unix socket:", err)
			}
			t.Cleanup(func() { l.Close() })
			return p
		}, "not a regular file (socket)", false},
		{"symlink loop", func(t *testing.T, dir string) string {
			a, b := filepath.Join(dir, FileName), filepath.Join(dir, "b")
			if err := os.Symlink(b, a); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(a, b); err != nil {
				t.Fatal(err)
			}
			return a
		}, "symlink loop", false},
		{"symlink to /dev/zero", func(t *testing.T, dir string) string {
			p := filepath.Join(dir, FileName)
			if err := os.Symlink("/dev/zero", p); err != nil {
				t.Fatal(err)
			}
			return p
		}, "not a regular file (character device)", false},
		{"dangling symlink", func(t *testing.T, dir string) string {
			p := filepath.Join(dir, FileName)
			if err := os.Symlink(filepath.Join(dir, "nowhere"), p); err != nil {
				t.Fatal(err)
			}
			return p
		}, "symlink to a missing file", true},
		{"symlink to valid file", func(t *testing.T, dir string) string {
			target := write(validFile)(t, dir)
			p := filepath.Join(dir, "link")
			if err := os.Symlink(target, p); err != nil {
				t.Fatal(err)
			}
			return p
		}, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := tt.setup(t, t.TempDir())
			type result struct {
				r    Reservation
				data []byte
				err  error
			}
			done := make(chan result, 1)
			go func() {
				r, data, err := Read(path)
				done <- result{r, data, err}
			}()
			var res result
			select {
			case res = <-done:
			case <-time.After(2 * time.Second):
				t.Fatalf("Read(%s) still running after 2s", path)
			}
			if tt.reason == "" {
				if res.err != nil {
					t.Fatalf("Read: %v", res.err)
				}
				if want := mustParseValid(t); !res.r.Equal(want) {
					t.Errorf("Read = %+v, want %+v", res.r, want)
				}
				if string(res.data) != validFile {
					t.Errorf("Read returned bytes %q, want the file", res.data)
				}
				return
			}
			checkFileError(t, res.err, path, tt.reason)
			if got := errors.Is(res.err, fs.ErrNotExist); got != tt.notExist {
				t.Errorf("errors.Is(err, fs.ErrNotExist) = %v, want %v", got, tt.notExist)
			}
		})
	}
}

func checkFileError(t *testing.T, err error, path, reason string) {
	t.Helper()
	var fe *FileError
	if !errors.As(err, &fe) {
		t.Fatalf("err = %v (%T), want a *FileError", err, err)
	}
	msg := err.Error()
	if !strings.Contains(msg, path) {
		t.Errorf("message %q does not name %s", msg, path)
	}
	if !strings.Contains(msg, reason) {
		t.Errorf("message %q does not contain %q", msg, reason)
	}
	if strings.Contains(msg, "\n") {
		t.Errorf("message %q is not one line", msg)
	}
	if !strings.HasPrefix(msg, "skipping ") {
		t.Errorf("message %q does not start with \"skipping \"", msg)
	}
}

func mustParseValid(t *testing.T) Reservation {
	t.Helper()
	return Reservation{
		Version: 1, Worktree: "feature-x", Base: 21340, Width: 10, Slot: 134,
		Ports: []Port{{"api", 21340}, {"web", 21341}},
		Env:   []EnvVar{{"API_PORT", "21340"}, {"WEB_PORT", "21341"}, {"API_URL", "http://localhost:21340"}},
	}
}

// TestReadKeepsBytesOfUnparsableFile checks that a file which reads but
// does not parse still hands back its bytes, so rewriting one's own broken
// file keeps the user's fields.
func TestReadKeepsBytesOfUnparsableFile(t *testing.T) {
	t.Parallel()
	p := filepath.Join(t.TempDir(), FileName)
	content := `{"note": "mine", "base": "oops"}`
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	_, data, err := Read(p)
	checkFileError(t, err, p, `"base" missing`)
	if string(data) != content {
		t.Errorf("data = %q, want %q", data, content)
	}
}

// TestReadUnreadable needs a process that lacks read permission. As root
// (common in containers) chmod 000 does not stop reads, so the check runs
// in a copy of the test binary as user nobody.
func TestReadUnreadable(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := filepath.Join(dir, FileName)
	if err := os.WriteFile(p, []byte(validFile), 0o000); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() != 0 {
		_, _, err := Read(p)
		checkFileError(t, err, p, "unreadable: permission denied")
		if !errors.Is(err, fs.ErrPermission) {
			t.Errorf("errors.Is(err, fs.ErrPermission) = false for %v", err)
		}
		return
	}

	// The unprivileged helper must be able to reach both the binary and
	// the file, so both live in world-searchable directories.
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	bin := filepath.Join(dir, "reserve.test")
	if err := copyFile(exe, bin, 0o755); err != nil {
		t.Fatal(err)
	}
	for d := dir; d != "/" && d != os.TempDir(); d = filepath.Dir(d) {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(bin, p)
	cmd.Env = append(os.Environ(), helperEnv+"=read")
	runAsNobody(cmd)
	// Only stdout carries the helper's answer: a coverage-instrumented binary may add its
	// own warnings on stderr (it cannot write its counters as nobody).
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Skipf("cannot run the helper as nobody: %v: %s%s", err, out, stderr.String())
	}
	msg := string(out)
	if strings.Contains(msg, "cannot stat") || strings.Contains(msg, "fork/exec") {
		t.Skipf("helper could not reach the file: %s", msg)
	}
	want := "skipping " + p + ": unreadable: permission denied"
	if msg != want {
		t.Errorf("helper said %q, want %q", msg, want)
	}
}

func copyFile(src, dst string, mode os.FileMode) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return testexec.WriteFile(dst, data, mode)
}

func TestParseLenient(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want Reservation
	}{
		{
			name: "only base and width",
			in:   `{"base": 20000, "width": 10}`,
			want: Reservation{Base: 20000, Width: 10},
		},
		{
			name: "wrong types are ignored",
			in:   `{"base": 20000, "width": 10, "version": "1", "worktree": 5, "slot": -3, "ports": [1], "env": "x"}`,
			want: Reservation{Base: 20000, Width: 10},
		},
		{
			name: "ports that are not numbers dropped, first duplicate wins",
			in:   `{"base": 20000, "width": 10, "ports": {"a": 20000, "b": "20001", "c": null, "a": 70000, "e": 2.5e4}}`,
			want: Reservation{Base: 20000, Width: 10, Ports: []Port{{"a", 20000}, {"e", 25000}}},
		},
		{
			name: "env numbers kept as text, other values dropped",
			in:   `{"base": 20000, "width": 10, "env": {"A": "x", "B": 7, "C": null, "D": {}, "A": "y"}}`,
			want: Reservation{Base: 20000, Width: 10, Env: []EnvVar{{"A", "x"}, {"B", "7"}}},
		},
		{
			name: "first of a repeated key counts",
			in:   `{"base": 20000, "width": 10, "base": 30000}`,
			want: Reservation{Base: 20000, Width: 10},
		},
		{
			name: "escaped key names match",
			in:   `{"\u0062ase": 20000, "width": 10, "worktree": "caf\u00e9 \"x\""}`,
			want: Reservation{Base: 20000, Width: 10, Worktree: `café "x"`},
		},
		{
			name: "future version and unknown keys",
			in:   `{"version": 7, "base": 20000, "width": 10, "owner": {"base": 1}}`,
			want: Reservation{Version: 7, Base: 20000, Width: 10},
		},
		{
			name: "bundle up to 65535",
			in:   `{"base": 65526, "width": 10}`,
			want: Reservation{Base: 65526, Width: 10},
		},
		{
			name: "root and git_dir",
			in:   `{"root": "/src/shop", "git_dir": "/src/shop/.git", "base": 20000, "width": 10}`,
			want: Reservation{Root: "/src/shop", GitDir: "/src/shop/.git", Base: 20000, Width: 10},
		},
		{
			// A path that is not one reads as absent: the file is then treated as one
			// written before the fields existed, never as a copy of "" or ".".
			name: "root and git_dir that are not absolute clean paths are absent",
			in:   `{"root": "src/shop", "git_dir": "/src/../shop/.git", "base": 20000, "width": 10}`,
			want: Reservation{Base: 20000, Width: 10},
		},
		{
			name: "root and git_dir of the wrong type are absent",
			in:   `{"root": 5, "git_dir": ["/x"], "base": 20000, "width": 10}`,
			want: Reservation{Base: 20000, Width: 10},
		},
		{
			name: "root with a NUL is absent",
			in:   `{"root": "/src/sh\u0000op", "base": 20000, "width": 10}`,
			want: Reservation{Base: 20000, Width: 10},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse("f", []byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(tt.want) {
				t.Errorf("Parse = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestClaimedOverlaps(t *testing.T) {
	t.Parallel()
	a := Reservation{Base: 20000, Width: 10, Ports: []Port{{"extra", 30000}}}
	for p, want := range map[int]bool{19999: false, 20000: true, 20009: true, 20010: false, 30000: true, 30001: false} {
		if got := a.Claimed(p); got != want {
			t.Errorf("Claimed(%d) = %v, want %v", p, got, want)
		}
	}
	tests := []struct {
		b    Reservation
		want bool
	}{
		{Reservation{Base: 20010, Width: 10}, false},
		{Reservation{Base: 19990, Width: 10}, false},
		{Reservation{Base: 19991, Width: 10}, true},
		{Reservation{Base: 20009, Width: 10}, true},
		{Reservation{Base: 29995, Width: 10}, true},                              // contains a's listed port
		{Reservation{Base: 40000, Width: 10, Ports: []Port{{"x", 20005}}}, true}, // lists a port in a's range
		{Reservation{Base: 40000, Width: 10, Ports: []Port{{"x", 30000}}}, true}, // both list one port
		{Reservation{Base: 40000, Width: 10, Ports: []Port{{"x", 30001}}}, false},
		// A main worktree's file claims exactly its ports, wherever they lie.
		{Reservation{Main: true, Base: 3000, Width: 1, Ports: []Port{{"web", 3000}, {"api", 20003}}}, true},
		{Reservation{Main: true, Base: 3000, Width: 1, Ports: []Port{{"web", 3000}, {"api", 30000}}}, true},
		{Reservation{Main: true, Base: 3000, Width: 1, Ports: []Port{{"web", 3000}, {"api", 8000}}}, false},
	}
	for _, tt := range tests {
		if got := a.Overlaps(tt.b); got != tt.want {
			t.Errorf("Overlaps(%+v) = %v, want %v", tt.b, got, tt.want)
		}
		if got := tt.b.Overlaps(a); got != tt.want {
			t.Errorf("%+v.Overlaps(a) = %v, want %v", tt.b, got, tt.want)
		}
	}
}

// TestOutOfBounds pins the bounds of a reservation any valid config can produce: each
// limit is accepted exactly at its edge and refused one past it.
func TestOutOfBounds(t *testing.T) {
	t.Parallel()
	ports := func(n, base int) []Port {
		var ps []Port
		for i := range n {
			ps = append(ps, Port{Name: strconv.Itoa(i), Port: base + i})
		}
		return ps
	}
	tests := []struct {
		name   string
		r      Reservation
		reason string // "" means in bounds
	}{
		{"typical", Reservation{Base: 21340, Width: 10, Ports: ports(2, 21340)}, ""},
		{"lowest base", Reservation{Base: bundle.MinPort, Width: 10}, ""},
		{"base below", Reservation{Base: bundle.MinPort - 1, Width: 10}, "base 1023 is outside 1024-65535"},
		{"widest", Reservation{Base: 20000, Width: bundle.MaxWidth}, ""},
		{"too wide", Reservation{Base: 20000, Width: bundle.MaxWidth + 1}, "width 1001 is not one any config allows (1-1000)"},
		{"the issue's sibling", Reservation{Base: 1500, Width: 64000}, "width 64000"},
		{"zero width", Reservation{Base: 20000}, "width 0"},
		{"up to 65535", Reservation{Base: 65526, Width: 10}, ""},
		{"past 65535", Reservation{Base: 65530, Width: 10}, "runs past port 65535"},
		{"a port per offset", Reservation{Base: 20000, Width: 3, Ports: ports(3, 20000)}, ""},
		{"more ports than offsets", Reservation{Base: 20000, Width: 3, Ports: ports(4, 20000)}, "4 ports listed for a bundle of width 3"},
		{"a usual port outside the bundle", Reservation{Base: 20000, Width: 10, Ports: []Port{{"web", 3000}}}, ""},
		{"the main worktree's usual ports", Reservation{Main: true, Base: 3000, Width: 1, Ports: []Port{{"web", 3000}, {"api", 8000}}}, ""},
		{"main, as many ports as any config has services", Reservation{Main: true, Base: 20000, Width: 1, Ports: ports(bundle.MaxServices, 20000)}, ""},
		{"main, more ports than any config has services", Reservation{Main: true, Base: 20000, Width: 1, Ports: ports(bundle.MaxServices+1, 20000)}, "33 ports listed, more than any config has services"},
		{"a privileged port", Reservation{Base: 20000, Width: 10, Ports: []Port{{"web", 80}}}, `port "web" = 80 is outside 1024-65535`},
		{"a negative port", Reservation{Base: 20000, Width: 10, Ports: []Port{{"web", -5}}}, `port "web" = -5`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.r.OutOfBounds()
			if tt.reason == "" && got != "" || !strings.Contains(got, tt.reason) {
				t.Errorf("OutOfBounds() = %q, want %q", got, tt.reason)
			}
		})
	}
}

// TestReadOutOfBounds checks that Read refuses a well-formed file that no config could
// have produced, naming it, with an error that wraps ErrOutOfBounds and the file's bytes,
// so allocate can replace its own such file keeping the user's fields.
func TestReadOutOfBounds(t *testing.T) {
	t.Parallel()
	for name, content := range map[string]string{
		"width":          `{"note": "mine", "base": 1500, "width": 64000}`,
		"negative port":  `{"note": "mine", "base": 20000, "width": 10, "ports": {"api": -1}}`,
		"port too high":  `{"note": "mine", "base": 20000, "width": 10, "ports": {"api": 65536}}`,
		"fraction port":  `{"note": "mine", "base": 20000, "width": 10, "ports": {"api": 20000.5}}`,
		"port per slot":  `{"note": "mine", "base": 20000, "width": 1, "ports": {"a": 20000, "b": 20010}}`,
		"low base":       `{"note": "mine", "base": 1, "width": 10}`,
		"low port":       `{"note": "mine", "base": 20000, "width": 10, "ports": {"ssh": 22}}`,
		"zero port":      `{"note": "mine", "base": 20000, "width": 10, "ports": {"api": 0}}`,
		"exponent port":  `{"note": "mine", "base": 20000, "width": 10, "ports": {"api": 1e9}}`,
		"huge port text": `{"note": "mine", "base": 20000, "width": 10, "ports": {"api": 123456789012345678901234567890}}`,
	} {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), FileName)
			if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
			_, data, err := Read(p)
			checkFileError(t, err, p, "")
			if !errors.Is(err, ErrOutOfBounds) {
				t.Errorf("err = %v, want one that wraps ErrOutOfBounds", err)
			}
			if string(data) != content {
				t.Errorf("data = %q, want the file's bytes", data)
			}
		})
	}
}

// TestReadNoFollowRefusesSymlink checks that another worktree's reservation that is a
// symlink, even to a valid reservation, is refused and not followed, while Read (for a
// worktree's own file) still follows it.
func TestReadNoFollowRefusesSymlink(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	target := filepath.Join(dir, "neighbour.json")
	if err := os.WriteFile(target, []byte(`{"version":1,"base":20000,"width":10,"ports":{"app":20000}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, FileName)
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Read(link); err != nil {
		t.Fatalf("Read(link) = %v, want the target read", err)
	}
	_, _, err := ReadNoFollow(link)
	var fe *FileError
	if !errors.As(err, &fe) || fe.Reason != "not a regular file (symlink)" {
		t.Fatalf("ReadNoFollow(link) = %v, want a *FileError saying it is a symlink", err)
	}
	if r, _, err := ReadNoFollow(target); err != nil || r.Base != 20000 {
		t.Errorf("ReadNoFollow(regular file) = %+v, %v", r, err)
	}
}
