package config

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/git-worktree-ports/git-worktree-ports/internal/envname"
)

// Source is a place a setting may be given; a Setting's Sources is a set of them.
type Source uint8

// The sources, from the weakest to the strongest: a flag beats the environment, which
// beats git config, which beats the committed file, which beats the default.
const (
	// FromFile is the committed config file (FileName), read by Load.
	FromFile Source = 1 << iota
	// FromGit is git config: the user's own, never a file of the working tree.
	FromGit
	// FromEnv is a GIT_WORKTREE_PORTS_* environment variable.
	FromEnv
	// FromFlag is a command-line flag.
	FromFlag
)

// The environment variables of the settings. They are constants, not only fields of
// the table, so that grep (and the man page's completeness test) finds them.
const (
	EnvLockTimeout      = "GIT_WORKTREE_PORTS_LOCK_TIMEOUT"
	EnvCrossRepo        = "GIT_WORKTREE_PORTS_CROSS_REPO"
	EnvCrossRepoTimeout = "GIT_WORKTREE_PORTS_CROSS_REPO_TIMEOUT"
	EnvVerbose          = "GIT_WORKTREE_PORTS_VERBOSE"
)

// DefaultLockTimeout is how long allocate waits for another allocation to finish.
// Allocation holds the lock for milliseconds, so ten seconds means something is wrong.
const DefaultLockTimeout = 10 * time.Second

// DefaultCrossRepoTimeout is how long allocation waits for any one other repository to
// answer (its `git worktree list`, the check that its directory exists, the reads of its
// reservations). Listing one takes a few milliseconds; one that takes seconds is on a
// hung network mount or a FIFO, and waiting for it would hold up every allocation on the
// machine.
const DefaultCrossRepoTimeout = 2 * time.Second

// Setting is one row of the table of settings: where it may be given, and what it
// means for the man page.
type Setting struct {
	// Key is the git config key as the user types it ("worktree-ports.lockTimeout");
	// "" when git config cannot set it.
	Key string
	// Env is the environment variable, "" when there is none.
	Env string
	// Flag is the flag's name without dashes ("range"), "" when there is none.
	Flag string
	// Sources is where it may come from. A source outside it is never read: allowEnv
	// and trustedPath come from the user's own git config alone.
	Sources Source
	// Multi says every git config value counts (git config --add), not only the last.
	Multi bool
	// Doc is the man page's CONFIGURATION entry for Key; one without shares the entry
	// of the setting before it in Settings. EnvDoc is the ENVIRONMENT entry for Env.
	Doc, EnvDoc string
}

// The settings: every worktree-ports.* key and GIT_WORKTREE_PORTS_* variable the tool
// reads. Settings lists them in the man page's order.
var (
	Range = &Setting{Key: "worktree-ports.range", Flag: "range", Sources: FromFile | FromGit | FromFlag,
		Doc: "Replace the file's `range` and `width`."}
	Width = &Setting{Key: "worktree-ports.width", Flag: "width", Sources: FromFile | FromGit | FromFlag}
	Avoid = &Setting{Key: "worktree-ports.avoid", Sources: FromFile | FromGit, Multi: true,
		Doc: "Ports and ranges, separated by commas or spaces, added to the file's `avoid`; may be\ngiven several times."}
	AllowEnvSetting = &Setting{Key: envname.GitKey, Sources: FromGit, Multi: true,
		Doc: "Env names, separated by commas or spaces, that you let through although they are\n" +
			"refused above: `git config --global --add worktree-ports.allowEnv HOSTNAME`. Only git\n" +
			"config can allow a name, never the committed file."}
	TrustedPath = &Setting{Key: "worktree-ports.trustedPath", Sources: FromGit, Multi: true,
		Doc: "A directory under which every repository's config is approved as it comes; may be given\n" +
			"several times; `~/` is your home: `git config --global --add worktree-ports.trustedPath ~/src`.\n" +
			"Only git config can set it, never a committed file."}
	LockTimeout = &Setting{Key: "worktree-ports.lockTimeout", Env: EnvLockTimeout, Sources: FromGit | FromEnv,
		Doc: "How long to wait for the repository lock and the per-user lock: a number of seconds,\n" +
			"or a duration such as `10s` or `1m`. Default `10s`.",
		EnvDoc: "How long to wait for a lock, as `worktree-ports.lockTimeout`, which it overrides."}
	CrossRepo = &Setting{Key: "worktree-ports.crossRepo", Env: EnvCrossRepo, Sources: FromGit | FromEnv,
		Doc: "`false` turns cross-repository awareness off: the per-user index, and treating the\n" +
			"reservations of other repositories on this machine as taken. Default `true`.",
		EnvDoc: "Cross-repository awareness on (`1`, `true`, `yes`, `on`) or off (`0`, `false`, `no`,\n`off`); it overrides `worktree-ports.crossRepo`."}
	CrossRepoTimeout = &Setting{Key: "worktree-ports.crossRepoTimeout", Env: EnvCrossRepoTimeout, Sources: FromGit | FromEnv,
		Doc: "How long to wait for any one other repository (its worktree list and its reservations)\n" +
			"before skipping it with a warning: seconds or a duration, as for `lockTimeout`. Default\n`2s`.",
		EnvDoc: "How long to wait for any one other repository, as `worktree-ports.crossRepoTimeout`,\nwhich it overrides."}
	Verbose = &Setting{Env: EnvVerbose, Flag: "verbose", Sources: FromEnv | FromFlag,
		EnvDoc: "Set to `1`, as `--verbose` for every command, the hook included: say on stderr, one line\n" +
			"each, when and why git was asked for something the tool reads from git's files itself\n" +
			"when it can be sure to read them as git does."}

	Settings = []*Setting{Range, Width, Avoid, AllowEnvSetting, TrustedPath, LockTimeout, CrossRepo, CrossRepoTimeout, Verbose}
)

