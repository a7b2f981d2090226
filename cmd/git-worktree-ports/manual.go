package main

import (
	"fmt"
	"strings"

	"github.com/git-worktree-ports/git-worktree-ports/internal/config"
)

// This file holds what git-worktree-ports(1) says beyond the command tree: the text of
// the sections EXIT STATUS, ENVIRONMENT and FILES, in the markdown cobra's man generator
// reads (man.go puts them together with CONFIGURATION, which is config.ManSection). It is part of every build, not only
// the manpages one, because --help prints the exit codes from the same table, and the
// tests hold the texts to the code: the config example to the JSON Schema and the loader,
// the variables to the code that reads them, the files to the names the code uses.

// exitStatus is one exit code as the documentation describes it.
type exitStatus struct {
	code    int
	summary string // a few words, for the one-line list in --help
	meaning string // a sentence or two, for EXIT STATUS in the man page
	exec    bool   // only exec exits with it
}

// exitStatuses documents every exit code (exit.go defines them), in order. The README's
// table says the same at more length; a test keeps the two listing the same codes.
var exitStatuses = []exitStatus{
	{code: exitOK, summary: "ok", meaning: "Success."},
	{code: exitError, summary: "error", meaning: "An error: a bad config, an unreadable reservation, git failed; `allocate`: a dotenv file could not be written (the reservation stands)."},
	{code: exitUsage, summary: "usage (or not inside a worktree)", meaning: "A usage error: bad flags or arguments (`port`: a service " +
		"the worktree has no port for); " +
		"`install-hook` refusing to edit a hook it cannot edit safely; a write refused because a symlink leads out of " +
		"where the file belongs; a command that needs a worktree run in a bare repository, inside a git directory, or " +
		"outside any repository."},
	{code: exitExhausted, summary: "range exhausted", meaning: "Every slot in the range is taken; the message gives the counts and the way out."},
	{code: exitLockTimeout, summary: "lock timeout", meaning: "Timed out waiting for the repository lock, or for the per-user lock " +
		"of cross-repository awareness; the message names the holder."},
	{code: exitNoReservation, summary: "no reservation (--no-allocate)", meaning: "`env`, `exec` or `port` with `--no-allocate`, and the worktree has no reservation " +
		"(for `env` and `exec`: none that this user's tool wrote for this worktree)."},
	{code: exitFindings, summary: "doctor found problems", meaning: "`doctor` found a problem: something that breaks ports or puts them at risk. " +
		"Advice alone (a missing hook, say) is printed and exits 0."},
	{code: exitSurvived, summary: "stop: a process it signalled survived, or a port stayed in use", meaning: "`stop`: a process it signalled survived KILL, or one of the ports it freed is still in use; a line names each."},
	{code: exitNotExecutable, summary: "cannot execute", meaning: "`exec`: the command was found but cannot be executed, as in a shell.", exec: true},
	{code: exitNotFound, summary: "not found", meaning: "`exec`: the command was not found, as in a shell.", exec: true},
}

// exitCodesHelp is the paragraph on exit codes at the end of the root command's --help.
func exitCodesHelp() string {
	var general, execOnly []string
	for _, s := range exitStatuses {
		if s.exec {
			execOnly = append(execOnly, fmt.Sprintf("%d (%s)", s.code, s.summary))
		} else {
			general = append(general, fmt.Sprintf("%d %s", s.code, s.summary))
		}
	}
	return wrap("Exit codes: "+strings.Join(general, ", ")+"; exec passes its command's status through, or exits "+
		strings.Join(execOnly, " or ")+" as a shell would.", 90)
}

// wrap breaks text into lines of at most width columns, at spaces.
func wrap(text string, width int) string {
	var b strings.Builder
	col := 0
	for _, w := range strings.Fields(text) {
		switch {
		case col == 0:
		case col+1+len(w) > width:
			b.WriteByte('\n')
			col = 0
		default:
			b.WriteByte(' ')
			col++
		}
		b.WriteString(w)
		col += len(w)
	}
	return b.String()
}

