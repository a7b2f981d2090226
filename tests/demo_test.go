//go:build unix

package tests

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestDemoPiped runs scripts/demo.sh (what `make demo` runs) into a file, as
// `make demo > demo.txt` would: the file must carry no escape codes. With CLICOLOR_FORCE
// it does, which shows the check can see them.
func TestDemoPiped(t *testing.T) {
	t.Parallel()
	script, err := filepath.Abs("../scripts/demo.sh")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		env     []string
		escapes bool
	}{
		{"plain", nil, false},
		{"CLICOLOR_FORCE", []string{"CLICOLOR_FORCE=1"}, true},
		{"NO_COLOR beats CLICOLOR_FORCE", []string{"CLICOLOR_FORCE=1", "NO_COLOR=1"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out, err := os.Create(filepath.Join(t.TempDir(), "demo.txt"))
			if err != nil {
				t.Fatal(err)
			}
			defer out.Close()
			cmd := exec.Command("bash", script)
			cmd.Env = append(demoEnv(), tc.env...)
			cmd.Stdout, cmd.Stderr = out, out
			if err := cmd.Run(); err != nil {
				data, _ := os.ReadFile(out.Name())
				t.Fatalf("demo: %v\n%s", err, data)
			}
			data, err := os.ReadFile(out.Name())
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(data, []byte("$ git worktree-ports list")) {
				t.Fatalf("the demo did not get to list:\n%s", data)
			}
			if i := bytes.IndexByte(data, 0x1b); (i >= 0) != tc.escapes {
				t.Errorf("escape codes in the output: %v, want %v\n%q", i >= 0, tc.escapes, data)
			}
		})
	}
}

// demoEnv is this process's environment with the test binary first on PATH and no
// colour settings of its own.
func demoEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "PATH", "NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE":
			continue
		}
		env = append(env, kv)
	}
	return append(env, "PATH="+binDir+string(os.PathListSeparator)+os.Getenv("PATH"))
}