// Pattern is the regular expression that asks git for s alone
// (`git config --get-regexp`), as git prints keys: lower-cased.
func (s *Setting) Pattern() string {
	return "^" + regexp.QuoteMeta(strings.ToLower(s.Key)) + "$"
}

// Inputs are what settings are resolved from: the flags given, the environment and
// the git config entries (`git config --get-regexp '^worktree-ports\.'`). No git runs.
type Inputs struct {
	// Flags holds each flag given, by name without dashes, as typed; a flag not given
	// is absent.
	Flags map[string]string
	// Getenv reads the environment; nil reads none.
	Getenv func(string) string
	// Git is the git config entries, in git's order.
	Git []Entry
}

// Value is the text that sets a setting and where it came from.
type Value struct {
	Text    string
	From    Source
	setting *Setting
}

// Origin names where v came from, as its errors do: "--range 1-2",
// "GIT_WORKTREE_PORTS_LOCK_TIMEOUT" or "git config worktree-ports.lockTimeout".
func (v Value) Origin() string {
	switch v.From {
	case FromFlag:
		return "--" + v.setting.Flag + " " + v.Text
	case FromEnv:
		return v.setting.Env
	default:
		return GitConfig + " " + v.setting.Key
	}
}

// Errorf returns the one error format of every setting: "ORIGIN: MSG", as an *Error
// whose File is GitConfig and Key the git key for git config, so that the config's
// own checks can blame it the same way.
func (v Value) Errorf(format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if v.From == FromGit {
		return &Error{File: GitConfig, Key: v.setting.Key, Msg: msg}
	}
	return &Error{File: v.Origin(), Msg: msg}
}

// Lookup returns the value that decides s, by the one precedence rule: a flag, then
// the environment, then git config, whose last entry wins as it does for git; each only
// where s.Sources allows it, and an empty flag or variable counts as unset. ok is false
// when none of them sets s: the file or the default decides.
func (in Inputs) Lookup(s *Setting) (v Value, ok bool) {
	if s.Sources&FromFlag != 0 && s.Flag != "" {
		if t, set := in.Flags[s.Flag]; set && t != "" {
			return Value{Text: t, From: FromFlag, setting: s}, true
		}
	}
	if s.Sources&FromEnv != 0 && s.Env != "" && in.Getenv != nil {
		if t := in.Getenv(s.Env); t != "" {
			return Value{Text: t, From: FromEnv, setting: s}, true
		}
	}
	if all := in.gitValues(s); len(all) > 0 {
		return all[len(all)-1], true
	}
	return Value{}, false
}

// All returns every git config value of a multi-valued setting (Setting.Multi), in
// git's order.
func (in Inputs) All(s *Setting) []Value {
	return in.gitValues(s)
}

func (in Inputs) gitValues(s *Setting) []Value {
	if s.Sources&FromGit == 0 || s.Key == "" {
		return nil
	}
	var out []Value
	for _, e := range in.Git {
		if strings.EqualFold(e.Key, s.Key) {
			out = append(out, Value{Text: e.Value, From: FromGit, setting: s})
		}
	}
	return out
}

// Duration resolves a duration setting (LockTimeout, CrossRepoTimeout): a number of
// seconds or a Go duration, never negative, and more than 0 when positive is set; def
// when nothing sets it.
func (in Inputs) Duration(s *Setting, def time.Duration, positive bool) (time.Duration, error) {
	v, ok := in.Lookup(s)
	if !ok {
		return def, nil
	}
	d, err := ParseDuration(v.Text)
	if err == nil && positive && d <= 0 {
		err = fmt.Errorf("%q: must be more than 0", v.Text)
	}
	if err != nil {
		return 0, v.Errorf("%v", err)
	}
	return d, nil
}

// Bool resolves a boolean setting (CrossRepo): git's booleans in any case,
// true/yes/on/1 and false/no/off/0; def when nothing sets it.
func (in Inputs) Bool(s *Setting, def bool) (bool, error) {
	v, ok := in.Lookup(s)
	if !ok {
		return def, nil
	}
	switch strings.ToLower(strings.TrimSpace(v.Text)) {
	case "1", "true", "yes", "on":
		return true, nil
	case "0", "false", "no", "off":
		return false, nil
	}
	return false, v.Errorf("%q is not a boolean (use 1, true, yes, on, 0, false, no or off)", v.Text)
}

// On resolves a switch (Verbose): on when its flag is given or its variable is "1".
func (in Inputs) On(s *Setting) bool {
	v, ok := in.Lookup(s)
	return ok && (v.From == FromFlag || v.Text == "1")
}

// Words returns the items of every git config value of a multi-valued setting, each
// value a comma- or space-separated list, with the value each came from.
func (in Inputs) Words(s *Setting) (words []string, from []Value) {
	for _, v := range in.All(s) {
		for _, w := range strings.FieldsFunc(v.Text, func(r rune) bool {
			return r == ',' || r == ' ' || r == '\t'
		}) {
			words, from = append(words, w), append(from, v)
		}
	}
	return words, from
}

// ParseDuration reads a timeout: a non-negative number of seconds ("1.5") or Go
// duration ("500ms").
func ParseDuration(v string) (time.Duration, error) {
	if n, err := strconv.ParseFloat(v, 64); err == nil && n >= 0 {
		return time.Duration(n * float64(time.Second)), nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%q is not a duration (use 10s, 1m or a number of seconds)", v)
	}
	return d, nil
}
