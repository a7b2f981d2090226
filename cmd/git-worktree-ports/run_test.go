package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/git-worktree-ports/git-worktree-ports/internal/gittest"
	"github.com/git-worktree-ports/git-worktree-ports/internal/iostreams"
	"github.com/git-worktree-ports/git-worktree-ports/internal/listener"
	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
	"github.com/git-worktree-ports/git-worktree-ports/internal/trust"
)

// These tables check what each verb's run function does, against buffer streams and a
// real temporary repository, with every effect (directory, environment, home, clock,
// port probe) taken from the Factory: the process's own are never read. Each case names
// the directory it runs in, the environment it adds, and what stdout, stderr and the
// exit code must be. The flag parsing is in flags_test.go, and the whole binary is
// driven by tests/.

// world is a sandbox with a repository "shop" (range 30000-30999, width 10) and a linked
// worktree "shop-b", and a Factory for it.
type world struct {
	s           *gittest.Sandbox
	top, linked string
	bound       map[int]bool // what the Factory's prober says is listening
}

func newWorld(t *testing.T) *world {
	t.Helper()
	s := gittest.New(t)
	w := &world{s: s, top: s.Repo("shop"), linked: s.Path("shop-b"), bound: map[int]bool{}}
	s.Git(w.top, "config", "worktree-ports.range", "30000-30999")
	s.Git(w.top, "worktree", "add", "-q", "--detach", w.linked)
	return w
}

// factory runs in dir, where Getwd says the process is; with env added to the sandbox's.
func (w *world) factory(dir string, env ...string) (*Factory, *bytes.Buffer, *bytes.Buffer) {
	ios, _, out, errb := iostreams.Test()
	environ := append(w.s.Env[:len(w.s.Env):len(w.s.Env)], env...)
	getenv := func(k string) string {
		for i := len(environ) - 1; i >= 0; i-- {
			if v, ok := strings.CutPrefix(environ[i], k+"="); ok {
				return v
			}
		}
		return ""
	}
	return &Factory{
		IOStreams:  ios,
		Getwd:      func() (string, error) { return dir, nil },
		Getenv:     getenv,
		Environ:    func() []string { return environ },
		HomeDir:    func() (string, error) { return w.s.Home, nil },
		Now:        time.Now,
		Executable: func() (string, error) { return "/opt/gwp bin/git-worktree-ports", nil },
		Prober:     listener.ProberFunc(func(p int) bool { return w.bound[p] }),
	}, out, errb
}

