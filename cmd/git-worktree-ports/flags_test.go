package main

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/git-worktree-ports/git-worktree-ports/internal/alloc"
	"github.com/git-worktree-ports/git-worktree-ports/internal/iostreams"
	"github.com/git-worktree-ports/git-worktree-ports/internal/repository"
	"github.com/git-worktree-ports/git-worktree-ports/internal/safefile"
	"github.com/git-worktree-ports/git-worktree-ports/internal/wtenv"
)

// These tables check flag parsing only: each verb runs with a runF that records the
// options instead of doing the work. The behaviour itself is tested end to end with real
// git in tests/.

func testFactory() *Factory {
	ios, _, _, _ := iostreams.Test()
	return &Factory{IOStreams: ios, Getenv: func(string) string { return "" }}
}

// parse runs cmd with args and reports whether it was a usage error.
func parse(t *testing.T, cmd *cobra.Command, args []string) (usage bool, err error) {
	t.Helper()
	root := &cobra.Command{Use: "git-worktree-ports", SilenceErrors: true, SilenceUsage: true}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return &usageError{err: err, path: c} })
	root.AddCommand(cmd)
	root.SetOut(&bytes.Buffer{})
	root.SetErr(&bytes.Buffer{})
	root.SetArgs(append([]string{cmd.Name()}, args...))
	err = root.Execute()
	var ue *usageError
	return errors.As(err, &ue), err
}

func TestAllocateFlags(t *testing.T) {
	tests := []struct {
		args  []string
		want  AllocateOptions
		usage bool
	}{
		{args: nil, want: AllocateOptions{}},
		{args: []string{"--dry-run", "--json"}, want: AllocateOptions{DryRun: true, JSON: true}},
		{args: []string{"-n"}, want: AllocateOptions{DryRun: true}},
		{args: []string{"--force", "--base", "21340"}, want: AllocateOptions{Force: true, Base: 21340}},
		{args: []string{"--range", "30000-30999", "--width", "4"}, want: AllocateOptions{Range: "30000-30999", Width: 4}},
		{args: []string{"--base", "-5"}, usage: true},
		{args: []string{"--base", "x"}, usage: true},
		{args: []string{"extra"}, usage: true},
		{args: []string{"--nope"}, usage: true},
	}
	for _, tt := range tests {
		var got *AllocateOptions
		cmd := NewCmdAllocate(testFactory(), func(o *AllocateOptions) error { got = o; return nil })
		usage, err := parse(t, cmd, tt.args)
		if usage != tt.usage || (!tt.usage && err != nil) {
			t.Errorf("allocate %q: usage error %v, err %v; want usage %v", tt.args, usage, err, tt.usage)
			continue
		}
		if tt.usage {
			continue
		}
		got.F = nil
		if !reflect.DeepEqual(*got, tt.want) {
			t.Errorf("allocate %q: %+v, want %+v", tt.args, *got, tt.want)
		}
	}
}

func TestEnvFlags(t *testing.T) {
	tests := []struct {
		args  []string
		want  EnvOptions
		usage bool
	}{
		{args: nil, want: EnvOptions{Format: "sh"}},
		{args: []string{"--format", "fish"}, want: EnvOptions{Format: "fish"}},
		{args: []string{"-f", "dotenv", "--no-allocate"}, want: EnvOptions{Format: "dotenv", NoAllocate: true}},
		{args: []string{"--format", "json"}, want: EnvOptions{Format: "json"}},
		{args: []string{"--format", "tcsh"}, usage: true},
		{args: []string{"x"}, usage: true},
		{args: []string{"--json"}, want: EnvOptions{Format: "json"}},
		{args: []string{"--json", "-f", "json"}, want: EnvOptions{Format: "json"}},
		{args: []string{"--json", "--format", "sh"}, usage: true},
	}
	for _, tt := range tests {
		var got *EnvOptions
		cmd := NewCmdEnv(testFactory(), func(o *EnvOptions) error { got = o; return nil })
		usage, err := parse(t, cmd, tt.args)
		if usage != tt.usage || (!tt.usage && err != nil) {
			t.Errorf("env %q: usage error %v, err %v; want usage %v", tt.args, usage, err, tt.usage)
			continue
		}
		if tt.usage {
			continue
		}
		got.F = nil
		if !reflect.DeepEqual(*got, tt.want) {
			t.Errorf("env %q: %+v, want %+v", tt.args, *got, tt.want)
		}
	}
}

