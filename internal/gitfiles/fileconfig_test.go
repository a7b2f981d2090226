package gitfiles

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
	goconfig "github.com/go-git/go-git/v5/plumbing/format/config"
)

// configZ writes entries the way `git config -z --list` does: the key, then "\n" and
// the value when there is one, then NUL.
func configZ(entries []fileEntry) []byte {
	var b bytes.Buffer
	for _, e := range entries {
		b.WriteString(e.key)
		if e.hasValue {
			b.WriteByte('\n')
			b.WriteString(e.value)
		}
		b.WriteByte(0)
	}
	return b.Bytes()
}

// configSyntax is one config file per case, each read by git and by parseConfig.
// gogit says how go-git's decoder differs from git on it, where it does ("" where it
// agrees or refuses the file too).
// refused says why parseConfig refuses a file git reads ("" where it reads it).
var configSyntax = []struct {
	name, in string
	gogit    string
	refused  string
}{
	{"plain", "[core]\n\tbare = false\n\thooksPath = .husky/_\n", "", ""},
	{"case", "[Core]\n\tBare=TRUE\n[Remote \"Origin\"]\n\tURL = x\n", "", ""},
	{"subsections", "[s]\nk = 1\n[s \"sub\"]\nk = 2\n[s \"Sub\"]\nk = 3\n[s \"\"]\nk = 4\n", "refuses an empty subsection", ""},
	{"legacy subsection", "[remote.Origin]\nurl = x\n", "refuses [remote.Origin]", ""},
	{"subsection escapes", "[a \"b\\\"c\\\\d\\e f\"]\nk=v\n", "refuses \\e", ""},
	{"entry after header on one line", "[a] k = v\n[b]k\n", "refuses an entry on the header's line", ""},
	{"comments", "# c\n; c\n[a] ; c\n\tk = v ; c\n\tl = v # c\n\tm = \"q ; # in quotes\" # c\n", "", ""},
	{"continuation", "[a]\nk = one \\\n   two\n", "keeps the newline and the indentation of a continued line", ""},
	{"escapes", "[a]\nk = tab\\there\\nnewline \\b \\\\ \\\"\n", "", ""},
	{"quotes joined", "[a]\nk = \"a\"\"b\" c\"  d  \"e\n", "", ""},
	{"inner white space folds", "[a]\n  k  =   spaced \t  out   value   \n", "keeps a tab", ""},
	{"leading white space kept in quotes", "[a]\nk = \"  lead\"  \n", "", ""},
	{"implicit true and empty", "[a]\nk\nl =\nm =   \n", "reads k as \"\", not as a key with no value", ""},
	{"CRLF", "[a]\r\nk = x\r\nl = \"y\"\r\n", "", ""},
	{"lone CR", "[a]\nk = x\ry\n", "drops a carriage return", ""},
	{"byte order mark", "\xef\xbb\xbf[a]\nk = v\n", "refuses a byte order mark", ""},
	{"no final newline", "[a]\nk = v", "", ""},
	{"backslash at the end", "[a]\nk = v\\", "refuses a backslash at the end of the file", ""},
	{"dashes and digits", "[a-1]\nk-2 = v\n", "", ""},
	{"unicode", "[a \"ünï\"]\nk = 日本 \"é\"\n", "", ""},
	{"empty", "", "", ""},
	{"only comments", "# nothing\n\n   \t\n", "", ""},
	{"odd but valid subsection header", "[ \"b\"]\nk = 1\n", "refuses it", ""},
	{"bad escape", "[a]\nk = bad\\q\n", "", ""},
	{"unterminated quote", "[a]\nk = \"open\n", "", ""},
	{"comment after a bare key", "[a]\nk # c\n", "", ""},
	{"underscore in key", "[a]\nk_x = 1\n", "", ""},
	{"key starts with a digit", "[a]\n1k = 1\n", "", ""},
	{"empty section", "[]\nk = 1\n", "", ""},
	{"junk after subsection", "[a \"b\"c]\nk = 1\n", "", ""},
	{"unterminated header", "[a\nk = 1\n", "", ""},
	{"newline in subsection", "[a \"b\nc\"]\nk = 1\n", "", ""},
	{"key before any section", "k = 1\n", "", "refused (git reads a key with no section)"},
	{"partial byte order mark", "\xef\xbb[a]\nk = v\n", "", ""},
	{"NUL", "[a]\nk = a\x00b\n", "", "refused (git prints the value cut short)"},
}