// reservation writes a reservation at base in dir, with env entries.
func (w *world) reservation(t *testing.T, dir string, base int, env ...reserve.EnvVar) {
	t.Helper()
	r := reserve.Reservation{
		Version: 1, Worktree: filepath.Base(dir), Base: base, Width: 10, Slot: (base - 30000) / 10,
		Ports: []reserve.Port{{Name: "api", Port: base}}, Env: env,
	}
	// Signed with this user's key, as the tool signs what it writes (trust.Seal): env
	// gives the variables of no other file.
	f, _, _ := w.factory(dir)
	store, err := trust.Open(f.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	key, err := store.Key()
	if err != nil {
		t.Fatal(err)
	}
	if r, err = trust.Seal(key, r); err != nil {
		t.Fatal(err)
	}
	data, err := reserve.Marshal(nil, r)
	if err != nil {
		t.Fatal(err)
	}
	w.s.Write(filepath.Join(dir, reserve.FileName), string(data))
}

// check compares a run's streams and exit code with a case's expectations. Each want is
// a regular expression that must match the whole stream.
func check(t *testing.T, out, errb *bytes.Buffer, err error, wantOut, wantErr string, wantCode int) {
	t.Helper()
	if code := exitCodeFor(err); code != wantCode {
		t.Errorf("exit code %d (error %v), want %d", code, err, wantCode)
	}
	stderr := errb.String()
	if err != nil {
		stderr += "ERROR: " + err.Error() + "\n"
	}
	if !regexp.MustCompile(`^(?s:` + wantOut + `)$`).MatchString(out.String()) {
		t.Errorf("stdout:\n%s\nwant (regexp):\n%s", out, wantOut)
	}
	if !regexp.MustCompile(`^(?s:` + wantErr + `)$`).MatchString(stderr) {
		t.Errorf("stderr:\n%s\nwant (regexp):\n%s", stderr, wantErr)
	}
}

func TestAllocateRun(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		dir      func(w *world) string
		env      []string
		opts     AllocateOptions
		wantOut  string
		wantErr  string
		wantCode int
	}{
		{
			name:    "a new worktree gets its preferred slot",
			dir:     func(w *world) string { return w.linked },
			wantErr: `shop-b: slot \d+, ports 30\d\d0-30\d\d9 \(preferred slot\)\n`,
		},
		{
			name:    "--json prints the file on stdout",
			dir:     func(w *world) string { return filepath.Join(w.top, ".git", "..") },
			opts:    AllocateOptions{JSON: true},
			wantOut: `\{\n  "version": 1,\n  "worktree": "shop",.*\}\n`,
			wantErr: `shop: slot \d+, ports .* \(preferred slot\)\n`,
		},
		{
			name:    "--dry-run writes nothing",
			dir:     func(w *world) string { return w.top },
			opts:    AllocateOptions{DryRun: true},
			wantErr: `dry run: shop: slot \d+, .*\n`,
		},
		{
			name: "the lock timeout is read from the Factory's environment",
			dir:  func(w *world) string { return w.top },
			env:  []string{"GIT_WORKTREE_PORTS_LOCK_TIMEOUT=soon"},
			wantErr: `ERROR: GIT_WORKTREE_PORTS_LOCK_TIMEOUT: "soon" is not a duration ` +
				`\(use 10s, 1m or a number of seconds\)\n`,
			wantCode: exitError,
		},
		{
			name:     "inside .git is not a worktree",
			dir:      func(w *world) string { return filepath.Join(w.top, ".git") },
			wantErr:  `ERROR: not inside a worktree: .*/shop/\.git is a git directory; cd to a worktree\n`,
			wantCode: exitUsage,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			dir := tt.dir(w)
			f, out, errb := w.factory(dir, tt.env...)
			opts := tt.opts
			opts.F = f
			err := allocateRun(context.Background(), &opts)
			check(t, out, errb, err, tt.wantOut, tt.wantErr, tt.wantCode)
			_, statErr := os.Stat(filepath.Join(dir, reserve.FileName))
			if wrote := err == nil && !opts.DryRun; wrote != (statErr == nil) {
				t.Errorf("reservation written: %v, want %v", statErr == nil, wrote)
			}
			if err == nil && !opts.DryRun {
				// Registered in the index under the Factory's XDG_STATE_HOME, not the
				// user's.
				idx := filepath.Join(w.s.Home, ".local", "state", "git-worktree-ports")
				if ents, _ := os.ReadDir(idx); len(ents) == 0 {
					t.Errorf("nothing registered in %s", idx)
				}
			}
		})
	}
}