func TestExecFlags(t *testing.T) {
	tests := []struct {
		args  []string
		want  ExecOptions
		usage bool
	}{
		{args: []string{"--", "npm", "run", "dev"}, want: ExecOptions{Argv: []string{"npm", "run", "dev"}}},
		{args: []string{"sh", "-c", "exit 7"}, want: ExecOptions{Argv: []string{"sh", "-c", "exit 7"}}},
		// Flags after the command belong to the command.
		{args: []string{"--no-allocate", "--", "ls", "--no-allocate"}, want: ExecOptions{NoAllocate: true, Argv: []string{"ls", "--no-allocate"}}},
		{args: []string{"vite", "--port", "1"}, want: ExecOptions{Argv: []string{"vite", "--port", "1"}}},
		{args: []string{"--dry-run", "--no-inject", "--", "vite", "--dry-run"}, want: ExecOptions{DryRun: true, NoInject: true, Argv: []string{"vite", "--dry-run"}}},
		{args: nil, usage: true},
		{args: []string{"--"}, usage: true},
	}
	for _, tt := range tests {
		var got *ExecOptions
		cmd := NewCmdExec(testFactory(), func(o *ExecOptions) error { got = o; return nil })
		usage, err := parse(t, cmd, tt.args)
		if usage != tt.usage || (!tt.usage && err != nil) {
			t.Errorf("exec %q: usage error %v, err %v; want usage %v", tt.args, usage, err, tt.usage)
			continue
		}
		if tt.usage {
			continue
		}
		got.F = nil
		if !reflect.DeepEqual(*got, tt.want) {
			t.Errorf("exec %q: %+v, want %+v", tt.args, *got, tt.want)
		}
	}
}

func TestPortFlags(t *testing.T) {
	tests := []struct {
		args  []string
		want  PortOptions
		usage bool
	}{
		{args: []string{"api"}, want: PortOptions{Service: "api"}},
		{args: []string{"web", "--url"}, want: PortOptions{Service: "web", URL: true}},
		{args: []string{"--no-allocate", "db"}, want: PortOptions{Service: "db", NoAllocate: true}},
		{args: nil, usage: true},
		{args: []string{"api", "web"}, usage: true},
		{args: []string{"api", "--nope"}, usage: true},
	}
	for _, tt := range tests {
		var got *PortOptions
		cmd := NewCmdPort(testFactory(), func(o *PortOptions) error { got = o; return nil })
		usage, err := parse(t, cmd, tt.args)
		if usage != tt.usage || (!tt.usage && err != nil) {
			t.Errorf("port %q: usage error %v, err %v; want usage %v", tt.args, usage, err, tt.usage)
			continue
		}
		if tt.usage {
			continue
		}
		got.F = nil
		if !reflect.DeepEqual(*got, tt.want) {
			t.Errorf("port %q: %+v, want %+v", tt.args, *got, tt.want)
		}
	}
}

func TestListReleaseInitFlags(t *testing.T) {
	var lo *ListOptions
	if _, err := parse(t, NewCmdList(testFactory(), func(o *ListOptions) error { lo = o; return nil }), []string{"--json", "--all", "--health", "--no-owners", "--wide"}); err != nil {
		t.Fatal(err)
	}
	if !lo.JSON || !lo.All || !lo.Health || !lo.NoOwners || !lo.Wide {
		t.Errorf("list flags: %+v", *lo)
	}
	var ro *ReleaseOptions
	if _, err := parse(t, NewCmdRelease(testFactory(), func(o *ReleaseOptions) error { ro = o; return nil }), []string{"--worktree", "../x", "--force"}); err != nil {
		t.Fatal(err)
	}
	if ro.Worktree != "../x" || !ro.Force {
		t.Errorf("release flags: %+v", *ro)
	}
	// An empty --worktree (an unset variable in a script) must not mean this worktree.
	for _, args := range [][]string{{"--worktree", ""}, {"--worktree="}, {"-w", ""}} {
		if usage, _ := parse(t, NewCmdRelease(testFactory(), func(*ReleaseOptions) error { return nil }), args); !usage {
			t.Errorf("release %q: want a usage error", args)
		}
	}
	var io *InitOptions
	if _, err := parse(t, NewCmdInit(testFactory(), func(o *InitOptions) error { io = o; return nil }), []string{"-s", "api", "--service", "db=5", "--force"}); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(io.Services, []string{"api", "db=5"}) || !io.Force {
		t.Errorf("init flags: %+v", *io)
	}
	var ho *InstallHookOptions
	if _, err := parse(t, NewCmdInstallHook(testFactory(), func(o *InstallHookOptions) error { ho = o; return nil }), []string{"--uninstall", "--global"}); err != nil {
		t.Fatal(err)
	}
	if !ho.Uninstall || !ho.Global {
		t.Errorf("install-hook flags: %+v", *ho)
	}
	for _, c := range []*cobra.Command{NewCmdList(testFactory(), nil), NewCmdInit(testFactory(), nil), NewCmdDoctor(testFactory(), nil)} {
		if usage, _ := parse(t, c, []string{"stray"}); !usage {
			t.Errorf("%s stray: want a usage error", c.Name())
		}
	}
}

