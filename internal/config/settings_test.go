package config

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
)

// in builds the inputs of one test: flags, environment and git config entries.
func in(flags map[string]string, env map[string]string, git ...Entry) Inputs {
	return Inputs{Flags: flags, Getenv: func(k string) string { return env[k] }, Git: git}
}

// TestLookup checks the one precedence rule (flag, environment, git config's last entry)
// and that a setting is read only from the sources its row allows.
func TestLookup(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		setting *Setting
		in      Inputs
		want    string // "" for unset
		origin  string
	}{
		{"unset", LockTimeout, in(nil, nil), "", ""},
		{"git config", LockTimeout, in(nil, nil, Entry{"worktree-ports.locktimeout", "3s"}), "3s", "git config worktree-ports.lockTimeout"},
		{"git's last entry wins, any case", LockTimeout,
			in(nil, nil, Entry{"worktree-ports.lockTimeout", "soon"}, Entry{"WORKTREE-PORTS.LOCKTIMEOUT", "4s"}), "4s", "git config worktree-ports.lockTimeout"},
		{"environment beats git config", LockTimeout,
			in(nil, map[string]string{EnvLockTimeout: "5s"}, Entry{"worktree-ports.locktimeout", "3s"}), "5s", EnvLockTimeout},
		{"an empty variable is unset", LockTimeout,
			in(nil, map[string]string{EnvLockTimeout: ""}, Entry{"worktree-ports.locktimeout", "3s"}), "3s", "git config worktree-ports.lockTimeout"},
		{"flag beats git config", Range,
			in(map[string]string{"range": "30000-30099"}, nil, Entry{"worktree-ports.range", "20000-20099"}), "30000-30099", "--range 30000-30099"},
		{"an empty flag is unset", Range,
			in(map[string]string{"range": ""}, nil, Entry{"worktree-ports.range", "20000-20099"}), "20000-20099", "git config worktree-ports.range"},
		{"no flag for a setting without one", LockTimeout, in(map[string]string{"lockTimeout": "1s"}, nil), "", ""},
		{"no environment for a setting without one", Range, in(nil, map[string]string{"GIT_WORKTREE_PORTS_RANGE": "1-2"}), "", ""},
		{"no git config for a setting git cannot set", Verbose, in(nil, nil, Entry{"worktree-ports.verbose", "1"}), "", ""},
		{"flag beats environment", Verbose, in(map[string]string{"verbose": "true"}, map[string]string{EnvVerbose: "0"}), "true", "--verbose true"},
		{"nil getenv", CrossRepo, Inputs{Git: []Entry{{"worktree-ports.crossrepo", "no"}}}, "no", "git config worktree-ports.crossRepo"},
	}
	for _, tt := range tests {
		v, ok := tt.in.Lookup(tt.setting)
		if ok != (tt.want != "") || v.Text != tt.want {
			t.Errorf("%s: Lookup = %q, %v; want %q", tt.name, v.Text, ok, tt.want)
			continue
		}
		if ok && v.Origin() != tt.origin {
			t.Errorf("%s: Origin() = %q, want %q", tt.name, v.Origin(), tt.origin)
		}
	}
}

// TestUserOnlySettings checks that allowEnv and trustedPath come from git config alone,
// every value counting, whatever the environment and flags say.
func TestUserOnlySettings(t *testing.T) {
	t.Parallel()
	for _, s := range []*Setting{AllowEnvSetting, TrustedPath} {
		if s.Sources != FromGit || !s.Multi || s.Env != "" || s.Flag != "" {
			t.Errorf("%s: sources %b, multi %v, env %q, flag %q; want git config alone, multi-valued", s.Key, s.Sources, s.Multi, s.Env, s.Flag)
		}
	}
	got := TrustedPaths([]Entry{{"worktree-ports.trustedpath", "~/src"}, {"worktree-ports.range", "1-2"}, {"Worktree-Ports.TrustedPath", "/work"}})
	if strings.Join(got, ",") != "~/src,/work" {
		t.Errorf("TrustedPaths = %q", got)
	}
}