func TestEnvRun(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// file writes the worktree's reservation, if it has one.
		file     func(t *testing.T, w *world)
		global   []string // git config --global NAME VALUE
		env      []string
		opts     EnvOptions
		wantOut  string
		wantErr  string
		wantCode int
	}{
		{
			name: "prints the reservation, running no allocation",
			file: func(t *testing.T, w *world) {
				w.reservation(t, w.linked, 30500, reserve.EnvVar{Name: "API_URL", Value: "http://localhost:30500/it's"})
			},
			wantOut: `export WORKTREE_PORTS_ROOT='.*/shop-b'\nexport WORKTREE_PORTS_SLOT='50'\n` +
				`export API_URL='http://localhost:30500/it'\\''s'\n`,
		},
		{
			name:    "no reservation: allocates first, and says so on stderr",
			wantOut: `export WORKTREE_PORTS_ROOT='.*/shop-b'\nexport WORKTREE_PORTS_SLOT='(\d+)'\nexport PORT='30\d\d0'\n`,
			wantErr: `shop-b: slot \d+, ports .* \(preferred slot\)\n`,
		},
		{
			name:     "--no-allocate refuses with exit 5",
			opts:     EnvOptions{NoAllocate: true},
			wantErr:  `ERROR: .*/shop-b/\.worktree-ports\.json: no reservation \(run .*\)\n`,
			wantCode: exitNoReservation,
		},
		{
			name: "a refused name is dropped with a warning",
			file: func(t *testing.T, w *world) {
				w.reservation(t, w.linked, 30500, reserve.EnvVar{Name: "MAILPATH", Value: "/tmp/x"}, reserve.EnvVar{Name: "WEB", Value: "1"})
			},
			wantOut: `export WORKTREE_PORTS_ROOT='.*'\nexport WORKTREE_PORTS_SLOT='50'\nexport WEB='1'\n`,
			wantErr: `git-worktree-ports: warning: .*\.worktree-ports\.json: env\.MAILPATH: dropped: env name MAILPATH is .*\n`,
		},
		{
			name: "the user's allowEnv is read from the Factory's git config",
			file: func(t *testing.T, w *world) {
				w.reservation(t, w.linked, 30500, reserve.EnvVar{Name: "MAILPATH", Value: "/tmp/x"})
			},
			global:  []string{"worktree-ports.allowEnv", "MAILPATH"},
			wantOut: `export WORKTREE_PORTS_ROOT='.*'\nexport WORKTREE_PORTS_SLOT='50'\nexport MAILPATH='/tmp/x'\n`,
		},
		{
			name: "WORKTREE_PORTS_ROOT inherited from another worktree earns a warning",
			file: func(t *testing.T, w *world) {
				w.reservation(t, w.linked, 30500, reserve.EnvVar{Name: "API_PORT", Value: "30500"})
			},
			env:     []string{"WORKTREE_PORTS_ROOT=/somewhere/else"},
			opts:    EnvOptions{Format: "json"},
			wantOut: `\{"WORKTREE_PORTS_ROOT":".*/shop-b","WORKTREE_PORTS_SLOT":"50","API_PORT":"30500"\}\n`,
			wantErr: `git-worktree-ports: warning: WORKTREE_PORTS_ROOT=/somewhere/else was inherited from another worktree; printing the ports of .*/shop-b\n`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			if tt.file != nil {
				tt.file(t, w)
			}
			if len(tt.global) > 0 {
				w.s.Git(w.top, append([]string{"config", "--global"}, tt.global...)...)
			}
			f, out, errb := w.factory(w.linked, tt.env...)
			opts := tt.opts
			opts.F = f
			if opts.Format == "" {
				opts.Format = "sh"
			}
			err := envRun(context.Background(), &opts)
			check(t, out, errb, err, tt.wantOut, tt.wantErr, tt.wantCode)
		})
	}
}

func TestReleaseRun(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// setup writes reservations, and returns where the command runs.
		setup      func(t *testing.T, w *world) string
		opts       ReleaseOptions
		wantErr    string
		wantCode   int
		released   func(w *world) string // the worktree whose file must be gone
		kept       func(w *world) string // one whose file must stay
		usageHints bool
	}{
		{
			name:    "nothing to release",
			setup:   func(t *testing.T, w *world) string { return w.top },
			wantErr: `shop: no reservation to release\n`,
		},
		{
			name: "releases this worktree's",
			setup: func(t *testing.T, w *world) string {
				w.reservation(t, w.top, 30000)
				return filepath.Join(w.top, "sub")
			},
			wantErr:  `shop: released\n`,
			released: func(w *world) string { return w.top },
		},
		{
			name: "--worktree is relative to the Factory's directory",
			setup: func(t *testing.T, w *world) string {
				w.reservation(t, w.top, 30000)
				w.reservation(t, w.linked, 30010)
				return w.top
			},
			opts:     ReleaseOptions{Worktree: "../shop-b"},
			wantErr:  `shop-b: released\n`,
			released: func(w *world) string { return w.linked },
			kept:     func(w *world) string { return w.top },
		},
		{
			name: "--worktree refuses while a port of the bundle is in use",
			setup: func(t *testing.T, w *world) string {
				w.reservation(t, w.linked, 30010)
				w.bound[30013] = true
				return w.top
			},
			opts:     ReleaseOptions{Worktree: "../shop-b"},
			wantErr:  `ERROR: \.\./shop-b: port 30013 of its bundle is in use; stop its servers first, or add --force to release it anyway\n`,
			wantCode: exitError,
			kept:     func(w *world) string { return w.linked },
		},
		{
			name: "--worktree --force releases it anyway",
			setup: func(t *testing.T, w *world) string {
				w.reservation(t, w.linked, 30010)
				w.bound[30013] = true
				return w.top
			},
			opts:     ReleaseOptions{Worktree: "../shop-b", Force: true},
			wantErr:  `shop-b: released\n`,
			released: func(w *world) string { return w.linked },
		},
		{
			name:     "--worktree that is not a worktree of this repository is a usage error",
			setup:    func(t *testing.T, w *world) string { return w.top },
			opts:     ReleaseOptions{Worktree: "../elsewhere"},
			wantErr:  `ERROR: --worktree \.\./elsewhere: not a worktree of this repository \(see git worktree list\)\n`,
			wantCode: exitUsage,
		},
		{
			name: "a directory where the file belongs is not removed",
			setup: func(t *testing.T, w *world) string {
				if err := os.Mkdir(filepath.Join(w.top, reserve.FileName), 0o755); err != nil {
					t.Fatal(err)
				}
				return w.top
			},
			wantErr:  `ERROR: .*/shop/\.worktree-ports\.json: is a directory, not a reservation; not removing it\n`,
			wantCode: exitError,
			kept:     func(w *world) string { return w.top },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			dir := tt.setup(t, w)
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			// Dir is "": the working directory comes from the Factory's Getwd.
			f, out, errb := w.factory(dir)
			opts := tt.opts
			opts.F = f
			err := releaseRun(context.Background(), &opts)
			check(t, out, errb, err, "", tt.wantErr, tt.wantCode)
			if tt.released != nil {
				if _, err := os.Lstat(filepath.Join(tt.released(w), reserve.FileName)); err == nil {
					t.Errorf("%s still has its reservation", tt.released(w))
				}
			}
			if tt.kept != nil {
				if _, err := os.Lstat(filepath.Join(tt.kept(w), reserve.FileName)); err != nil {
					t.Errorf("%s lost its reservation: %v", tt.kept(w), err)
				}
			}
		})
	}
}