// TestConfigParserAgreesWithGit holds parseConfig to git's own parser (`git config -f
// FILE -z --list`): where git reads a file, parseConfig reads the same entries or
// refuses it; where git refuses one, parseConfig refuses it too.
func TestConfigParserAgreesWithGit(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	for i, tt := range configSyntax {
		path := s.Path("cfg", strings.ReplaceAll(tt.name, " ", "-"))
		s.Write(path, tt.in)
		out, code := s.Try(s.Root, "config", "-f", path, "-z", "--list")
		got, err := parseConfig([]byte(tt.in))
		switch {
		case code != 0 && err == nil:
			t.Errorf("%d %s: git refuses %q, parseConfig read %q", i, tt.name, tt.in, configZ(got))
		case code == 0 && err == nil && !bytes.Equal(configZ(got), []byte(out)):
			t.Errorf("%d %s: %q\nparseConfig %q\n        git %q", i, tt.name, tt.in, configZ(got), out)
		case code == 0 && err == nil && tt.refused != "":
			t.Errorf("%d %s: parseConfig reads it now; drop %q", i, tt.name, tt.refused)
		case code == 0 && err != nil && tt.refused == "":
			t.Errorf("%d %s: git reads %q as %q, parseConfig refuses it: %v", i, tt.name, tt.in, out, err)
		}
	}
}

// TestConfigParserAgreesWithGoGit compares parseConfig with go-git's decoder, which the
// project would have used but for what it costs at start-up: they agree wherever go-git
// reads the file as git does, and each difference is one listed in configSyntax.
func TestConfigParserAgreesWithGoGit(t *testing.T) {
	t.Parallel()
	for _, tt := range configSyntax {
		ours, err := parseConfig([]byte(tt.in))
		if err != nil {
			continue
		}
		cfg := goconfig.New()
		if err := goconfig.NewDecoder(strings.NewReader(tt.in)).Decode(cfg); err != nil {
			if tt.gogit == "" {
				t.Errorf("%s: go-git refuses %q (%v), git reads it; list the difference", tt.name, tt.in, err)
			}
			continue
		}
		var theirs []string
		for _, sec := range cfg.Sections {
			for _, o := range sec.Options {
				theirs = append(theirs, strings.ToLower(sec.Name)+"."+strings.ToLower(o.Key)+"="+o.Value)
			}
			for _, sub := range sec.Subsections {
				for _, o := range sub.Options {
					theirs = append(theirs, strings.ToLower(sec.Name)+"."+sub.Name+"."+strings.ToLower(o.Key)+"="+o.Value)
				}
			}
		}
		// go-git groups the entries by section; git keeps the file's order.
		var mine []string
		for _, sec := range cfg.Sections {
			for _, e := range ours {
				if k, _, _ := strings.Cut(e.key, "."); k == strings.ToLower(sec.Name) && strings.Count(e.key, ".") == 1 {
					mine = append(mine, e.key+"="+e.value)
				}
			}
			for _, sub := range sec.Subsections {
				for _, e := range ours {
					if strings.HasPrefix(e.key, strings.ToLower(sec.Name)+"."+sub.Name+".") && !strings.Contains(strings.TrimPrefix(e.key, strings.ToLower(sec.Name)+"."+sub.Name+"."), ".") {
						mine = append(mine, e.key+"="+e.value)
					}
				}
			}
		}
		agree := reflect.DeepEqual(theirs, mine) && len(mine) == len(ours)
		implicit := false
		for _, e := range ours {
			implicit = implicit || !e.hasValue
		}
		switch {
		case agree && implicit && tt.gogit == "":
			t.Errorf("%s: go-git cannot tell an implicit true from an empty value; list it", tt.name)
		case agree && !implicit && tt.gogit != "":
			t.Errorf("%s: go-git agrees now (%q); drop the listed difference %q", tt.name, theirs, tt.gogit)
		case !agree && tt.gogit == "":
			t.Errorf("%s: %q\n go-git %q\n   ours %q", tt.name, tt.in, theirs, mine)
		}
	}
}

