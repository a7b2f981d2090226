package main

import (
	"bytes"
	"fmt"
	"io"
	"strings"

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

// zshRequestComp starts the line of cobra's zsh script that builds the __complete (or
// __completeNoDesc) command from the words on the command line; zshGitForm goes before it.
const zshRequestComp = `    requestComp="${words[1]} `

// zshGitForm makes cobra's zsh function work for `git worktree-ports <TAB>` too: zsh's
// _git calls _git-worktree-ports with the words after git, so words[1] is worktree-ports,
// and "worktree-ports __complete" is no command.
const zshGitForm = `    # git worktree-ports <TAB>: zsh's _git calls this function with words[1] set to
    # worktree-ports, which is no command.
    if [[ ${words[1]} == worktree-ports ]]; then
        words[1]=git-worktree-ports
    fi
`

// completionShellEnv names the shell that asks __complete, where an answer must differ
// (see worktreePaths). Only the fish script sets it, to "fish".
const completionShellEnv = "GIT_WORKTREE_PORTS_COMPLETION_SHELL"

// fishRequestComp starts the line of cobra's fish script that builds the __complete
// command; fishShellEnv goes after it.
const fishRequestComp = `    set -l requestComp "`

// fishShellEnv says to __complete that fish asks.
const fishShellEnv = completionShellEnv + "=fish "

// gitFishCompletion registers `git worktree-ports <TAB>` with fish. fish's git completion
// is meant to forward `git foo` to git-foo's own completion, but 3.6's registers each
// git-* program on PATH under its full name (git-worktree-ports, not worktree-ports), so
// nothing matches and fish offers files (fish issue 9457); it does not list them as git
// commands either. Where git's completion does forward, this block stands aside rather
// than ask twice. Like bash's, it completes in the current directory even after git -C
// DIR. It must be sourced before the first TAB, which is why make install also puts the
// script in fish's vendor_conf.d: fish loads completions by command name, and for
// `git worktree-ports` that is git's.
const gitFishCompletion = `
# git worktree-ports <TAB>, where fish's git completion does not forward it here.
# __git_worktree_ports_git_words prints the words after git and its global options,
# escaped, and fails where git's completion forwards ` + "`git worktree-ports`" + ` by itself.
function __git_worktree_ports_git_words
    if not set -q __git_worktree_ports_forwarded
        # Asked once, at the first TAB after git, when git's completion is loaded.
        set -g __git_worktree_ports_forwarded 0
        complete -c git | string match -q -- '*__fish_git_using_command worktree-ports*'
        and set __git_worktree_ports_forwarded 1
    end
    test $__git_worktree_ports_forwarded = 0
    or return 1
    set -l cmd (commandline -opc)
    set -e cmd[1]
    while set -q cmd[1]
        switch $cmd[1]
            case -C -c --git-dir --work-tree --namespace --super-prefix --config-env
                set -e cmd[1]
                set -e cmd[1]
            case '-*'
                set -e cmd[1]
            case '*'
                break
        end
    end
    string escape -- $cmd
    return 0
end
function __git_worktree_ports_git_form
    set -l words (__git_worktree_ports_git_words)
    and test "$words[1]" = worktree-ports
end
function __git_worktree_ports_git_needs_command
    set -l words (__git_worktree_ports_git_words)
    and not set -q words[1]
end
function __git_worktree_ports_git_complete
    set -l words (__git_worktree_ports_git_words)
    complete -C "git-worktree-ports $words[2..-1] "(commandline -ct)
end
complete -c git -f -n __git_worktree_ports_git_needs_command -a worktree-ports -d 'Give every git worktree its own bundle of ports'
complete -c git -f -n __git_worktree_ports_git_form -a '(__git_worktree_ports_git_complete)'
`

// addCompletion installs cobra's completion command and adds the git integration to its
// bash, zsh and fish scripts.
func addCompletion(root *cobra.Command) {
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() != "completion" {
			continue
		}
		c.Long += "\n\nThe bash, zsh and fish scripts also complete `git worktree-ports <TAB>`, through\ngit's own completion in each shell."
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
			switch sub.Name() {
			case "bash":
				setScript(sub, bashScript(root))
			case "zsh":
				setScript(sub, zshScript(root))
			case "fish":
				setScript(sub, fishScript(root))
			}
		}
	}
}

// bashScript is cobra's bash script, followed by what completes `git worktree-ports`.
func bashScript(root *cobra.Command) func(w io.Writer, desc bool) error {
	return func(w io.Writer, desc bool) error {
		if err := root.GenBashCompletionV2(w, desc); err != nil {
			return err
		}
		_, err := io.WriteString(w, gitBashCompletion)
		return err
	}
}

// zshScript is cobra's zsh script, taught the git form of the command line.
func zshScript(root *cobra.Command) func(w io.Writer, desc bool) error {
	return func(w io.Writer, desc bool) error {
		gen := root.GenZshCompletion
		if !desc {
			gen = root.GenZshCompletionNoDesc
		}
		var buf bytes.Buffer
		if err := gen(&buf); err != nil {
			return err
		}
		s := buf.String()
		if strings.Count(s, zshRequestComp) != 1 {
			return fmt.Errorf("cobra's zsh script has changed: no single %q line to fix for `git worktree-ports <TAB>`", strings.TrimSpace(zshRequestComp))
		}
		_, err := io.WriteString(w, strings.Replace(s, zshRequestComp, zshGitForm+zshRequestComp, 1))
		return err
	}
}

// fishScript is cobra's fish script with the shell's environment passed on, followed
// by what completes `git worktree-ports`.
func fishScript(root *cobra.Command) func(w io.Writer, desc bool) error {
	return func(w io.Writer, desc bool) error {
		var buf bytes.Buffer
		if err := root.GenFishCompletion(&buf, desc); err != nil {
			return err
		}
		s := buf.String()
		if strings.Count(s, fishRequestComp) != 1 {
			return fmt.Errorf("cobra's fish script has changed: no single %q line to add %s to", strings.TrimSpace(fishRequestComp), completionShellEnv)
		}
		s = strings.Replace(s, fishRequestComp, fishRequestComp+fishShellEnv, 1)
		_, err := io.WriteString(w, s+gitFishCompletion)
		return err
	}
}

// setScript makes the shell's completion command print what gen writes, with or without
// descriptions as its --no-descriptions flag says. cobra's own RunE cannot be wrapped:
// it writes to the stdout the root had when the command was made.
func setScript(sub *cobra.Command, gen func(w io.Writer, desc bool) error) {
	sub.RunE = func(cmd *cobra.Command, args []string) error {
		noDesc, _ := cmd.Flags().GetBool("no-descriptions")
		return gen(cmd.OutOrStdout(), !noDesc)
	}
}
