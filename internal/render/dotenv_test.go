package render

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	composedotenv "github.com/compose-spec/compose-go/v2/dotenv"
	"github.com/docker/cli/pkg/kvfile"
)

// The dotenv tests write one file with every value dotenv carries and have each
// real reader read it back: docker compose's parser, docker's env-file parser,
// direnv's dotenv, python-dotenv, sh's `set -a; . FILE` and systemd's
// environment-file parser. Every reader must see exactly the values given
// (docker: exactly the bare ones, and quoted ones with their quotes).
//
// Each reader runs in an environment where HOME and X are set, so a value that
// got expanded ($HOME, ${X}) would come back changed.

// dotenvBareRE restates, independently of render.go, which values dotenv
// writes without quotes.
var dotenvBareRE = regexp.MustCompile(`^[A-Za-z0-9_.,:/@%+=-]*$`)

// dotenvCarries restates which values dotenv accepts.
func dotenvCarries(v string) bool {
	if dotenvBareRE.MatchString(v) {
		return true
	}
	return utf8.ValidString(v) && !strings.ContainsAny(v, "'\r\n\x00") &&
		!strings.HasSuffix(v, `\`) && !strings.Contains(v, `\\`) &&
		!strings.Contains(v, "${") && !hasNoncharacter(v)
}

func hasNoncharacter(v string) bool {
	for _, r := range v {
		if r >= 0xFDD0 && r <= 0xFDEF || r&0xFFFE == 0xFFFE {
			return true
		}
	}
	return false
}

// dotenvProbes are values aimed at one reader's rules or another's: every
// printable ASCII character alone, inside a word, leading and trailing, and
// the sequences some reader treats specially.
func dotenvProbes() []string {
	probes := append([]string(nil), nastyValues...)
	for c := byte(' '); c <= '~'; c++ {
		s := string(c)
		probes = append(probes, s, "a"+s+"b", s+"a", "a"+s)
	}
	return append(probes,
		"a b", "a #b", "a#b", "a # b", "a\t#b", " ", "  ",
		"$X", "${X}", "${X:-d}", "$$", `\$X`, "$", "a$", "${", "${X", "$(X)",
		`a\b`, `\a`, `a\nb`, `a\tb`, `a\"b`, `a\\b`, `\\`, `a\`, `a\ `,
		"~", "~/x", "a:~", "a=~", "=a", "a=", "==", ":", "a:b", "a: b", "export",
		"0", "-1", "1e3", "http://localhost:21340/api", "user@host:5432/db", "a,b",
		"shop-feature-x", "Shop.Feature_X", "100%", "a+b=c",
		"\t", "\ta", "a\t", "\x01\x1b[31m\x7f", "\v\f",
		"é", "héllo ☃ 𝄞", "\u200b", "\u2028", "\ufeff", "\ufeffa", "a\u00a0", "\u0085",
		"\ufdd0", "a\ufffe", "\U0010ffff", "\uffff",
		"''", `""`, `"a"`, "'a'", "`id`", "a'", "a\"",
	)
}

// dotenvCase renders every probe into one file and returns the path and the
// variables Render wrote, which the readers must read back. It also checks
// that Render refused exactly what dotenvCarries says it cannot carry.
func dotenvCase(t *testing.T) ([]Var, string) {
	t.Helper()
	var all []Var
	seen := map[string]bool{}
	for _, v := range dotenvProbes() {
		if !seen[v] {
			seen[v] = true
			all = append(all, Var{fmt.Sprintf("V%d", len(all)), v})
		}
	}
	var out bytes.Buffer
	err := Render(&out, "dotenv", all)
	refused := map[string]bool{}
	if r, ok := err.(Refused); ok {
		for _, e := range r {
			refused[e.Name] = true
		}
	} else if err != nil {
		t.Fatal(err)
	}
	var written []Var
	for _, v := range all {
		if refused[v.Name] == dotenvCarries(v.Value) {
			t.Errorf("dotenv refused=%v for %q, want %v", refused[v.Name], v.Value, !dotenvCarries(v.Value))
		}
		if !refused[v.Name] {
			written = append(written, v)
		}
	}
	path := filepath.Join(t.TempDir(), "test.env")
	if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return written, path
}

