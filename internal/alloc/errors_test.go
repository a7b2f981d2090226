package alloc

import (
	"errors"
	"testing"

	"github.com/git-worktree-ports/git-worktree-ports/internal/gitwt"
)

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

func TestCheckName(t *testing.T) {
	tests := []struct {
		root, wantErr string
	}{
		{"/src/feature-x", ""},
		{"/src/with space ünï", ""},
		{"/src/e\x1b[31mred", ""}, // printable once escaped, and JSON holds it
		{"/src/bad\xff", `bad\xff: the directory name is not valid UTF-8, which a reservation file cannot record; rename the worktree (git worktree move) to give it ports`},
		{"/not\xff-utf8/fine", ""}, // only the name goes into the file
	}
	for _, tt := range tests {
		err := checkName(tt.root)
		var ne *NameError
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("checkName(%q) = %v; want nil", tt.root, err)
		case tt.wantErr != "" && (!errors.As(err, &ne) || err.Error() != tt.wantErr):
			t.Errorf("checkName(%q) = %v; want %q", tt.root, err, tt.wantErr)
		}
	}
}