// TestFilesConfigAgreesWithGit reads the whole chain (system, XDG, global, local and
// worktree files) from each place git may run and compares it with `git config -z
// --list` there, and the tool's own selections with Git.Config.
func TestFilesConfigAgreesWithGit(t *testing.T) {
	t.Parallel()
	s := newDiff(t)
	m := s.Repo("main")
	s.Git(m, "worktree", "add", "-q", "../b")
	s.Git(m, "remote", "add", "origin", "git@example.com:Acme/API.git")
	s.Git(m, "config", "worktree-ports.range", "30000-30999")
	s.Git(m, "config", "Worktree-Ports.services", "api web")
	s.Git(m, "config", "worktree-ports.flag", "")
	s.Write(filepath.Join(m, ".git", "config"), readFile(t, filepath.Join(m, ".git", "config"))+"[worktree-ports]\n\timplicit\n[remote \"Origin\"]\n\turl = not-origin\n")
	system := s.Path("etc", "gitconfig")
	s.Write(system, "[core]\n\thooksPath = /etc/hooks\n[safe]\n\tdirectory = *\n")
	home := s.Path(".home")
	s.Write(filepath.Join(home, ".config", "git", "config"), "[worktree-ports]\n\tcrossRepo = 0\n")
	s.Write(filepath.Join(home, ".gitconfig"), "[init]\n\tdefaultBranch = main\n[worktree-ports]\n\tcrossRepo = 1\n")

	var base []string
	for _, kv := range s.Env {
		if !strings.HasPrefix(kv, "GIT_CONFIG_") {
			base = append(base, kv)
		}
	}
	envs := map[string][]string{
		"system and both global files": append(base[:len(base):len(base)], "GIT_CONFIG_SYSTEM="+system),
		"GIT_CONFIG_GLOBAL":            append(base[:len(base):len(base)], "GIT_CONFIG_SYSTEM="+system, "GIT_CONFIG_GLOBAL="+filepath.Join(home, ".gitconfig")),
		"no system":                    append(base[:len(base):len(base)], "GIT_CONFIG_NOSYSTEM=1"),
		"XDG_CONFIG_HOME":              append(base[:len(base):len(base)], "GIT_CONFIG_NOSYSTEM=true", "XDG_CONFIG_HOME="+s.Path("xdg")),
	}
	s.Write(s.Path("xdg", "git", "config"), "[worktree-ports]\n\txdg = yes\n")
	check := func(what string, dirs ...string) {
		t.Helper()
		for name, env := range envs {
			for _, dir := range dirs {
				want, code := s.tryEnv(env, dir, "config", "-z", "--list")
				if code != 0 {
					t.Fatalf("%s, %s: git config --list from %s: exit %d", what, name, dir, code)
				}
				got, err := Files{Loc: s.where(dir), Env: env}.Config()
				if err != nil {
					t.Errorf("%s, %s, from %s: %v", what, name, dir, err)
					continue
				}
				if !reflect.DeepEqual(got, gitwt.ParseConfigZ([]byte(want))) {
					t.Errorf("%s, %s, from %s:\nFiles %q\n  git %q", what, name, dir, got, gitwt.ParseConfigZ([]byte(want)))
				}
				for _, re := range []string{`^(worktree-ports\.|remote\.origin\.url$)`, `^worktree-ports\.allowenv$`, `^core\.hookspath$`} {
					wantSel, err := gitwt.Git{Dir: dir, Env: env}.Config(context.Background(), re)
					if err != nil {
						t.Fatal(err)
					}
					gotSel, err := MatchConfig(got, re)
					if err != nil || !reflect.DeepEqual(gotSel, wantSel) {
						t.Errorf("%s, %s, from %s, %s: %q, %v; git %q", what, name, dir, re, gotSel, err, wantSel)
					}
				}
			}
		}
	}
	check("plain", m, filepath.Join(m, ".git"), s.Path("b"))

	// worktreeConfig: each worktree reads its own config.worktree.
	s.Git(s.Path("b"), "sparse-checkout", "init", "--cone")
	s.Git(s.Path("b"), "config", "--worktree", "worktree-ports.range", "31000-31999")
	s.Git(m, "config", "--worktree", "worktree-ports.range", "32000-32999")
	check("worktreeConfig", m, filepath.Join(m, ".git"), s.Path("b"))

	// git -c, as git passes it to its children (hooks among them): the last file of the
	// chain. git itself writes the variable, through an alias that prints it.
	params, code := s.Try(m, "-c", "alias.params=!printenv GIT_CONFIG_PARAMETERS", "-c", "worktree-ports.range=33000-33999",
		"-c", "Remote.origin.URL=git@example.com:x/y.git", "-c", "Sub.With Space.And.Dots.KEY=it's a \"value\"\n!",
		"-c", "worktree-ports.implicit", "-c", "worktree-ports.empty=", "-c", "core.hooksPath=/x", "params")
	if code != 0 {
		t.Fatalf("printing GIT_CONFIG_PARAMETERS: exit %d", code)
	}
	params = strings.TrimSuffix(params, "\n")
	envs = map[string][]string{
		"git -c":                      append(base[:len(base):len(base)], "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_PARAMETERS="+params),
		"git -c, old style":           append(base[:len(base):len(base)], "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_PARAMETERS='a.b=c d' 'a.e' 'X.y.Z= v'\t'a.f'= "),
		"empty GIT_CONFIG_PARAMETERS": append(base[:len(base):len(base)], "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_PARAMETERS="),
	}
	check("git -c", m, filepath.Join(m, ".git"), s.Path("b"))

	// Includes are left to git, and so are git -c keys that change what git reads, and a
	// GIT_CONFIG_PARAMETERS git would not read.
	s.Write(filepath.Join(home, ".gitconfig"), "[include]\n\tpath = other\n")
	if _, err := (Files{Loc: s.where(m), Env: append(base[:len(base):len(base)], "GIT_CONFIG_NOSYSTEM=1")}).Config(); !errors.Is(err, ErrUseGit) || !strings.Contains(err.Error(), "include") {
		t.Errorf("include: %v, want a fallback", err)
	}
	for _, v := range []string{"'core.bare'='true'", "'include.path'='/x'", "'Extensions.worktreeConfig'", "'safe.directory'='*'",
		"'a.b'='c", "'a.b'x", "a.b=c", "'nosection'='x'", "'a.1b'='x'", "''='x'", "'a.b'='c''d'"} {
		env := append(base[:len(base):len(base)], "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_PARAMETERS="+v)
		if got, err := (Files{Loc: s.where(m), Env: env}).Config(); !errors.Is(err, ErrUseGit) {
			t.Errorf("GIT_CONFIG_PARAMETERS=%s: %q, %v; want a fallback", v, got, err)
		}
	}
}

