package render

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// nastyValues are values that break naive quoting in at least one shell. The
// ones that would run `touch pwned` if any part escaped its quotes are checked
// by looking for the file afterwards.
var nastyValues = []string{
	"21340",
	"http://localhost:21340/a?b=1&c=2#frag",
	"$(touch pwned)",
	"`touch pwned`",
	"(touch pwned)",
	"'; touch pwned; echo '",
	`\'; touch pwned; echo \'`,
	`\\'; touch pwned #`,
	`'$(touch pwned)'`,
	"\"$(touch pwned)\"",
	"'",
	"''",
	`"`,
	`\`,
	`\\`,
	`a\`,
	`\n\t\0\x41\u0041`,
	"line1\nline2",
	"trailing newline\n",
	"\n",
	"\r\n",
	"!",
	"!!",
	"!$ !-1 ^a^b",
	"$HOME",
	"${HOME}",
	"$ ",
	"%s %d %n %%",
	"~",
	"~root",
	"*",
	"[a-z]*",
	"{a,b}",
	"héllo ☃ 𝄞 \u200b \u2028 \ufeff",
	"\uf600\ufdd0\ufffe\uffff", // code points fish once used internally
	"",
	"-",
	"-e",
	"--",
	"-gx",
	"-n -e foo",
	"trailing spaces   ",
	"   leading spaces",
	"\ttab\t",
	"#not a comment",
	"a;b|c&d>e<f",
	"a=b",
	"\x01\x1b[31m\x7f",
}

// needShell returns the path of a shell the tests require, or skips. Under
// CI=true a missing shell fails instead, so CI cannot pass by skipping.
func needShell(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not installed; CI must install it: %v", name, err)
		}
		t.Skipf("%s is not installed: %v", name, err)
	}
	return p
}

// nastyVars names each nasty value V0, V1, ...
func nastyVars(keep func(string) bool) []Var {
	var vars []Var
	for i, v := range nastyValues {
		if keep == nil || keep(v) {
			vars = append(vars, Var{fmt.Sprintf("V%d", i), v})
		}
	}
	return vars
}

// runShell renders vars in format into a file in a fresh directory, runs
// script there with argv, and returns the values the script printed, each
// terminated by NUL. The environment is minimal so no rc file or inherited
// variable changes the outcome.
func runShell(t *testing.T, format, file string, vars []Var, argv []string) []string {
	t.Helper()
	dir := t.TempDir()
	var out bytes.Buffer
	if err := Render(&out, format, vars); err != nil {
		t.Fatalf("Render(%s): %v", format, err)
	}
	if err := os.WriteFile(filepath.Join(dir, file), out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + dir,
		"LC_ALL=C.UTF-8",
		"XDG_CONFIG_HOME=" + filepath.Join(dir, ".config"),
		"XDG_DATA_HOME=" + filepath.Join(dir, ".local", "share"),
		"XDG_CACHE_HOME=" + filepath.Join(dir, ".cache"),
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if _, err := os.Lstat(filepath.Join(dir, "pwned")); err == nil {
		t.Fatalf("%q ran code from a value: %s/pwned exists\ninput:\n%s", argv, dir, out.Bytes())
	}
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("%q: %v\nstderr: %s\ninput:\n%s", argv, err, stderr.Bytes(), out.Bytes())
	}
	got := strings.Split(stdout.String(), "\x00")
	if len(got) == 0 || got[len(got)-1] != "" {
		t.Fatalf("%q: output %q does not end in NUL", argv, stdout.String())
	}
	return got[:len(got)-1]
}

// printScript prints each variable followed by NUL. refs spells the
// references in the shell's syntax.
func printScript(vars []Var, ref func(string) string) string {
	refs := make([]string, len(vars))
	for i, v := range vars {
		refs[i] = ref(v.Name)
	}
	return `printf '%s\0' ` + strings.Join(refs, " ")
}

func compareValues(t *testing.T, shell string, vars []Var, got []string) {
	t.Helper()
	if len(got) != len(vars) {
		t.Fatalf("%s printed %d values, want %d: %q", shell, len(got), len(vars), got)
	}
	for i, v := range vars {
		if got[i] != v.Value {
			t.Errorf("%s: %s = %q, want %q", shell, v.Name, got[i], v.Value)
		}
	}
}

func TestShRoundTrip(t *testing.T) {
	vars := nastyVars(nil)
	script := `eval "$(cat env.sh)"; ` + printScript(vars, func(n string) string { return `"$` + n + `"` })
	sourced := `. ./env.sh; ` + printScript(vars, func(n string) string { return `"$` + n + `"` })
	shells := []struct {
		name     string
		required bool
		args     []string
	}{
		{"bash", true, []string{"--norc", "--noprofile", "-c"}},
		{"bash", true, []string{"--posix", "-c"}},
		{"zsh", true, []string{"-f", "-c"}},
		{"dash", true, []string{"-c"}},
		{"sh", true, []string{"-c"}},
		// Other POSIX shells are checked when present but not required.
		{"ksh", false, []string{"-c"}},
		{"mksh", false, []string{"-c"}},
		{"yash", false, []string{"-c"}},
		{"posh", false, []string{"-c"}},
	}
	for _, sh := range shells {
		t.Run(sh.name+strings.Join(sh.args, ""), func(t *testing.T) {
			var path string
			if sh.required {
				path = needShell(t, sh.name)
			} else if p, err := exec.LookPath(sh.name); err == nil {
				path = p
			} else {
				t.Skipf("%s is not installed (optional)", sh.name)
			}
			for _, s := range []string{script, sourced} {
				argv := append(append([]string{path}, sh.args...), s)
				compareValues(t, sh.name, vars, runShell(t, "sh", "env.sh", vars, argv))
			}
		})
	}
}

func TestFishRoundTrip(t *testing.T) {
	fish := needShell(t, "fish")
	vars := nastyVars(nil)
	printVars := printScript(vars, func(n string) string { return `"$` + n + `"` })
	for _, script := range []string{
		"cat env.fish | source; " + printVars,
		"source env.fish; " + printVars,
	} {
		got := runShell(t, "fish", "env.fish", vars, []string{fish, "--no-config", "-c", script})
		compareValues(t, "fish", vars, got)
	}
}
