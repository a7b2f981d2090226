package main

import (
	"github.com/spf13/cobra"
)

// gitBashCompletion lets git's own bash completion complete `git worktree-ports <TAB>`:
// git-completion.bash calls _git_<name> for a command it does not know, with words, cword
// and cur set. It asks cobra's hidden __complete for the candidates.
const gitBashCompletion = `
# git worktree-ports <TAB>, through git's own completion (git-completion.bash).
_git_worktree_ports() {
	local i=${__git_cmd_idx:-1} out
	out=$(git-worktree-ports __complete "${words[@]:i+1:cword-i-1}" "$cur" 2>/dev/null) || return
	out=$(printf '%s\n' "$out" | sed -e '$d' -e 's/	.*//')
	__gitcomp_nl "$out"
}
`

// addCompletion installs cobra's completion command and appends the git integration to
// its bash script.
func addCompletion(root *cobra.Command) {
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() != "completion" {
			continue
		}
		c.Long += "\n\nThe bash script also defines _git_worktree_ports, so git's own completion\ncompletes `git worktree-ports <TAB>`."
		// Without a RunE, cobra never checks Args and answers an unknown shell with this
		// help on stdout and exit 0.
		c.Args = func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageErrorf(cmd, "unknown shell %q: want bash, zsh, fish or powershell", args[0])
			}
			return nil
		}
		c.RunE = func(cmd *cobra.Command, args []string) error { return cmd.Help() }
		for _, sub := range c.Commands() {
			if sub.Name() != "bash" {
				continue
			}
			orig := sub.RunE
			sub.RunE = func(cmd *cobra.Command, args []string) error {
				if err := orig(cmd, args); err != nil {
					return err
				}
				_, err := cmd.OutOrStdout().Write([]byte(gitBashCompletion))
				return err
			}
		}
	}
}