// tryEnv runs git in dir with env and returns stdout and the exit code.
func (s *sandbox) tryEnv(env []string, dir string, args ...string) (string, int) {
	s.t.Helper()
	saved := s.Env
	s.Env = env
	defer func() { s.Env = saved }()
	return s.Try(dir, args...)
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestGitBool(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		v        string
		has      bool
		want, ok bool
	}{
		{"", false, true, true}, {"", true, false, true}, {"TRUE", true, true, true}, {"yes", true, true, true},
		{"On", true, true, true}, {"off", true, false, true}, {"No", true, false, true}, {"false", true, false, true},
		{"0", true, false, true}, {"2", true, true, true}, {"-1", true, true, true}, {"1k", true, true, true},
		{"4294967296", true, false, false}, {"99999999999999999999", true, false, false}, {"08", true, false, false},
		{"maybe", true, false, false}, {" true", true, false, false},
	} {
		got, ok := gitBool(tt.v, tt.has)
		if got != tt.want || ok != tt.ok {
			t.Errorf("gitBool(%q, %v) = %v, %v; want %v, %v", tt.v, tt.has, got, ok, tt.want, tt.ok)
		}
	}
}

// TestGitBoolAgreesWithGit holds gitBool to `git config --type=bool`, which parses with
// git_config_bool as the repository's setup does: where gitBool reads a value, git reads
// the same; where git refuses one (a number out of int's range among them), gitBool does
// not read it.
func TestGitBoolAgreesWithGit(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	file := s.Path("bools.config")
	for _, v := range []string{
		"", "true", "FALSE", "yes", "0", "1", "-1", "+1", "2147483647", "2147483648", "-2147483647",
		"-2147483648", "4294967296", "99999999999999999999", "1k", "2K", "2097151k", "2097152k",
		"2048m", "1g", "2g", "08", "010", "0x10", "1.5", "1kk", "k", "-", "+-1", "maybe", "0 ",
	} {
		s.Write(file, "[x]\n\tv = \""+v+"\"\n")
		out, code := s.Try(s.Root, "config", "-f", file, "--type=bool", "--get", "x.v")
		got, ok := gitBool(v, true)
		switch {
		case ok && code != 0:
			t.Errorf("gitBool(%q) = %v where git refuses it", v, got)
		case ok && trimNL(out) != strconv.FormatBool(got):
			t.Errorf("gitBool(%q) = %v, git %q", v, got, out)
		case !ok && code == 0 && (v == "2147483647" || v == "1k" || v == "2097151k" || v == "1g" || v == "+1"):
			t.Errorf("gitBool(%q) refused what git reads as %q", v, out)
		}
	}
}

