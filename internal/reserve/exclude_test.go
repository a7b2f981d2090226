package reserve

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestEnsureExcluded(t *testing.T) {
	t.Parallel()
	block := "# git-worktree-ports: per-worktree port reservations\n/.worktree-ports.json\n/.worktree-ports.json.tmp-*\n.worktree-ports-tmp-*\n"
	tests := []struct {
		name string
		old  *string // nil: no info directory at all
		want string
	}{
		{"no info directory", nil, block},
		{"empty file", ptr(""), block},
		{"no trailing newline", ptr("# git ls-files\n*.swp"), "# git ls-files\n*.swp\n" + block},
		{"trailing newline", ptr("*.swp\n"), "*.swp\n" + block},
		{"CRLF file", ptr("*.swp\r\n"), "*.swp\r\n" + block},
		{"one present", ptr("/.worktree-ports.json\n"), "/.worktree-ports.json\n# git-worktree-ports: per-worktree port reservations\n/.worktree-ports.json.tmp-*\n.worktree-ports-tmp-*\n"},
		{"all present with padding", ptr("/.worktree-ports.json  \r\n/.worktree-ports.json.tmp-*\n.worktree-ports-tmp-* "), "/.worktree-ports.json  \r\n/.worktree-ports.json.tmp-*\n.worktree-ports-tmp-* "},
		// What an older version wrote gains the dotenv files' temporary files.
		{"an older version's lines", ptr("# git-worktree-ports: per-worktree port reservations\n/.worktree-ports.json\n/.worktree-ports.json.tmp-*\n"), block},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			common := t.TempDir()
			path := filepath.Join(common, "info", "exclude")
			if tt.old != nil {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(*tt.old), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			added, err := EnsureExcluded(common)
			if err != nil {
				t.Fatal(err)
			}
			wantAdded := tt.old == nil || *tt.old != tt.want
			if added != wantAdded {
				t.Errorf("added = %v, want %v", added, wantAdded)
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("exclude =\n%q\nwant\n%q", got, tt.want)
			}
			added, err = EnsureExcluded(common)
			if err != nil || added {
				t.Errorf("second call: added = %v, err = %v", added, err)
			}
			again, _ := os.ReadFile(path)
			if string(again) != string(got) {
				t.Errorf("second call changed the file to %q", again)
			}
		})
	}
}

func ptr(s string) *string { return &s }

// TestEnsureExcludedWithGit asks real git whether the files are ignored,
// in the main worktree and in a linked one.
func TestEnsureExcludedWithGit(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	tmp := t.TempDir()
	repo := filepath.Join(tmp, "repo")
	home := filepath.Join(tmp, "home")
	if err := os.MkdirAll(home, 0o755); err != nil {
		t.Fatal(err)
	}
	git := func(dir string, args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(cleanEnv(),
			"HOME="+home, "XDG_CONFIG_HOME="+home, "GIT_CONFIG_NOSYSTEM=1",
			"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
			"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git(tmp, "init", "-q", repo)
	git(repo, "commit", "-q", "--allow-empty", "-m", "init")
	linked := filepath.Join(tmp, "feature-x")
	git(repo, "worktree", "add", "-q", linked)

	common := git(linked, "rev-parse", "--path-format=absolute", "--git-common-dir")
	if added, err := EnsureExcluded(common); err != nil || !added {
		t.Fatalf("EnsureExcluded = %v, %v", added, err)
	}
	for _, wt := range []string{repo, linked} {
		for _, name := range []string{FileName, FileName + ".tmp-abc123"} {
			if err := os.WriteFile(filepath.Join(wt, name), []byte("{}"), 0o644); err != nil {
				t.Fatal(err)
			}
			git(wt, "check-ignore", "-q", name)
		}
		// A dotenv file's temporary file, in any directory.
		if err := os.MkdirAll(filepath.Join(wt, "server"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(wt, "server", DotenvTempPrefix+"abc123"), []byte("SECRET=1\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		git(wt, "check-ignore", "-q", "server/"+DotenvTempPrefix+"abc123")
		if st := git(wt, "status", "--porcelain", "--untracked-files=all"); st != "" {
			t.Errorf("git status in %s shows %q", wt, st)
		}
	}
}

// cleanEnv drops variables that would point git at another repository.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GIT_") {
			env = append(env, kv)
		}
	}
	return env
}