// readerEnv is the environment readers run in. X and HOME are set so that an
// expansion shows up as a changed value.
func readerEnv(dir string) []string {
	return []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + dir,
		"X=EXPANDED",
		"LC_ALL=C.UTF-8",
		"PYTHONIOENCODING=utf-8",
		"XDG_CONFIG_HOME=" + filepath.Join(dir, ".config"),
		"XDG_DATA_HOME=" + filepath.Join(dir, ".local", "share"),
		"XDG_CACHE_HOME=" + filepath.Join(dir, ".cache"),
	}
}

// runReader runs argv in the file's directory and returns its stdout; a
// failure or anything on stderr fails the test.
func runReader(t *testing.T, dir string, argv ...string) []byte {
	t.Helper()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = readerEnv(dir)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil || stderr.Len() > 0 {
		t.Fatalf("%q: %v\nstderr: %s", argv, err, stderr.Bytes())
	}
	return stdout.Bytes()
}

// parseEnv0 reads `env -0` output.
func parseEnv0(t *testing.T, out []byte) map[string]string {
	t.Helper()
	got := map[string]string{}
	for _, kv := range strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			t.Fatalf("env -0 printed %q", kv)
		}
		got[k] = v
	}
	return got
}

// compareRead checks that a reader saw every variable as want says.
func compareRead(t *testing.T, reader string, vars []Var, got map[string]string, want func(Var) string) {
	t.Helper()
	bad := 0
	for _, v := range vars {
		g, ok := got[v.Name]
		if w := want(v); !ok || g != w {
			if bad++; bad <= 20 {
				t.Errorf("%s read %s=%q, want %q (set: %v)", reader, v.Name, g, w, ok)
			}
		}
	}
}

func same(v Var) string { return v.Value }

func TestDotenvDockerCompose(t *testing.T) {
	vars, path := dotenvCase(t)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// What `docker compose` reads a .env file with (compose-go's dotenv, the
	// parser behind --env-file and env_file:). The lookup answers for every
	// name, so any interpolation shows.
	got, err := composedotenv.ParseWithLookup(bytes.NewReader(data), func(string) (string, bool) { return "EXPANDED", true })
	if err != nil {
		t.Fatalf("compose-go: %v\n%s", err, data)
	}
	compareRead(t, "docker compose", vars, got, same)
}

func TestDotenvDockerEnvFile(t *testing.T) {
	vars, path := dotenvCase(t)
	// docker run --env-file: the docker CLI's opts.ParseEnvFile is
	// kvfile.Parse(file, os.LookupEnv). It keeps everything after the first =
	// as it is, quotes included; that is why dotenv writes bare what it can.
	lines, err := kvfile.Parse(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, l := range lines {
		k, v, _ := strings.Cut(l, "=")
		got[k] = v
	}
	compareRead(t, "docker --env-file", vars, got, func(v Var) string {
		if dotenvBareRE.MatchString(v.Value) {
			return v.Value
		}
		return "'" + v.Value + "'"
	})
	// The values the tool writes itself are always bare, so docker reads them
	// as they are.
	for _, v := range []string{"21340", "http://localhost:21340/api", "shop-feature-x", "/home/me/src/shop-wt", "3"} {
		if !dotenvBareRE.MatchString(v) {
			t.Errorf("%q would reach docker with its quotes", v)
		}
	}
}

func TestDotenvDirenv(t *testing.T) {
	direnv := needShell(t, "direnv")
	bash := needShell(t, "bash")
	vars, path := dotenvCase(t)
	out := runReader(t, filepath.Dir(path), bash, "--norc", "--noprofile", "-c",
		`eval "$("$1" dotenv bash "$2")" && exec env -0`, "bash", direnv, path)
	compareRead(t, "direnv dotenv", vars, parseEnv0(t, out), same)
}

// pythonDotenv prints what python-dotenv's dotenv_values reads, as NAME=VALUE
// pairs each ended by NUL. Interpolation is on, as by default.
const pythonDotenv = `
import sys, dotenv
for k, v in dotenv.dotenv_values(sys.argv[1]).items():
    sys.stdout.buffer.write((k + "=" + (v if v is not None else "<None>") + "\0").encode("utf-8"))
`

func TestDotenvPython(t *testing.T) {
	python := needShell(t, "python3")
	if err := exec.Command(python, "-c", "import dotenv").Run(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("python-dotenv is not installed; CI must install python3-dotenv: %v", err)
		}
		t.Skipf("python-dotenv is not installed: %v", err)
	}
	vars, path := dotenvCase(t)
	out := runReader(t, filepath.Dir(path), python, "-c", pythonDotenv, path)
	compareRead(t, "python-dotenv", vars, parseEnv0(t, out), same)
}

