package envname

import (
	"errors"
	"strings"
	"testing"
)

func TestValid(t *testing.T) {
	for _, n := range []string{"A", "_", "a", "_1", "API_PORT", "x9_Z"} {
		if !Valid(n) {
			t.Errorf("Valid(%q) = false, want true", n)
		}
	}
	for _, n := range []string{"", "1", "1A", "A B", "A-B", "A=B", "A.B", "$A", "É", "A\x00", "A\n", "`id`", "$(touch pwned)"} {
		if Valid(n) {
			t.Errorf("Valid(%q) = true, want false", n)
		}
	}
}

func TestCheck(t *testing.T) {
	allow := Allow{"MAILCHECK": true, "LD_PRELOAD": true, "A-B": true}
	tests := []struct {
		name   string
		allow  Allow
		source string // the rule's source that refuses it; "" when allowed
		bad    bool   // refused as not valid
	}{
		// What the issue found.
		{name: "MAILPATH", source: "bash(1)"},
		{name: "MAILCHECK", source: "bash(1)"},
		{name: "HISTFILESIZE", source: "bash(1)"},
		{name: "PROMPT_EOL_MARK", source: "zshparam(1)"},
		{name: "PROMPT_COMMAND", source: "bash(1)"},
		// The first rule that lists a name is the one reported.
		{name: "PATH", source: "bash(1)"},
		{name: "path", source: "zshparam(1)"},
		{name: "RPROMPT", source: "zshparam(1)"},
		{name: "precmd_functions", source: "zshmisc(1)"},
		{name: "functions", source: "zshmodules(1)"},
		{name: "HISTEDIT", source: "ksh93(1)"},
		{name: "fish_function_path", source: "fish-language(1)"},
		{name: "__fish_config_dir", source: "fish-language(1)"},
		{name: "LC_PAPER", source: "locale(7)"},
		{name: "LD_PRELOAD", source: "ld.so(8), ENVIRONMENT"},
		{name: "GCONV_PATH", source: "ld.so(8), secure"},
		{name: "MALLOC_CHECK_", source: "mallopt(3)"},
		{name: "DYLD_INSERT_LIBRARIES", source: "dyld(1)"},
		{name: "GIT_SSH_COMMAND", source: "git(1)"},
		{name: "GIT_CONFIG_COUNT", source: "git(1)"},
		{name: "LESSOPEN", source: "less(1)"},
		{name: "XDG_CONFIG_HOME", source: "XDG"},
		{name: "NODE_OPTIONS", source: "node(1)"},
		{name: "PYTHONSTARTUP", source: "python(1)"},
		{name: "PYTHON_HISTORY", source: "python(1)"},
		{name: "PERL5OPT", source: "perlrun(1)"},
		{name: "RUBYOPT", source: "ruby(1)"},
		{name: "JAVA_TOOL_OPTIONS", source: "java(1)"},
		{name: "_JAVA_OPTIONS", source: "java(1)"},
		{name: "GOFLAGS", source: "go help"},
		{name: "npm_config_script_shell", source: "npm-config(7)"},
		// Runtimes' and toolkits' start-up hooks (the attack review's list).
		{name: "DOTNET_STARTUP_HOOKS", source: "Microsoft Learn: .NET"},
		{name: "CORECLR_ENABLE_PROFILING", source: "Microsoft Learn: Profiling"},
		{name: "CORECLR_PROFILER", source: "Microsoft Learn: Profiling"},
		{name: "CORECLR_PROFILER_PATH", source: "Microsoft Learn: Profiling"},
		{name: "CORECLR_PROFILER_PATH_32", source: "Microsoft Learn: Profiling"},
		{name: "CORECLR_PROFILER_PATH_64", source: "Microsoft Learn: Profiling"},
		{name: "COR_ENABLE_PROFILING", source: "Microsoft Learn: Setting up"},
		{name: "COR_PROFILER", source: "Microsoft Learn: Setting up"},
		{name: "COR_PROFILER_PATH", source: "Microsoft Learn: Setting up"},
		{name: "LUA_INIT", source: "lua(1)"},
		{name: "LUA_INIT_5_1", source: "lua(1)"},
		{name: "LUA_INIT_5_2", source: "lua(1)"},
		{name: "LUA_INIT_5_3", source: "lua(1)"},
		{name: "LUA_INIT_5_4", source: "lua(1)"},
		{name: "PHPRC", source: "PHP manual"},
		{name: "PHP_INI_SCAN_DIR", source: "PHP manual"},
		{name: "R_PROFILE", source: "R manual"},
		{name: "R_PROFILE_USER", source: "R manual"},
		{name: "R_ENVIRON", source: "R manual"},
		{name: "R_ENVIRON_USER", source: "R manual"},
		{name: "ELECTRON_RUN_AS_NODE", source: "Electron docs"},
		{name: "GTK_MODULES", source: "GTK 3"},
		{name: "GTK3_MODULES", source: "GTK 3"},
		{name: "QT_PLUGIN_PATH", source: "Qt documentation"},
		{name: "GST_PLUGIN_PATH", source: "GStreamer"},
		{name: "GST_PLUGIN_PATH_1_0", source: "GStreamer"},
		{name: "GIO_MODULE_DIR", source: "GIO reference"},
		{name: "OPENSSL_ENGINES", source: "openssl-env(7)"},
		{name: "OPENSSL_MODULES", source: "openssl-env(7)"},
		{name: "OPENSSL_CONF", source: "node(1)"}, // listed by node's row first
		{name: "TCLLIBPATH", source: "tclsh(1)"},
		{name: "EMACSLOADPATH", source: "GNU Emacs manual"},
		// Editor and build-tool variables the user approves knowingly stay with
		// approval alone (trust_hostile_names shows approval gates them).
		{name: "VIMINIT"}, {name: "EXINIT"}, {name: "MAKEFLAGS"}, {name: "MAKEFILES"},
		{name: "CXX"}, {name: "RUSTC_WRAPPER"}, {name: "http_proxy"}, {name: "KUBECONFIG"},
		{name: "DOCKER_HOST"}, {name: "COMPOSE_FILE"},
		{name: "CORE_PORT"}, {name: "LUA_PORT"}, {name: "R_PORT"}, {name: "QT_PORT"},
		// Names a port config uses.
		{name: "PORT"}, {name: "API_PORT"}, {name: "WEB_UI_PORT"}, {name: "VITE_PORT"},
		{name: "API_URL"}, {name: "DATABASE_URL"}, {name: "COMPOSE_PROJECT_NAME"},
		{name: "PGPORT"}, {name: "WORKTREE_PORTS_ROOT"}, {name: "PATHNAME"},
		{name: "HOME_URL"}, {name: "GITHUB_PORT"}, {name: "DATABASE_PATH"}, {name: "LDAP_PORT"},
		{name: "NODE_ENV"}, {name: "MAILER_PORT"}, {name: "HOST_PORT"},
		// A user's allowance lifts a rule, but never makes an invalid name valid.
		{name: "MAILCHECK", allow: allow},
		{name: "LD_PRELOAD", allow: allow},
		{name: "MAILPATH", allow: allow, source: "bash(1)"},
		{name: "A-B", allow: allow, bad: true},
		{name: "$(touch pwned)", bad: true},
		{name: "", bad: true},
	}
	for _, tt := range tests {
		err := Check(tt.name, tt.allow)
		var e *Error
		switch {
		case tt.bad:
			if !errors.As(err, &e) || e.Rule != nil || !strings.Contains(err.Error(), "is not [A-Za-z_][A-Za-z0-9_]*") {
				t.Errorf("Check(%q) = %v, want it refused as not valid", tt.name, err)
			}
		case tt.source == "":
			if err != nil {
				t.Errorf("Check(%q) = %v, want nil", tt.name, err)
			}
		default:
			if !errors.As(err, &e) || e.Rule == nil || !strings.HasPrefix(e.Rule.Source, tt.source) {
				t.Errorf("Check(%q) = %v, want it refused by %s", tt.name, err, tt.source)
			}
		}
	}
}