func TestTrustFlags(t *testing.T) {
	tests := []struct {
		args  []string
		want  TrustOptions
		usage bool
	}{
		{args: nil, want: TrustOptions{}},
		{args: []string{"--revoke"}, want: TrustOptions{Revoke: true}},
		{args: []string{"--show"}, want: TrustOptions{Show: true}},
		{args: []string{"--show", "--revoke"}, usage: true},
		{args: []string{"stray"}, usage: true},
		{args: []string{"--all"}, usage: true},
	}
	for _, tt := range tests {
		var got *TrustOptions
		cmd := NewCmdTrust(testFactory(), func(o *TrustOptions) error { got = o; return nil })
		usage, err := parse(t, cmd, tt.args)
		if usage != tt.usage {
			t.Errorf("trust %q: usage error %v (%v), want %v", tt.args, usage, err, tt.usage)
			continue
		}
		if tt.usage {
			continue
		}
		if got == nil || got.Revoke != tt.want.Revoke || got.Show != tt.want.Show {
			t.Errorf("trust %q: options %+v, want %+v", tt.args, got, tt.want)
		}
	}
}

func TestExitCodeFor(t *testing.T) {
	tests := []struct {
		err  error
		want int
	}{
		{nil, exitOK},
		{errors.New("boom"), exitError},
		{&usageError{err: errors.New("bad flag")}, exitUsage},
		{&silentError{code: 7}, 7},
		{&wtenv.NoReservationError{Path: "x"}, exitNoReservation},
		{fmt.Errorf("port: %w", &wtenv.UnknownServiceError{Service: "db", Known: []string{"api"}}), exitUsage},
		{fmt.Errorf("register: %w", &safefile.EscapeError{Path: "/r/x", Link: "/r/x"}), exitUsage},
		{fmt.Errorf("env: %w", &repository.NotWorktreeError{Dir: "/r/.git", GitDir: "/r/.git"}), exitUsage},
		{&repository.NotWorktreeError{Bare: true}, exitUsage},
		{&alloc.NameError{Root: "/r/x", Reason: "why"}, exitError},
		{&codeError{code: exitNotFound, err: errors.New("x: command not found")}, exitNotFound},
		{fmt.Errorf("exec: %w", &codeError{code: exitNotExecutable, err: errors.New("x")}), exitNotExecutable},
	}
	for _, tt := range tests {
		if got := exitCodeFor(tt.err); got != tt.want {
			t.Errorf("exitCodeFor(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
}

func TestFlagErrorInWords(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"allocate", "--base", "abc"}, `--base: "abc" is not a whole number`},
		{[]string{"allocate", "--width=1e3"}, `--width: "1e3" is not a whole number`},
		{[]string{"allocate", "--dry-run=maybe"}, `--dry-run: "maybe" is not true or false`},
		{[]string{"allocate", "-n=perhaps"}, `--dry-run: "perhaps" is not true or false`},
		{[]string{"allocate", "--bogus"}, `unknown flag: --bogus`},
		{[]string{"env", "--format"}, `flag needs an argument: --format`},
	}
	for _, tt := range tests {
		f := testFactory()
		root := NewCmdRoot(f)
		root.SetArgs(tt.args)
		err := root.Execute()
		var usage *usageError
		if !errors.As(err, &usage) || err.Error() != tt.want {
			t.Errorf("%q: err = %v (usage %v), want usage error %q", tt.args, err, usage != nil, tt.want)
		}
	}
}

