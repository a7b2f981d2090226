package claim

import (
	"strings"
	"testing"

	"github.com/git-worktree-ports/git-worktree-ports/internal/reserve"
)

func TestOriginOf(t *testing.T) {
	t.Parallel()
	const (
		root   = "/src/shop-a"
		gitDir = "/src/shop/.git/worktrees/shop-a"
	)
	file := func(root, gitDir string) reserve.Reservation {
		return reserve.Reservation{Worktree: "shop-a", Root: root, GitDir: gitDir, Base: 20000, Width: 10}
	}
	tests := []struct {
		name       string
		r          reserve.Reservation
		here       string // the top level the file was found at
		gitDir     string // that worktree's git directory
		registered bool   // git's records name it
		want       Origin
	}{
		{"written here", file(root, gitDir), root, gitDir, true, Own},
		{"written here, unclean spelling", file(root, gitDir), root + "/", gitDir, true, Own},
		{"older file without a place", file("", ""), "/elsewhere/shop-a", "/x/.git", false, Own},
		{"git worktree move", file(root, gitDir), "/src/moved/shop-a", gitDir, true, MovedHere},
		{"cp -r of a linked worktree", file(root, gitDir), "/tmp/shop-a", gitDir, false, Copied},
		{"cp -r of a main worktree", file("/src/shop", "/src/shop/.git"), "/tmp/shop", "/tmp/shop/.git", true, Copied},
		{"clone of a committed reservation", file("/home/ann/shop", "/home/ann/shop/.git"), "/home/bob/shop", "/home/bob/shop/.git", true, Copied},
		{"new worktree checked out a committed file", file("/src/shop", "/src/shop/.git"), root, gitDir, true, Copied},
		{"moved, but no git_dir recorded", file(root, ""), "/src/moved/shop-a", gitDir, true, Copied},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			asked := false
			got := OriginOf(tt.r, tt.here, func() (string, bool) { asked = true; return tt.gitDir, tt.registered })
			if got != tt.want {
				t.Errorf("OriginOf = %v, want %v", got, tt.want)
			}
			if tt.want == Own && asked {
				t.Error("asked about the git directory although the file is this worktree's: env must stay cheap")
			}
		})
	}
}

// TestCopiedWarning: the line names the file and the worktree it was written for, and
// says what to run; names from the file are escaped before they reach a terminal.
func TestCopiedWarning(t *testing.T) {
	for _, tt := range []struct{ path, original, want string }{
		{"/src/b/.worktree-ports.json", "/src/a", "warning: /src/b/.worktree-ports.json was written for the worktree at /src/a (copied, cloned or committed?): its ports are that worktree's; run `git worktree-ports allocate` here to get your own"},
		{"/src/b/.worktree-ports.json", "/src/\x1b[2Ka", "the worktree at /src/\\x1b[2Ka (copied"},
	} {
		if got := CopiedWarning(tt.path, tt.original); !strings.Contains(got, tt.want) {
			t.Errorf("CopiedWarning(%q, %q) = %q, want it to hold %q", tt.path, tt.original, got, tt.want)
		}
	}
}