func TestErrorMessage(t *testing.T) {
	got := Check("MAILPATH", nil).Error()
	want := "env name MAILPATH is special to bash (bash(1), PARAMETERS, Shell Variables), so a repository's files may not set it; " +
		"choose another name, or allow it for yourself: git config --global --add worktree-ports.allowEnv MAILPATH"
	if got != want {
		t.Errorf("Check(MAILPATH) =\n %s\nwant\n %s", got, want)
	}
	long := "\x1b]0;" + strings.Repeat("x", 100)
	msg := Check(long, nil).Error()
	if strings.ContainsAny(msg, "\x1b\n") || len(msg) > 120 {
		t.Errorf("Check(hostile name) = %q, want it quoted and shortened", msg)
	}
}

// TestTable keeps the table reviewable: every row names its manual and who reads
// it, every entry is a valid name or a valid prefix, and no row lists a name twice.
func TestTable(t *testing.T) {
	for _, r := range Rules {
		if r.Reader == "" || r.Source == "" || len(r.Names) == 0 {
			t.Errorf("rule %+v: want a reader, a source and names", r)
		}
		seen := map[string]bool{}
		for _, n := range r.Names {
			if seen[n] {
				t.Errorf("%s lists %s twice", r.Source, n)
			}
			seen[n] = true
			if p, ok := strings.CutSuffix(n, "*"); ok {
				if !Valid(p) {
					t.Errorf("%s: prefix %q is not a valid name", r.Source, n)
				}
			} else if !Valid(n) {
				t.Errorf("%s: %q is not a valid name", r.Source, n)
			}
		}
	}
	for _, s := range Spared {
		if _, ok := Refused(s.Name); ok {
			t.Errorf("spared name %s is refused", s.Name)
		}
		if s.Why == "" {
			t.Errorf("spared name %s: want a reason", s.Name)
		}
	}
}