func TestDotenvSourcedBySh(t *testing.T) {
	vars, path := dotenvCase(t)
	for _, sh := range []struct {
		name string
		args []string
	}{
		{"sh", nil},
		{"dash", nil},
		{"bash", []string{"--posix"}},
	} {
		t.Run(sh.name, func(t *testing.T) {
			p := needShell(t, sh.name)
			argv := append(append([]string{p}, sh.args...), "-c", `set -a && . "$1" && exec env -0`, "sh", path)
			compareRead(t, sh.name, vars, parseEnv0(t, runReader(t, filepath.Dir(path), argv...)), same)
		})
	}
}

// systemdEnvGenerator is systemd's environment.d generator. It reads files with
// merge_env_file (src/basic/env-file.c): the same parse_env_file_internal and
// load_env_file_push that EnvironmentFile= uses, with one difference, that it
// then expands $NAME and ${NAME}, and that it reads NAME= as "invalid syntax"
// where load_env_file_push takes it as empty. So it is systemd's own parser
// for every value but the empty one and those with a $; those are checked
// against systemd.exec(5)'s words below.
const systemdEnvGenerator = "/usr/lib/systemd/user-environment-generators/30-systemd-environment-d-generator"

func TestDotenvSystemd(t *testing.T) {
	vars, path := dotenvCase(t)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}

	// Not a real consumer: systemd.exec(5)'s rules for EnvironmentFile=, encoded
	// below, for every value, $ included.
	compareRead(t, "systemd.exec(5) as encoded here", vars, systemdExecRules(t, data), same)

	if _, err := os.Stat(systemdEnvGenerator); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("systemd's environment.d generator is missing; CI must install systemd: %v", err)
		}
		t.Skipf("systemd's environment.d generator is missing: %v", err)
	}
	var noDollar []Var
	var lines []string
	for _, v := range vars {
		if v.Value != "" && !strings.Contains(v.Value, "$") {
			noDollar = append(noDollar, v)
			var b bytes.Buffer
			if err := Render(&b, "dotenv", []Var{v}); err != nil {
				t.Fatal(err)
			}
			lines = append(lines, b.String())
		}
	}
	dir := t.TempDir()
	confDir := filepath.Join(dir, ".config", "environment.d")
	if err := os.MkdirAll(confDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(confDir, "50-test.conf"), []byte(strings.Join(lines, "")), 0o644); err != nil {
		t.Fatal(err)
	}
	out := runReader(t, dir, systemdEnvGenerator)
	compareRead(t, "systemd", noDollar, parseGeneratorOutput(t, out), same)
	// The encoded rules must agree with systemd's parser wherever it can judge,
	// or they prove nothing about the values with a $.
	compareRead(t, "systemd.exec(5) as encoded here, against systemd", noDollar, systemdExecRules(t, data), func(v Var) string {
		return parseGeneratorOutput(t, out)[v.Name]
	})
}