func TestDuration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		setting  *Setting
		positive bool
		env, git string
		want     time.Duration
		wantErr  string
	}{
		{name: "default", setting: LockTimeout, want: DefaultLockTimeout},
		{name: "git config", setting: LockTimeout, git: "500ms", want: 500 * time.Millisecond},
		{name: "seconds", setting: CrossRepoTimeout, positive: true, git: "1.5", want: 1500 * time.Millisecond},
		{name: "environment wins", setting: CrossRepoTimeout, positive: true, env: "3s", git: "500ms", want: 3 * time.Second},
		{name: "zero allowed", setting: LockTimeout, git: "0", want: 0},
		{name: "zero refused", setting: CrossRepoTimeout, positive: true, git: "0",
			wantErr: `git config worktree-ports.crossRepoTimeout: "0": must be more than 0`},
		{name: "bad environment", setting: LockTimeout, env: "soon",
			wantErr: `GIT_WORKTREE_PORTS_LOCK_TIMEOUT: "soon" is not a duration (use 10s, 1m or a number of seconds)`},
		{name: "bad git config", setting: LockTimeout, git: "soon",
			wantErr: `git config worktree-ports.lockTimeout: "soon" is not a duration (use 10s, 1m or a number of seconds)`},
		{name: "negative", setting: CrossRepoTimeout, positive: true, env: "-1s",
			wantErr: `GIT_WORKTREE_PORTS_CROSS_REPO_TIMEOUT: "-1s" is not a duration`},
	}
	for _, tt := range tests {
		var git []Entry
		if tt.git != "" {
			git = []Entry{{tt.setting.Key, tt.git}}
		}
		def := DefaultLockTimeout
		if tt.setting == CrossRepoTimeout {
			def = DefaultCrossRepoTimeout
		}
		got, err := in(nil, map[string]string{tt.setting.Env: tt.env}, git...).Duration(tt.setting, def, tt.positive)
		if tt.wantErr != "" {
			if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) {
				t.Errorf("%s: Duration = %v, %v; want error %q", tt.name, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%s: Duration = %v, %v; want %v", tt.name, got, err, tt.want)
		}
	}
}