// TestCheckOn: on Windows one variable has every spelling (Path is PATH, ComSpec is
// COMSPEC), so the refused names, the allowances and the names the tool sets itself are
// compared without case there, and byte for byte elsewhere.
func TestCheckOn(t *testing.T) {
	allow := Allow{"mailcheck": true}
	tests := []struct {
		name  string
		allow Allow
		// What each system says: "" allowed, else the start of the refusing rule's
		// source, or "reserved".
		linux, windows string
	}{
		{name: "Path", linux: "", windows: "bash(1)"},
		{name: "PATH", linux: "bash(1)", windows: "bash(1)"},
		{name: "ComSpec", linux: "", windows: "Microsoft"},
		{name: "COMSPEC", linux: "Microsoft", windows: "Microsoft"},
		{name: "pathExt", linux: "", windows: "Microsoft"},
		{name: "ld_preload", linux: "", windows: "ld.so(8), ENVIRONMENT"},
		{name: "Git_Dir", linux: "", windows: "git(1)"},
		{name: "node_env", linux: "", windows: ""}, // spared in any case
		{name: "Node_Options", linux: "", windows: "node(1)"},
		{name: "worktree_ports_root", linux: "", windows: "reserved"},
		{name: "Worktree_Ports_Slot", allow: Allow{"Worktree_Ports_Slot": true}, linux: "", windows: "reserved"},
		{name: "WORKTREE_PORTS_ROOT", linux: "", windows: ""}, // callers refuse it by name
		{name: "MAILCHECK", allow: allow, linux: "bash(1)", windows: ""},
		{name: "API_PORT", linux: "", windows: ""},
	}
	for _, tt := range tests {
		for _, c := range []struct{ goos, want string }{{"linux", tt.linux}, {"darwin", tt.linux}, {"windows", tt.windows}} {
			err := CheckOn(c.goos, tt.name, tt.allow)
			var e *Error
			switch {
			case c.want == "":
				if err != nil {
					t.Errorf("CheckOn(%s, %q) = %v, want nil", c.goos, tt.name, err)
				}
			case c.want == "reserved":
				if !errors.As(err, &e) || e.Reserved == "" || !strings.Contains(err.Error(), "git-worktree-ports sets itself") {
					t.Errorf("CheckOn(%s, %q) = %v, want it refused as reserved", c.goos, tt.name, err)
				}
			default:
				if !errors.As(err, &e) || e.Rule == nil || !strings.HasPrefix(e.Rule.Source, c.want) {
					t.Errorf("CheckOn(%s, %q) = %v, want it refused by %s", c.goos, tt.name, err, c.want)
				}
			}
		}
	}
	if !SameOn("windows", "Path", "PATH") || SameOn("linux", "Path", "PATH") || SameOn("windows", "PATH", "PATHX") {
		t.Error("SameOn compares names as the system does")
	}
}
