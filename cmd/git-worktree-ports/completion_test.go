package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/git-worktree-ports/git-worktree-ports/internal/iostreams"
)

// TestCompletionScripts checks that each shell's script carries the git integration,
// with and without descriptions: the edits of cobra's zsh and fish scripts find the line
// they change (or the command fails), so a cobra upgrade cannot drop them silently. The
// real shells run the scripts in tests/testdata/completion_*.txtar.
func TestCompletionScripts(t *testing.T) {
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"bash"}, []string{"\n_git_worktree_ports() {\n", "complete -o default -F __start_git-worktree-ports git-worktree-ports\n"}},
		{[]string{"bash", "--no-descriptions"}, []string{"\n_git_worktree_ports() {\n"}},
		{[]string{"zsh"}, []string{zshGitForm + zshRequestComp + "__complete ", "#compdef git-worktree-ports\n"}},
		{[]string{"zsh", "--no-descriptions"}, []string{zshGitForm + zshRequestComp + "__completeNoDesc "}},
		{[]string{"fish"}, []string{fishRequestComp + fishShellEnv, "complete -c git -f -n __git_worktree_ports_git_form "}},
		{[]string{"fish", "--no-descriptions"}, []string{fishRequestComp + fishShellEnv, "complete -c git -f -n __git_worktree_ports_git_form "}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			ios, _, out, errb := iostreams.Test()
			f := &Factory{IOStreams: ios, Getenv: func(string) string { return "" }}
			if code := Main(append([]string{"completion"}, tt.args...), f); code != exitOK {
				t.Fatalf("exit %d: %s", code, errb)
			}
			for _, w := range tt.want {
				if c := strings.Count(out.String(), w); c != 1 {
					t.Errorf("the script has %q %d times, want once", w, c)
				}
			}
			if errb.Len() > 0 || bytes.Contains(out.Bytes(), []byte("\x1b")) {
				t.Errorf("stderr %q, or an escape byte on stdout", errb)
			}
		})
	}
}