// manEnvironment is the ENVIRONMENT section: every variable the tool reads or sets.
var manEnvironment = "## ENVIRONMENT\n" + config.ManSettingVariables() +
	"`GIT_CONFIG_NOSYSTEM`, `GIT_CONFIG_SYSTEM`, `GIT_CONFIG_GLOBAL`, `XDG_CONFIG_HOME`, `GIT_CONFIG_PARAMETERS`\n" +
	": The tool reads git's worktree and config files itself where it can be sure to read them\nas git does; these choose the config files as for git(1), and `GIT_CONFIG_PARAMETERS`\nholds what `git -c` set, which hooks inherit. It asks git instead whenever `GIT_DIR`,\n`GIT_WORK_TREE`, `GIT_COMMON_DIR` or another `GIT_CONFIG*` variable is set, or `git -c`\nset a key that changes what git reads (`core.bare`, `core.worktree`, `include.*`, ...).\n\n" +
	"`SUDO_UID`\n" +
	": Run as root with `SUDO_UID` set, the tool leaves a repository's files to git, which then\njudges ownership by that user (`safe.directory`).\n\n" +
	"`XDG_STATE_HOME`, `HOME`\n" +
	": Where the per-user index lives: `$XDG_STATE_HOME/git-worktree-ports`, or\n`$HOME/.local/state/git-worktree-ports` when `XDG_STATE_HOME` is unset or not an\nabsolute path.\n\n" +
	"`WORKTREE_PORTS_ROOT`, `WORKTREE_PORTS_SLOT`\n" +
	": `env` and `exec` set them, next to the ports and `vars`: the worktree's top level and its\nslot. A `WORKTREE_PORTS_ROOT` inherited from another worktree (a shell that changed\ndirectory without reloading) makes `env` warn and `doctor` report it.\n\n" +
	"`GIT_DIR`, `GIT_WORK_TREE`, `GIT_CEILING_DIRECTORIES`, `GIT_OBJECT_DIRECTORY`\n" +
	": When `GIT_DIR`, `GIT_WORK_TREE`, `GIT_COMMON_DIR` or `GIT_OBJECT_DIRECTORY` is set, or a\n`GIT_CEILING_DIRECTORIES` entry stops the search, every command asks git where the worktree\nis rather than looking for `.git` itself. git reads them, and the rest of its environment, as git(1) says. The hook\nunsets `GIT_DIR`, `GIT_WORK_TREE`, `GIT_INDEX_FILE`, `GIT_PREFIX` and `GIT_COMMON_DIR`\nbefore it runs the tool, since git sets them for hooks.\n\n" +
	"`PATH`\n" +
	": `exec` looks its command up on it, as a shell does; the hook falls back to it when the\nbinary it recorded is gone.\n\n" +
	"`NO_COLOR`, `CLICOLOR`, `CLICOLOR_FORCE`, `TERM`\n" +
	": `list` colours its table only on a terminal. `NO_COLOR` set to anything but the empty\nstring turns colour off, whatever else is set; so do `CLICOLOR=0` and `TERM=dumb`,\nunless `CLICOLOR_FORCE` is set and not `0`, which also colours a pipe. `--json` is never\ncoloured.\n\n" +
	"`COLUMNS`\n" +
	": The width `list` fits its table to on a terminal, when it is a positive number;\notherwise the terminal's own width. It means nothing when stdout is not a terminal.\n"

// manFiles is the FILES section.
const manFiles = "## FILES\n" +
	"`.worktree-ports.json`\n" +
	": A worktree's reservation, at its top level: `version`, `worktree`, `root`, `git_dir`,\n`base`, `width`, `slot`, `ports`, `env`, `approval` and `proof`, plus any field you add. These files are the\nregistry: nothing else records ports. `allocate` writes it atomically (a temporary\n`.worktree-ports.json.tmp-*` beside it, then a rename) and adds both names to the\ncommon `info/exclude`.\n\n" +
	"`" + config.FileName + "`\n" +
	": The services (see CONFIGURATION), at the top of the repository, committed.\n\n" +
	"`.env`, and any file the config lists under `dotenv`\n" +
	": A worktree's dotenv files, where `allocate` keeps the block between\n`# >>> git-worktree-ports >>>` and `# <<< git-worktree-ports <<<` and `release` removes it\n(see CONFIGURATION). Only the block is ever written.\n\n" +
	"`worktree-ports.lock` in the common git directory\n" +
	": The repository lock (`flock`) in `git rev-parse --git-common-dir`, the git directory\nall worktrees share (`.git` of the main worktree), held from the scan to the write. The\nholder writes its pid and verb into it, never its arguments; the file is 0600.\n\n" +
	"`worktree-ports.main` in the common git directory\n" +
	": Where the main worktree is, when git records nothing (a separate git directory):\nwritten by `allocate` in the main worktree, only read by every other command;\nbelieved only while that directory's `.git` file points back.\n\n" +
	"`$XDG_STATE_HOME/git-worktree-ports/`\n" +
	": The per-user index of repositories, for cross-repository awareness; by default\n`~/.local/state/git-worktree-ports/`. It holds one small `.json` file per repository,\nwhich records where the repository is, never ports, and `lock`, the per-user lock.\n`list --all` reads it; `forget` removes an entry.\n\n" +
	"`$XDG_STATE_HOME/git-worktree-ports/trust/`\n" +
	": Your approvals of config contents (`trust`), one small file per repository and content,\nand `key`, the random key (mode 0600) that signs the reservations your tool writes.\n\n" +
	"`post-checkout`\n" +
	": The hook `install-hook` writes, in the directory git runs hooks from\n(`git rev-parse --git-path hooks`, which honours `core.hooksPath`), or `.husky/post-checkout`\nunder husky; in an existing shell hook it adds a marked block.\n"
