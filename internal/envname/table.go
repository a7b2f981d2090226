package envname

// A Rule lists names that some shell or program reads as code or configuration.
type Rule struct {
	// Reader completes "env name X is ...": who reads the names.
	Reader string
	// Source is the manual (and its section) that lists the names, so a
	// reviewer can check each row against it.
	Source string
	// Names are exact names, and prefixes written with a trailing "*".
	Names []string
}

// Rules are the names a committed file may not set, with the manual each comes
// from. The shells' rows are their manuals' complete lists of special variables:
// assigning any of them in the shell that runs `eval "$(git worktree-ports env)"`
// changes that shell (MAILPATH and PROMPT_EOL_MARK run code at the next prompt,
// HISTFILESIZE=0 empties the history file at once, a read-only one aborts the eval
// half-way), and, exported, every shell started from it. TestManPages checks the
// bash and zsh rows against the installed manuals.
//
// A port tool's config names ports and a few derived values, so refusing a
// harmless name here costs a rename (or a line of the user's git config), while
// missing a dangerous one runs code. Where in doubt, a name is listed, and the
// comment on its row says why.
//
// The list is a backstop, not a promise that every program is covered: a program
// not listed here may read a variable of its own as code. It covers the shells,
// the dynamic loader and libc, git, and the start-up hooks of the interpreters and
// tools a web project runs.
var Rules = []Rule{
	// Shells.
	{Reader: "special to bash", Source: "bash(1), PARAMETERS, Shell Variables", Names: []string{
		// Set by the shell.
		"_", "BASH", "BASHOPTS", "BASHPID", "BASH_ALIASES", "BASH_ARGC", "BASH_ARGV",
		"BASH_ARGV0", "BASH_CMDS", "BASH_COMMAND", "BASH_EXECUTION_STRING", "BASH_LINENO",
		"BASH_LOADABLES_PATH", "BASH_REMATCH", "BASH_SOURCE", "BASH_SUBSHELL",
		"BASH_VERSINFO", "BASH_VERSION", "COMP_CWORD", "COMP_KEY", "COMP_LINE",
		"COMP_POINT", "COMP_TYPE", "COMP_WORDBREAKS", "COMP_WORDS", "COPROC", "DIRSTACK",
		"EPOCHREALTIME", "EPOCHSECONDS", "EUID", "FUNCNAME", "GROUPS", "HISTCMD", "HOSTNAME",
		"HOSTTYPE", "LINENO", "MACHTYPE", "MAPFILE", "OLDPWD", "OPTARG", "OPTIND", "OSTYPE",
		"PIPESTATUS", "PPID", "PWD", "RANDOM", "READLINE_ARGUMENT", "READLINE_LINE",
		"READLINE_MARK", "READLINE_POINT", "REPLY", "SECONDS", "SHELLOPTS", "SHLVL",
		"SRANDOM", "UID",
		// Used by the shell.
		"BASH_COMPAT", "BASH_ENV", "BASH_XTRACEFD", "CDPATH", "CHILD_MAX", "COLUMNS",
		"COMPREPLY", "EMACS", "ENV", "EXECIGNORE", "FCEDIT", "FIGNORE", "FUNCNEST",
		"GLOBIGNORE", "HISTCONTROL", "HISTFILE", "HISTFILESIZE", "HISTIGNORE", "HISTSIZE",
		"HISTTIMEFORMAT", "HOME", "HOSTFILE", "IFS", "IGNOREEOF", "INPUTRC", "INSIDE_EMACS",
		"LANG", "LC_ALL", "LC_COLLATE", "LC_CTYPE", "LC_MESSAGES", "LC_NUMERIC", "LC_TIME",
		"LINES", "MAIL", "MAILCHECK", "MAILPATH", "OPTERR", "PATH", "POSIXLY_CORRECT",
		"PROMPT_COMMAND", "PROMPT_DIRTRIM", "PS0", "PS1", "PS2", "PS3", "PS4", "SHELL",
		"TIMEFORMAT", "TMOUT", "TMPDIR", "auto_resume", "histchars",
	}},
	// Exported functions travel as BASH_FUNC_name%%, which is not a valid name
	// anyway; the prefix stays as a second lock.
	{Reader: "special to bash", Source: "bash(1), FUNCTIONS (export -f)", Names: []string{"BASH_FUNC_*"}},
	{Reader: "special to zsh", Source: "zshparam(1), PARAMETERS SET BY THE SHELL", Names: []string{
		"ARGC", "argv", "status", "pipestatus", "_", "CPUTYPE", "EGID", "EUID", "ERRNO",
		"FUNCNEST", "GID", "HISTCMD", "HOST", "LINENO", "LOGNAME", "MACHTYPE", "OLDPWD",
		"OPTARG", "OPTIND", "OSTYPE", "PPID", "PWD", "RANDOM", "SECONDS", "SHLVL", "signals",
		"TRY_BLOCK_ERROR", "TRY_BLOCK_INTERRUPT", "TTY", "TTYIDLE", "UID", "USERNAME",
		"VENDOR", "zsh_eval_context", "ZSH_EVAL_CONTEXT", "ZSH_ARGZERO",
		"ZSH_EXECUTION_STRING", "ZSH_NAME", "ZSH_PATCHLEVEL", "zsh_scheduled_events",
		"ZSH_SCRIPT", "ZSH_SUBSHELL", "ZSH_VERSION",
	}},
	{Reader: "special to zsh", Source: "zshparam(1), PARAMETERS USED BY THE SHELL", Names: []string{
		"ARGV0", "BAUD", "cdpath", "CDPATH", "COLUMNS", "CORRECT_IGNORE",
		"CORRECT_IGNORE_FILE", "DIRSTACKSIZE", "ENV", "FCEDIT", "fignore", "FIGNORE", "fpath",
		"FPATH", "histchars", "HISTCHARS", "HISTFILE", "HISTORY_IGNORE", "HISTSIZE", "HOME",
		"IFS", "KEYBOARD_HACK", "KEYTIMEOUT", "LANG", "LC_ALL", "LC_COLLATE", "LC_CTYPE",
		"LC_MESSAGES", "LC_NUMERIC", "LC_TIME", "LINES", "LISTMAX", "MAIL", "MAILCHECK",
		"mailpath", "MAILPATH", "manpath", "MANPATH", "match", "mbegin", "mend", "MATCH",
		"MBEGIN", "MEND", "module_path", "MODULE_PATH", "NULLCMD", "path", "PATH", "POSTEDIT",
		"PROMPT", "PROMPT2", "PROMPT3", "PROMPT4", "prompt", "PROMPT_EOL_MARK", "PS1", "PS2",
		"PS3", "PS4", "psvar", "PSVAR", "READNULLCMD", "REPORTMEMORY", "REPORTTIME", "REPLY",
		"reply", "RPROMPT", "RPS1", "RPROMPT2", "RPS2", "SAVEHIST", "SPROMPT", "STTY", "TERM",
		"TERMINFO", "TERMINFO_DIRS", "TIMEFMT", "TMOUT", "TMPPREFIX", "TMPSUFFIX", "WORDCHARS",
		"ZBEEP", "ZDOTDIR", "zle_bracketed_paste", "zle_highlight", "ZLE_LINE_ABORTED",
		"ZLE_REMOVE_SUFFIX_CHARS", "ZLE_SPACE_SUFFIX_CHARS", "ZLE_RPROMPT_INDENT",
	}},
	// zshzle(1)'s widget parameters (BUFFER, CURSOR, LBUFFER, ...) are not listed:
	// they exist only while a widget runs, and the eval runs outside any widget,
	// where they are ordinary names.
	{Reader: "special to zsh", Source: "zshmisc(1), SPECIAL FUNCTIONS, Hook Functions", Names: []string{
		"chpwd_functions", "periodic_functions", "precmd_functions", "preexec_functions",
		"zshaddhistory_functions", "zshexit_functions", "PERIOD",
	}},
	// Parameters of the modules a zsh setup commonly loads (completion and
	// prompt frameworks load zsh/parameter, zsh/datetime and zsh/terminfo):
	// assigning a scalar to one fails and aborts the rest of the eval, and some
	// define functions, aliases or files.
	{Reader: "special to zsh", Source: "zshmodules(1), THE ZSH/PARAMETER MODULE and others", Names: []string{
		// zsh/parameter
		"options", "commands", "functions", "dis_functions", "functions_source",
		"dis_functions_source", "builtins", "dis_builtins", "reswords", "dis_reswords",
		"patchars", "dis_patchars", "aliases", "dis_aliases", "galiases", "dis_galiases",
		"saliases", "dis_saliases", "parameters", "modules", "dirstack", "history",
		"historywords", "jobdirs", "jobtexts", "jobstates", "nameddirs", "userdirs",
		"usergroups", "funcfiletrace", "funcsourcetrace", "funcstack", "functrace",
		// zsh/datetime, zsh/langinfo, zsh/mapfile, zsh/system, zsh/termcap, zsh/terminfo
		"EPOCHREALTIME", "EPOCHSECONDS", "epochtime", "langinfo", "mapfile", "errnos",
		"sysparams", "termcap", "terminfo",
		// zsh/watch, zsh/zleparameter, zsh/curses, zsh/zftp
		"watch", "WATCH", "WATCHFMT", "LOGCHECK", "keymaps", "widgets", "ZCURSES_*",
		"zcurses_*", "ZFTP_*", "zftp_*",
	}},
	{Reader: "special to ksh", Source: "ksh93(1), Shell Variables", Names: []string{
		"_", "COLUMNS", "KSH_VERSION", "LINENO", "LINES", "OLDPWD", "OPTARG", "OPTIND", "PPID",
		"PWD", "RANDOM", "REPLY", "SECONDS", "SHLVL", "CDPATH", "EDITOR", "ENV", "FCEDIT",
		"FIGNORE", "FPATH", "histchars", "HISTCMD", "HISTEDIT", "HISTFILE", "HISTSIZE", "HOME",
		"IFS", "JOBMAX", "LANG", "LC_ALL", "LC_COLLATE", "LC_CTYPE", "LC_NUMERIC", "MAIL",
		"MAILCHECK", "MAILPATH", "PATH", "PS1", "PS2", "PS3", "PS4", "SHELL", "TIMEFORMAT",
		"TMOUT", "VISUAL",
	}},
	{Reader: "special to dash", Source: "dash(1), ENVIRONMENT and Invocation", Names: []string{
		"HOME", "PATH", "CDPATH", "MAIL", "MAILCHECK", "MAILPATH", "PS1", "PS2", "PS4", "IFS",
		"TERM", "HISTSIZE", "PWD", "OLDPWD", "PPID", "ENV", "OPTIND", "OPTARG", "FCEDIT",
		"EDITOR",
	}},
	// fish's manual also calls every name that ends in PATH a "path variable"
	// (split on colons). That changes how a value is read, not what runs, so
	// such names (DATABASE_PATH, ...) stay allowed; the PATH-like ones that do
	// choose code are listed by their own programs' rows.
	{Reader: "special to fish", Source: "fish-language(1), SHELL VARIABLES, Special variables", Names: []string{
		"fish_*", "__fish_*", "FISH_DEBUG", "FISH_DEBUG_OUTPUT", "PATH", "CDPATH", "umask",
		"BROWSER", "_", "argv", "CMD_DURATION", "COLUMNS", "LINES", "history", "HOME",
		"hostname", "IFS", "last_pid", "PWD", "pipestatus", "SHLVL", "status",
		"status_generation", "TERM", "USER", "EUID", "version", "LANG", "LC_ALL",
		"LC_COLLATE", "LC_CTYPE", "LC_MESSAGES", "LC_MONETARY", "LC_NUMERIC", "LC_TIME",
	}},
	// Frameworks source files from these directories in every new shell: a
	// terminal multiplexer's new pane inherits the exported value.
	{Reader: "read by oh-my-zsh", Source: "oh-my-zsh's README, Customization (sources $ZSH_CUSTOM/*.zsh)", Names: []string{
		"ZSH", "ZSH_CUSTOM",
	}},

	// The C library, the dynamic loader, and the conventions every program follows.
	{Reader: "read by many programs", Source: "environ(7)", Names: []string{
		"USER", "LOGNAME", "HOME", "LANG", "PATH", "PWD", "SHELL", "TERM", "PAGER", "EDITOR",
		"VISUAL", "BROWSER", "TMPDIR", "TZ", "COLUMNS", "LINES", "POSIXLY_CORRECT", "TERMCAP",
		"MANPATH", "LESS", "MORE", "PRINTER", "CC", "MAKE", "AR", "AS", "LD", "LEX", "YACC",
		"FC", "RM",
	}},
	// Every locale category, not only the ones the shells name: glibc has a dozen,
	// and LANGUAGE picks message catalogues.
	{Reader: "read by the C library", Source: "locale(7)", Names: []string{"LC_*", "LANGUAGE"}},
	{Reader: "read by the dynamic loader", Source: "ld.so(8), ENVIRONMENT", Names: []string{"LD_*"}},
	// The variables the loader drops for set-user-ID programs, because they load
	// code or read files chosen by whoever sets them.
	{Reader: "read by the C library", Source: "ld.so(8), secure-execution mode", Names: []string{
		"GCONV_PATH", "GETCONF_DIR", "HOSTALIASES", "LOCALDOMAIN", "LOCPATH", "MALLOC_TRACE",
		"NIS_PATH", "NLSPATH", "RESOLV_HOST_CONF", "RES_OPTIONS", "TMPDIR", "TZDIR",
	}},
	{Reader: "read by the C library", Source: "mallopt(3), ENVIRONMENT; tunables(7)", Names: []string{
		"MALLOC_*", "GLIBC_TUNABLES",
	}},
	{Reader: "read by the macOS dynamic loader", Source: "dyld(1)", Names: []string{"DYLD_*"}},

	// git: GIT_* sets any config (GIT_CONFIG_COUNT/KEY/VALUE, so hooks and
	// core.fsmonitor), the ssh command and the repository itself.
	{Reader: "read by git", Source: "git(1), ENVIRONMENT VARIABLES", Names: []string{"GIT_*"}},

	// Programs that start another program named in a variable, or read a
	// configuration file whose place a variable names.
	{Reader: "read by less", Source: "less(1), ENVIRONMENT VARIABLES (LESSOPEN runs a command)", Names: []string{"LESS*"}},
	{Reader: "read by man", Source: "man(1), ENVIRONMENT", Names: []string{"MANPAGER", "MANOPT", "MANPATH", "MANROFFOPT"}},
	{Reader: "read by ssh", Source: "ssh(1), ENVIRONMENT", Names: []string{"SSH_ASKPASS", "SSH_ASKPASS_REQUIRE", "SSH_AUTH_SOCK"}},
	{Reader: "read by sudo", Source: "sudo(8), ENVIRONMENT", Names: []string{"SUDO_ASKPASS", "SUDO_EDITOR"}},
	// git, fish, npm and most others read their configuration (which can run
	// commands) from these directories.
	{Reader: "read by most programs", Source: "XDG Base Directory Specification", Names: []string{"XDG_*"}},
	{Reader: "read by direnv", Source: "direnv(1) (its own state)", Names: []string{"DIRENV_*"}},

	// Interpreters' and toolchains' start-up hooks.
	{Reader: "read by node", Source: "node(1), ENVIRONMENT", Names: []string{
		"NODE_*", "OPENSSL_CONF", "SSL_CERT_DIR", "SSL_CERT_FILE",
	}},
	// The whole prefix: PYTHONPATH, PYTHONSTARTUP, PYTHONUSERBASE (.pth files
	// run), PYTHONBREAKPOINT and PYTHONWARNINGS import modules, and new versions
	// add more (PYTHON_HISTORY writes a file). It also catches PYTHON_PORT, the
	// default env name of a service called "python": give that one an "env".
	{Reader: "read by python", Source: "python(1), ENVIRONMENT VARIABLES", Names: []string{"PYTHON*"}},
	{Reader: "read by perl", Source: "perlrun(1), ENVIRONMENT (PERL5OPT, PERL5LIB, PERL5DB, ...)", Names: []string{"PERL*"}},
	{Reader: "read by ruby", Source: "ruby(1), ENVIRONMENT (RUBYOPT, RUBYLIB, ...)", Names: []string{"RUBY*"}},
	// JAVA_HOME is not in java(1), but build wrappers (gradlew, mvnw) run
	// $JAVA_HOME/bin/java.
	{Reader: "read by java", Source: "java(1), Using the JDK_JAVA_OPTIONS Launcher Environment Variable; JAVA_TOOL_OPTIONS", Names: []string{
		"JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS", "CLASSPATH", "JAVA_HOME",
	}},
	// The go command's variables that run programs (GOFLAGS=-toolexec=...,
	// GOCACHEPROG, GOAUTH, GOTOOLCHAIN) or choose the code that is built.
	{Reader: "read by go", Source: "go help environment", Names: []string{
		"GOFLAGS", "GOENV", "GOTOOLCHAIN", "GOROOT", "GOPATH", "GOBIN", "GOPROXY", "GONOPROXY",
		"GOSUMDB", "GONOSUMDB", "GOPRIVATE", "GOINSECURE", "GOVCS", "GOWORK", "GOCACHEPROG",
		"GOAUTH", "GOEXPERIMENT", "GODEBUG", "CGO_*",
	}},
	// npm reads any npm_config_* (case-insensitively) as a config key, among them
	// script-shell and node-options.
	{Reader: "read by npm", Source: "npm-config(7), Environment Variables", Names: []string{"npm_config_*", "NPM_CONFIG_*"}},
	// .NET loads the assemblies DOTNET_STARTUP_HOOKS names before Main, and the
	// runtime loads the profiler DLL the CORECLR_* (.NET Core) or COR_* (.NET
	// Framework) variables name into every process; the _32, _64, _ARM32 and _ARM64
	// variants of the path are covered by the prefixes.
	{Reader: "read by .NET", Source: "Microsoft Learn: .NET environment variables (DOTNET_STARTUP_HOOKS); host startup hook design (docs/design/features/host-startup-hook.md)", Names: []string{
		"DOTNET_STARTUP_HOOKS",
	}},
	{Reader: "read by the .NET runtime", Source: "Microsoft Learn: Profiling overview, Loading a profiler (CORECLR_ENABLE_PROFILING, CORECLR_PROFILER, CORECLR_PROFILER_PATH[_32|_64])", Names: []string{
		"CORECLR_ENABLE_PROFILING", "CORECLR_PROFILER*",
	}},
	{Reader: "read by the .NET Framework", Source: "Microsoft Learn: Setting up a profiling environment (COR_ENABLE_PROFILING, COR_PROFILER, COR_PROFILER_PATH)", Names: []string{
		"COR_ENABLE_PROFILING", "COR_PROFILER*",
	}},
	// lua runs LUA_INIT (or LUA_INIT_5_4, ... for its version) as code, or the file
	// it names after "@", before the script; LUA_PATH and LUA_CPATH choose the modules
	// require loads.
	{Reader: "read by lua", Source: "lua(1), ENVIRONMENT VARIABLES; Lua 5.4 Reference Manual 6.3 (package.path)", Names: []string{
		"LUA_INIT*", "LUA_PATH*", "LUA_CPATH*",
	}},
	// php.ini sets auto_prepend_file, which runs a file before every script.
	{Reader: "read by php", Source: "PHP manual: The configuration file (PHPRC, PHP_INI_SCAN_DIR)", Names: []string{
		"PHPRC", "PHP_INI_SCAN_DIR",
	}},
	// R runs the R_PROFILE files as R code at start-up and reads R_ENVIRON's, which
	// can set R_PROFILE_USER in turn.
	{Reader: "read by R", Source: "R manual: Startup (?Startup: R_ENVIRON, R_ENVIRON_USER, R_PROFILE, R_PROFILE_USER)", Names: []string{
		"R_PROFILE", "R_PROFILE_USER", "R_ENVIRON", "R_ENVIRON_USER",
	}},
	// Any Electron app (VS Code, Slack, ...) then runs its first argument as a
	// node script, with none of its own checks.
	{Reader: "read by Electron", Source: "Electron docs: Environment Variables (ELECTRON_RUN_AS_NODE)", Names: []string{
		"ELECTRON_RUN_AS_NODE",
	}},
	// Toolkits and libraries that load the shared objects a variable points to
	// into every program that uses them.
	{Reader: "read by GTK", Source: "GTK 3 reference: Running GTK Applications, Environment variables (GTK_MODULES, GTK3_MODULES, GTK_PATH)", Names: []string{
		"GTK_MODULES", "GTK3_MODULES", "GTK_PATH",
	}},
	{Reader: "read by Qt", Source: "Qt documentation: How to Create Qt Plugins, Locating Plugins (QT_PLUGIN_PATH); Qt for Linux/X11 (QT_QPA_PLATFORM_PLUGIN_PATH)", Names: []string{
		"QT_PLUGIN_PATH", "QT_QPA_PLATFORM_PLUGIN_PATH",
	}},
	{Reader: "read by GStreamer", Source: "GStreamer docs: Running GStreamer Applications (GST_PLUGIN_PATH, GST_PLUGIN_SYSTEM_PATH, their _1_0 forms)", Names: []string{
		"GST_PLUGIN_PATH*", "GST_PLUGIN_SYSTEM_PATH*",
	}},
	{Reader: "read by GIO", Source: "GIO reference: Running GIO applications (GIO_MODULE_DIR, GIO_EXTRA_MODULES)", Names: []string{
		"GIO_MODULE_DIR", "GIO_EXTRA_MODULES",
	}},
	{Reader: "read by OpenSSL", Source: "openssl-env(7) (OPENSSL_CONF, OPENSSL_CONF_INCLUDE, OPENSSL_ENGINES, OPENSSL_MODULES)", Names: []string{
		"OPENSSL_CONF", "OPENSSL_CONF_INCLUDE", "OPENSSL_ENGINES", "OPENSSL_MODULES",
	}},
	// Tcl sources the pkgIndex.tcl of every directory TCLLIBPATH lists, and init.tcl
	// from TCL_LIBRARY.
	{Reader: "read by tcl", Source: "tclsh(1); library(n), tcl_pkgPath and TCLLIBPATH; tclvars(n), env(TCL_LIBRARY)", Names: []string{
		"TCLLIBPATH", "TCL_LIBRARY",
	}},
	// Emacs loads site-start.el and every library from these directories.
	{Reader: "read by emacs", Source: "GNU Emacs manual, General Variables (EMACSLOADPATH)", Names: []string{
		"EMACSLOADPATH",
	}},

	// Windows, where names are matched in any case (ComSpec is COMSPEC): the command
	// interpreter system() and .bat files run, what counts as a program, where the
	// system and PowerShell's modules are, and PowerShell's execution policy.
	{Reader: "read by Windows and its shells", Source: "Microsoft Learn: Recognized environment variables; about_Environment_Variables; about_Execution_Policies", Names: []string{
		"COMSPEC", "PATHEXT", "SYSTEMROOT", "WINDIR", "PSMODULEPATH", "PSEXECUTIONPOLICYPREFERENCE",
	}},
}

// Spared are names a prefix in Rules would catch that the program behind the
// prefix does not read, each with why it is safe to set.
var Spared = []struct{ Name, Why string }{
	// A convention of web frameworks (development/production), not one of
	// node's own variables; configs commonly set it.
	{"NODE_ENV", "a framework convention, not read by node itself (node(1) does not list it)"},
}