func TestInstallHookRun(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		opts     InstallHookOptions
		before   []InstallHookOptions // runs first, expected to succeed
		wantErr  string
		wantCode int
		// file is the hook file that must exist afterwards (relative to the repository, or
		// ~/ for the Factory's home); gone one that must not.
		file, gone string
	}{
		{
			name:    "writes a hook of its own, recording the binary",
			wantErr: `installed .*/shop/\.git/hooks/post-checkout\n`,
			file:    ".git/hooks/post-checkout",
		},
		{
			name:    "--uninstall removes it",
			before:  []InstallHookOptions{{}},
			opts:    InstallHookOptions{Uninstall: true},
			wantErr: `deleted post-checkout hook .*/shop/\.git/hooks/post-checkout\n`,
			gone:    ".git/hooks/post-checkout",
		},
		{
			name:    "--global uses the Factory's home for the template directory",
			opts:    InstallHookOptions{Global: true},
			wantErr: `installed .*/\.home/\.config/git/template/hooks/post-checkout\nset the global init\.templateDir to .*/\.home/\.config/git/template: .*\n`,
			file:    "~/.config/git/template/hooks/post-checkout",
		},
		{
			name:     "--config and --global together are a usage error",
			opts:     InstallHookOptions{Config: true, Global: true},
			wantErr:  `ERROR: --config and --global: .*\n`,
			wantCode: exitUsage,
		},
		{
			name:    "--config --uninstall removes nothing that is not there",
			opts:    InstallHookOptions{Config: true, Uninstall: true},
			wantErr: `removed the config-based hook \(hook\.worktree-ports\.\*\)\n`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			for _, b := range tt.before {
				f, _, _ := w.factory(w.top)
				b.F = f
				if err := installHookRun(context.Background(), &b); err != nil {
					t.Fatal(err)
				}
			}
			f, out, errb := w.factory(w.top)
			opts := tt.opts
			opts.F = f
			err := installHookRun(context.Background(), &opts)
			check(t, out, errb, err, "", tt.wantErr, tt.wantCode)
			where := func(p string) string {
				if rest, ok := strings.CutPrefix(p, "~/"); ok {
					return filepath.Join(w.s.Home, rest)
				}
				return filepath.Join(w.top, p)
			}
			if tt.file != "" {
				data, err := os.ReadFile(where(tt.file))
				if err != nil || !strings.Contains(string(data), `'/opt/gwp bin/git-worktree-ports'`) {
					t.Errorf("%s: %v, want a hook that calls the Factory's binary:\n%s", tt.file, err, data)
				}
			}
			if tt.gone != "" {
				if _, err := os.Lstat(where(tt.gone)); err == nil {
					t.Errorf("%s is still there", tt.gone)
				}
			}
		})
	}
}
