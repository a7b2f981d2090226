package alloc

import (
	"errors"
	"testing"
)

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