func TestValidRefName(t *testing.T) {
	t.Parallel()
	for ref, want := range map[string]bool{
		"refs/heads/main": true, "refs/heads/feature/x-1": true, "refs/heads/ünï": true, "refs/heads/a.b": true,
		"refs/heads/a..b": false, "refs/heads/.a": false, "refs/heads/a.lock": false, "refs/heads/a/": false,
		"refs/heads/a.": false, "refs/heads//a": false, "refs/heads/a b": false, "refs/heads/a~1": false,
		"refs/heads/a^": false, "refs/heads/a:b": false, "refs/heads/a?": false, "refs/heads/a*": false,
		"refs/heads/a[": false, "refs/heads/a\\b": false, "refs/heads/a@{1}": false, "refs/heads/a\x7f": false,
		"refs/heads/a\tb": false, "@": false, "": false, "refs/heads/@": true,
	} {
		if got := validRefName(ref); got != want {
			t.Errorf("validRefName(%q) = %v, want %v", ref, got, want)
		}
	}
}

// FuzzConfigParametersAgainstGit holds the reading of GIT_CONFIG_PARAMETERS (`git -c`)
// to git's: where git refuses it, Files must fall back; where Files reads it, the chain
// must be what `git config --list` prints. git runs once per input.
func FuzzConfigParametersAgainstGit(f *testing.F) {
	if _, err := exec.LookPath("git"); err != nil {
		f.Skip("git not installed")
	}
	for _, seed := range []string{"", "'a.b'='c'", "'a.b'=", "'a.b=c'", "'A.Sub.B'='x' 'c.d'='y'", "'a.b'='it'\\''s'",
		"'a.b'='x'\\!'y'", " 'a.b'='c' ", "'a.b'='c'x", "'a.b", "'core.bare'='true'", "'a.b'\t'c.d'"} {
		f.Add(seed)
	}
	dir := f.TempDir()
	m := filepath.Join(dir, "m")
	cmd := exec.Command("git", "init", "-q", m)
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		f.Fatalf("git init: %v\n%s", err, out)
	}
	common := filepath.Join(m, ".git")
	f.Fuzz(func(t *testing.T, params string) {
		if strings.IndexByte(params, 0) >= 0 {
			return // not a possible environment
		}
		env := []string{"GIT_CONFIG_NOSYSTEM=1", "HOME=" + dir, "PATH=" + os.Getenv("PATH"), "GIT_CONFIG_PARAMETERS=" + params}
		got, err := Files{Loc: gitwt.Location{CommonDir: common}, Env: env}.Config()
		if err != nil && !errors.Is(err, ErrUseGit) {
			t.Fatalf("Files failed without falling back: %v", err)
		}
		cmd := exec.Command("git", "config", "-z", "--list")
		cmd.Dir, cmd.Env = common, env
		out, gitErr := cmd.Output()
		switch {
		case gitErr != nil && err == nil:
			t.Fatalf("GIT_CONFIG_PARAMETERS=%q: git refuses it (%v), Files read %q", params, gitErr, got)
		case err == nil && !reflect.DeepEqual(got, gitwt.ParseConfigZ(out)):
			t.Fatalf("GIT_CONFIG_PARAMETERS=%q:\nFiles %q\n  git %q", params, got, gitwt.ParseConfigZ(out))
		}
	})
}

