package repository

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/git-worktree-ports/git-worktree-ports/internal/config"
	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
)

func TestLabel(t *testing.T) {
	tests := []struct{ base, path, want string }{
		{"/src/app", "/src/app-feature", "../app-feature"},
		{"/src/app", "/src/app", "../app"},
		{"/src/app", "/src/app/nested", "./nested"},
		{"/src/app", "/elsewhere/x", "../../elsewhere/x"},
		{"/home/me/src/app", "/mnt/x", "/mnt/x"}, // three levels up reads better absolute
	}
	for _, tt := range tests {
		if got := Label(tt.base, tt.path); got != tt.want {
			t.Errorf("Label(%q, %q) = %q, want %q", tt.base, tt.path, got, tt.want)
		}
	}
}

func TestCrossRepoTimeout(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		env     string
		git     string // "" for unset
		want    time.Duration
		wantErr string
	}{
		{name: "default", want: config.DefaultCrossRepoTimeout},
		{name: "git config", git: "500ms", want: 500 * time.Millisecond},
		{name: "seconds", git: "1.5", want: 1500 * time.Millisecond},
		{name: "environment wins", env: "3s", git: "500ms", want: 3 * time.Second},
		{name: "zero", git: "0", wantErr: "git config worktree-ports.crossRepoTimeout: \"0\": must be more than 0"},
		{name: "bad", env: "soon", wantErr: config.EnvCrossRepoTimeout + `: "soon" is not a duration`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &Repo{}
			if tt.git != "" {
				r.Config = []gitwt.ConfigEntry{{Key: "worktree-ports.crossrepotimeout", Value: tt.git}}
			}
			getenv := func(k string) string {
				if k == config.EnvCrossRepoTimeout {
					return tt.env
				}
				return ""
			}
			got, err := r.CrossRepoTimeout(getenv)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("CrossRepoTimeout = %v, %v; want error %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("CrossRepoTimeout = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

func TestToplevel(t *testing.T) {
	tests := []struct {
		loc     gitwt.Location
		dir     string
		want    string
		wantErr string
	}{
		{gitwt.Location{Toplevel: "/r", GitDir: "/r/.git"}, "/r/sub", "/r", ""},
		{gitwt.Location{GitDir: "/r/.git"}, "/r/.git", "", "not inside a worktree: /r/.git is a git directory; cd to a worktree"},
		{gitwt.Location{GitDir: "/r/.git"}, "/r/.git/objects/", "", "not inside a worktree: /r/.git/objects is inside the git directory /r/.git; cd to a worktree"},
		{gitwt.Location{GitDir: "/b.git", Bare: true}, "/b.git", "", "not inside a worktree: a bare repository has no ports of its own; run this in one of its worktrees"},
		// The directory is a name anyone chose: its control characters are escaped.
		{gitwt.Location{GitDir: "/r\x1b[2J/.git"}, "/r\x1b[2J/.git", "", `not inside a worktree: /r\x1b[2J/.git is a git directory; cd to a worktree`},
	}
	for _, tt := range tests {
		got, err := Toplevel(tt.loc, tt.dir)
		var nw *NotWorktreeError
		switch {
		case tt.wantErr == "" && (err != nil || got != tt.want):
			t.Errorf("Toplevel(%+v, %q) = %q, %v; want %q", tt.loc, tt.dir, got, err, tt.want)
		case tt.wantErr != "" && (!errors.As(err, &nw) || err.Error() != tt.wantErr):
			t.Errorf("Toplevel(%+v, %q): error %v; want %q", tt.loc, tt.dir, err, tt.wantErr)
		}
	}
}

// TestSettingKeys checks that the key repository names for messages is the table's.
func TestSettingKeys(t *testing.T) {
	if ConfigCrossRepoTimeout != config.CrossRepoTimeout.Key {
		t.Errorf("ConfigCrossRepoTimeout = %q, want config.CrossRepoTimeout.Key %q", ConfigCrossRepoTimeout, config.CrossRepoTimeout.Key)
	}
}
