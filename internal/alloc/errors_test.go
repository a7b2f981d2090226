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