// TestLeaseReleaseFlags checks lease NAME [--ttl] [--json] and release's optional lease
// NAME (release with an argument used to be a usage error; it now frees that lease).
func TestLeaseReleaseFlags(t *testing.T) {
	leases := []struct {
		args  []string
		want  LeaseOptions
		usage bool
	}{
		{args: []string{"playwright"}, want: LeaseOptions{Name: "playwright"}},
		{args: []string{"oauth", "--ttl", "30m", "--json"}, want: LeaseOptions{Name: "oauth", TTL: 30 * time.Minute, JSON: true}},
		{args: []string{}, usage: true},
		{args: []string{"a", "b"}, usage: true},
		{args: []string{"bad name"}, usage: true},
		{args: []string{"-x"}, usage: true},
		{args: []string{"a", "--ttl", "0s"}, usage: true},
		{args: []string{"a", "--ttl", "soon"}, usage: true},
	}
	for _, tt := range leases {
		var got *LeaseOptions
		usage, err := parse(t, NewCmdLease(testFactory(), func(o *LeaseOptions) error { got = o; return nil }), tt.args)
		if tt.usage {
			if !usage {
				t.Errorf("lease %q: want a usage error, got %v", tt.args, err)
			}
			continue
		}
		if err != nil || got == nil || got.Name != tt.want.Name || got.TTL != tt.want.TTL || got.JSON != tt.want.JSON {
			t.Errorf("lease %q = %+v, %v; want %+v", tt.args, got, err, tt.want)
		}
	}
	releases := []struct {
		args  []string
		lease string
		usage bool
	}{
		{args: []string{}, lease: ""},
		{args: []string{"playwright"}, lease: "playwright"},
		{args: []string{"a", "b"}, usage: true},
		{args: []string{"a", "--worktree", "../x"}, usage: true},
		{args: []string{"../x"}, usage: true},
	}
	for _, tt := range releases {
		var got *ReleaseOptions
		usage, err := parse(t, NewCmdRelease(testFactory(), func(o *ReleaseOptions) error { got = o; return nil }), tt.args)
		if tt.usage {
			if !usage {
				t.Errorf("release %q: want a usage error, got %v", tt.args, err)
			}
			continue
		}
		if err != nil || got == nil || got.Lease != tt.lease {
			t.Errorf("release %q = %+v, %v; want lease %q", tt.args, got, err, tt.lease)
		}
	}
}

func TestProxyFlags(t *testing.T) {
	var po *ProxyOptions
	if _, err := parse(t, NewCmdProxy(testFactory(), func(o *ProxyOptions) error { po = o; return nil }), []string{}); err != nil || po.Listen != "127.0.0.1:7355" || po.PIDFile != "" {
		t.Errorf("proxy defaults: %+v, %v", po, err)
	}
	if _, err := parse(t, NewCmdProxy(testFactory(), func(o *ProxyOptions) error { po = o; return nil }), []string{"--listen", "[::1]:0", "--pidfile", "p.json"}); err != nil || po.Listen != "[::1]:0" || po.PIDFile != "p.json" {
		t.Errorf("proxy flags: %+v, %v", po, err)
	}
	if usage, _ := parse(t, NewCmdProxy(testFactory(), nil), []string{"stray"}); !usage {
		t.Errorf("proxy stray: want a usage error")
	}
	var pi *ProxyInstallOptions
	if _, err := parse(t, NewCmdProxyInstall(testFactory(), func(o *ProxyInstallOptions) error { pi = o; return nil }), []string{"--listen", "127.0.0.1:9000"}); err != nil || pi.Listen != "127.0.0.1:9000" {
		t.Errorf("proxy install flags: %+v, %v", pi, err)
	}
}

func TestMCPFlags(t *testing.T) {
	var mo *MCPOptions
	if _, err := parse(t, NewCmdMCP(testFactory(), func(o *MCPOptions) error { mo = o; return nil }), []string{}); err != nil || mo == nil {
		t.Errorf("mcp: %+v, %v", mo, err)
	}
	if usage, _ := parse(t, NewCmdMCP(testFactory(), nil), []string{"stray"}); !usage {
		t.Errorf("mcp stray: want a usage error")
	}
}