func TestParseDuration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"10s", 10 * time.Second, true},
		{"1m", time.Minute, true},
		{"2.5", 2500 * time.Millisecond, true},
		{"0", 0, true},
		{"-1s", 0, false},
		{"-1", 0, false},
		{"soon", 0, false},
	}
	for _, tt := range tests {
		got, err := ParseDuration(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestBool(t *testing.T) {
	t.Parallel()
	tests := []struct {
		env, git string
		want     bool
		errHas   string
	}{
		{"", "", true, ""},
		{"0", "", false, ""},
		{"false", "", false, ""},
		{"off", "", false, ""},
		{"OFF", "", false, ""},
		{"no", "", false, ""},
		{"1", "", true, ""},
		{"on", "", true, ""},
		{"", "false", false, ""},
		{"", "False", false, ""},
		{"", "0", false, ""},
		{"", "true", true, ""},
		{"", "yes", true, ""},
		// The environment is the more specific, per-run choice.
		{"1", "false", true, ""},
		{"0", "true", false, ""},
		{"maybe", "", false, `GIT_WORKTREE_PORTS_CROSS_REPO: "maybe" is not a boolean (use 1, true, yes, on, 0, false, no or off)`},
		{"", "maybe", false, `git config worktree-ports.crossRepo: "maybe" is not a boolean (use 1, true, yes, on, 0, false, no or off)`},
	}
	for _, tt := range tests {
		var git []Entry
		if tt.git != "" {
			git = []Entry{{"worktree-ports.crossrepo", tt.git}}
		}
		got, err := in(nil, map[string]string{EnvCrossRepo: tt.env}, git...).Bool(CrossRepo, true)
		if tt.errHas != "" {
			if err == nil || err.Error() != tt.errHas {
				t.Errorf("Bool(env %q, git %q) error = %v, want %q", tt.env, tt.git, err, tt.errHas)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("Bool(env %q, git %q) = %v, %v; want %v", tt.env, tt.git, got, err, tt.want)
		}
	}
}

func TestOn(t *testing.T) {
	t.Parallel()
	tests := []struct {
		flags map[string]string
		env   string
		want  bool
	}{
		{nil, "", false},
		{nil, "1", true},
		{nil, "true", false}, // only 1, as ever
		{map[string]string{"verbose": "true"}, "", true},
		{map[string]string{"verbose": "true"}, "0", true},
	}
	for _, tt := range tests {
		if got := in(tt.flags, map[string]string{EnvVerbose: tt.env}).On(Verbose); got != tt.want {
			t.Errorf("On(flags %v, env %q) = %v, want %v", tt.flags, tt.env, got, tt.want)
		}
	}
}

// TestApplyFlags checks the flags' layer: it beats git config, and its errors name the
// flags as given.
func TestApplyFlags(t *testing.T) {
	t.Parallel()
	base, err := Parse(file, []byte(`{"range": "20000-20999", "width": 10, "services": {"api": 0, "web": 7}}`), nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		flags   map[string]string
		git     []Entry
		want    string // range/width after
		wantErr string
	}{
		{name: "none", git: []Entry{{Range.Key, "1-2"}}, want: "20000-20999/10"},
		{name: "range", flags: map[string]string{"range": "30000-30099"}, want: "30000-30099/10"},
		{name: "both checked together", flags: map[string]string{"range": "30000-30007", "width": "8"}, want: "30000-30007/8"},
		{name: "bad range", flags: map[string]string{"range": "5-6"}, wantErr: "--range 5-6: range 5-6 is outside 1024-65535"},
		{name: "too wide", flags: map[string]string{"width": "99999"}, wantErr: "--width 99999: width 99999 is outside 1-1000"},
		{name: "orphans an offset", flags: map[string]string{"width": "5"},
			wantErr: "--width 5: offset 7 is not below width 5 (services.web.offset in .worktree-ports.config.json)"},
		{name: "too narrow together", flags: map[string]string{"range": "30000-30004", "width": "8"},
			wantErr: "--range 30000-30004 --width 8: range 30000-30004 is narrower than width 8"},
	}
	for _, tt := range tests {
		c := base
		err := c.ApplyFlags(Inputs{Flags: tt.flags, Git: tt.git})
		if tt.wantErr != "" {
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("%s: ApplyFlags error = %v, want %q", tt.name, err, tt.wantErr)
			}
			if c.Spec.Range != base.Spec.Range || c.Spec.Width != base.Spec.Width {
				t.Errorf("%s: ApplyFlags changed the config on error", tt.name)
			}
			continue
		}
		if got := fmt.Sprintf("%v/%d", c.Spec.Range, c.Spec.Width); err != nil || got != tt.want {
			t.Errorf("%s: ApplyFlags = %s, %v; want %s", tt.name, got, err, tt.want)
		}
	}
}

// TestSettingErrorsAreConfigErrors checks the one error format: git config's errors are
// *Error with File GitConfig and the key as the user types it, the others name the
// variable or the flag.
func TestSettingErrorsAreConfigErrors(t *testing.T) {
	t.Parallel()
	_, err := AllowEnv([]Entry{{"worktree-ports.allowenv", "OK MAIL-CHECK"}})
	var ce *Error
	if !errors.As(err, &ce) || ce.File != GitConfig || ce.Key != "worktree-ports.allowEnv" {
		t.Errorf("AllowEnv error = %#v", err)
	}
	for _, s := range Settings {
		if s.Key != "" && !strings.HasPrefix(s.Key, "worktree-ports.") {
			t.Errorf("%s is not a worktree-ports key", s.Key)
		}
		if s.Env != "" && !strings.HasPrefix(s.Env, "GIT_WORKTREE_PORTS_") {
			t.Errorf("%s is not a GIT_WORKTREE_PORTS_ variable", s.Env)
		}
		if (s.Key == "") == (s.Sources&FromGit != 0) || (s.Env == "") == (s.Sources&FromEnv != 0) || (s.Flag == "") == (s.Sources&FromFlag != 0) {
			t.Errorf("%s%s: sources %b do not match its key, variable and flag", s.Key, s.Env, s.Sources)
		}
	}
}

// TestPattern checks the regular expression that asks git for one key: the key as git
// prints it, lower-cased, and nothing around it.
func TestPattern(t *testing.T) {
	t.Parallel()
	if got := AllowEnvSetting.Pattern(); got != `^worktree-ports\.allowenv$` {
		t.Errorf("AllowEnvSetting.Pattern() = %q", got)
	}
	re := regexp.MustCompile(TrustedPath.Pattern())
	for key, want := range map[string]bool{
		"worktree-ports.trustedpath":   true,
		"worktree-ports.trustedpaths":  false,
		"worktree-portsxtrustedpath":   false,
		"a.worktree-ports.trustedpath": false,
	} {
		if re.MatchString(key) != want {
			t.Errorf("%s matches %q: %v, want %v", TrustedPath.Pattern(), key, !want, want)
		}
	}
}