// FuzzConfigAgainstGit holds parseConfig to git's parser on arbitrary files: where git
// refuses a file, parseConfig must too; where git reads one, parseConfig reads the same
// entries, or refuses it only for what it leaves to git on purpose (a NUL byte, an entry
// before any section). git runs once per input.
func FuzzConfigAgainstGit(f *testing.F) {
	if _, err := exec.LookPath("git"); err != nil {
		f.Skip("git not installed")
	}
	for _, tt := range configSyntax {
		f.Add([]byte(tt.in))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "config")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("git", "config", "-f", path, "-z", "--list")
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir)
		out, gitErr := cmd.Output()
		got, err := parseConfig(data)
		switch {
		case gitErr != nil && err == nil:
			t.Fatalf("git refuses %q (%v), parseConfig read %q", data, gitErr, configZ(got))
		case gitErr == nil && err == nil && !bytes.Equal(configZ(got), out):
			t.Fatalf("%q:\nparseConfig %q\n        git %q", data, configZ(got), out)
		case gitErr == nil && err != nil && !bytes.Contains(data, []byte{0}) && !strings.Contains(err.Error(), "before any section"):
			t.Fatalf("git reads %q as %q, parseConfig refuses it: %v", data, out, err)
		}
	})
}

// FuzzGitBoolAgainstGit holds gitBool to `git config --type=bool` (git_config_bool) for
// any value: where gitBool reads one, git must read the same; where git refuses it,
// gitBool must not read it. git runs once per input.
func FuzzGitBoolAgainstGit(f *testing.F) {
	if _, err := exec.LookPath("git"); err != nil {
		f.Skip("git not installed")
	}
	for _, v := range []string{"true", "0", "-1", "2147483647", "2147483648", "1k", "2097152k", "08", "0x1", " 1", "maybe"} {
		f.Add(v)
	}
	dir := f.TempDir()
	env := []string{"GIT_CONFIG_NOSYSTEM=1", "HOME=" + dir, "PATH=" + os.Getenv("PATH")}
	f.Fuzz(func(t *testing.T, v string) {
		if strings.ContainsAny(v, "\x00\n\r\"\\") {
			return // not one value of one line, as written below
		}
		path := filepath.Join(dir, "config")
		if err := os.WriteFile(path, []byte("[x]\n\tv = \""+v+"\"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		got, ok := gitBool(v, true)
		if !ok {
			return
		}
		cmd := exec.Command("git", "config", "-f", path, "--type=bool", "--get", "x.v")
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.Output()
		switch {
		case err != nil:
			t.Fatalf("gitBool(%q) = %v where git refuses it: %v", v, got, err)
		case trimNL(string(out)) != strconv.FormatBool(got):
			t.Fatalf("gitBool(%q) = %v, git %q", v, got, out)
		}
	})
}

// TestFilesSystemConfigUnderGit reads the config chain in the environment git gives the
// programs it runs (`git worktree-ports`, every hook): its exec path first on PATH and
// in GIT_EXEC_PATH, the system config in play. A distribution's git is found there as
// /usr/lib/git-core/git or /usr/libexec/git-core/git, so the reader must know its system
// config as git does, and read what `git config --show-origin --list` lists.
func TestFilesSystemConfigUnderGit(t *testing.T) {
	t.Parallel()
	s := newDiff(t)
	m := s.Repo("main")
	s.Git(m, "config", "worktree-ports.range", "30000-30999")
	var base []string
	for _, kv := range s.Env {
		if !strings.HasPrefix(kv, "GIT_CONFIG_") {
			base = append(base, kv)
		}
	}
	// git itself says what its children get, through an alias that prints it.
	out, code := s.tryEnv(base, m, "-c", "alias.gwpenv=!env -0", "gwpenv")
	if code != 0 {
		t.Fatalf("printing git's environment: exit %d", code)
	}
	var env []string
	for _, kv := range strings.Split(strings.TrimSuffix(out, "\x00"), "\x00") {
		if !strings.HasPrefix(kv, "GIT_DIR=") && !strings.HasPrefix(kv, "GIT_PREFIX=") && !strings.HasPrefix(kv, "GIT_CONFIG_PARAMETERS=") {
			env = append(env, kv)
		}
	}
	execPath, _ := (&Files{Env: env}).getenv("GIT_EXEC_PATH")
	if real, err := filepath.EvalSymlinks(filepath.Join(execPath, "git")); err != nil || (real != "/usr/lib/git-core/git" && real != "/usr/libexec/git-core/git") {
		t.Skipf("git's exec path %q holds no git installed with prefix=/usr (%v)", execPath, err)
	}
	got, err := Files{Loc: s.where(m), Env: env}.Config()
	if err != nil {
		t.Fatalf("under git (GIT_EXEC_PATH=%s), the config chain is left to git: %v", execPath, err)
	}
	want, code := s.tryEnv(env, m, "config", "-z", "--list")
	if code != 0 {
		t.Fatalf("git config --list: exit %d", code)
	}
	if !reflect.DeepEqual(got, gitwt.ParseConfigZ([]byte(want))) {
		t.Errorf("under git:\nFiles %q\n  git %q", got, gitwt.ParseConfigZ([]byte(want)))
	}
	// Every file git read is one the reader reads: /etc/gitconfig among them, if it exists.
	files, err := (&Files{Loc: s.where(m), Env: env}).userConfigFiles()
	if err != nil {
		t.Fatal(err)
	}
	origins, code := s.tryEnv(env, m, "config", "-z", "--show-origin", "--list")
	if code != 0 {
		t.Fatalf("git config --show-origin --list: exit %d", code)
	}
	fields := strings.Split(origins, "\x00")
	for i := 0; i+1 < len(fields); i += 2 {
		origin, ok := strings.CutPrefix(fields[i], "file:")
		if !ok || !filepath.IsAbs(origin) || strings.HasPrefix(origin, m) {
			continue // the repository's own files, read from its location
		}
		if !slices.Contains(files, origin) {
			t.Errorf("git read %s (%q); the reader reads only %q", origin, fields[i+1], files)
		}
	}
}

// TestUsrGit lists where a git built with prefix=/usr is found: its bin directory, or its
// exec path.
func TestUsrGit(t *testing.T) {
	t.Parallel()
	for path, want := range map[string]bool{
		"/usr/bin/git": true, "/bin/git": true,
		"/usr/lib/git-core/git": true, "/usr/libexec/git-core/git": true, "/lib/git-core/git": true,
		"/usr/local/bin/git": false, "/usr/local/libexec/git-core/git": false, "/opt/git/bin/git": false,
		"/usr/lib/git-core/git-upload-pack": false, "/home/u/bin/git": false, "/usr/lib/git/git": false,
	} {
		if got := usrGit(path); got != want {
			t.Errorf("usrGit(%q) = %v, want %v", path, got, want)
		}
	}
}