// parseGeneratorOutput reads the generator's NAME=VALUE lines. A value that
// needs it is printed in double quotes with "\`$ backslash-escaped and control
// characters C-escaped (systemd's shell_maybe_quote and cescape).
func parseGeneratorOutput(t *testing.T, out []byte) map[string]string {
	t.Helper()
	got := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		if !ok {
			t.Fatalf("generator printed %q", sc.Text())
		}
		if strings.HasPrefix(v, `"`) {
			inner, ok := strings.CutSuffix(v[1:], `"`)
			if !ok {
				t.Fatalf("generator printed %q", sc.Text())
			}
			var b strings.Builder
			for i := 0; i < len(inner); i++ {
				if inner[i] != '\\' {
					b.WriteByte(inner[i])
					continue
				}
				if i+1 >= len(inner) {
					t.Fatalf("generator printed %q", sc.Text())
				}
				i++
				switch c := inner[i]; {
				case strings.IndexByte("\"\\`$'", c) >= 0:
					b.WriteByte(c)
				case strings.IndexByte("abfnrtv", c) >= 0:
					b.WriteByte("\a\b\f\n\r\t\v"[strings.IndexByte("abfnrtv", c)])
				case i+2 < len(inner) && '0' <= c && c <= '3':
					n, err := strconv.ParseUint(inner[i:i+3], 8, 8)
					if err != nil {
						t.Fatalf("generator printed %q: %v", sc.Text(), err)
					}
					b.WriteByte(byte(n))
					i += 2
				default:
					t.Fatalf("generator printed an escape this test does not know: %q", sc.Text())
				}
			}
			v = b.String()
		}
		got[k] = v
	}
	return got
}

// systemdExecRules reads data as systemd.exec(5) describes EnvironmentFile=,
// for the lines dotenv writes: "Leading and trailing whitespace (space, tab,
// carriage return) is discarded"; an unquoted value "is parsed with the same
// backslash-escape rules as POSIX shell unquoted text", and "quotes after the
// first non-whitespace character are preserved"; "a single-quoted value after
// the "=" ... may contain any character verbatim other than single quote ...
// No backslash-escape sequences are recognized." There is no expansion.
// Double-quoted values and continuation lines are not written by dotenv, so a
// line that needs them fails the test.
func systemdExecRules(t *testing.T, data []byte) map[string]string {
	t.Helper()
	got := map[string]string{}
	for _, line := range strings.SplitAfter(string(data), "\n") {
		line = strings.TrimSuffix(line, "\n")
		if line == "" {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("systemd rules: no = in %q", line)
		}
		v = strings.Trim(v, " \t\r")
		switch {
		case strings.HasPrefix(v, "'"):
			inner, ok := strings.CutSuffix(v[1:], "'")
			if !ok || strings.Contains(inner, "'") {
				t.Fatalf("systemd rules: not one single-quoted value: %q", line)
			}
			v = inner
		case strings.HasPrefix(v, `"`) || strings.HasSuffix(v, `\`):
			t.Fatalf("systemd rules: a form dotenv does not write: %q", line)
		default:
			var b strings.Builder
			for i := 0; i < len(v); i++ {
				if v[i] == '\\' && i+1 < len(v) {
					i++
				}
				b.WriteByte(v[i])
			}
			v = b.String()
		}
		got[k] = v
	}
	return got
}

// TestDotenvRefusesWhatItCannotCarry checks the refusals against the nasty
// values too, one variable at a time.
func TestDotenvRefusesWhatItCannotCarry(t *testing.T) {
	for _, v := range nastyVars(func(v string) bool { return !dotenvCarries(v) }) {
		if err := Render(new(bytes.Buffer), "dotenv", []Var{v}); err == nil {
			t.Errorf("dotenv accepted %q", v.Value)
		}
	}
}
