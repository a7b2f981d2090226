// Package hooks is git-worktree-ports' post-checkout hook in one place: the script
// itself (post-checkout.sh, embedded in the binary and rendered for a binary path by
// Block and File), and putting it where git looks for hooks, or taking it out (Install,
// Uninstall and Inspect; InstallGlobal through core.hooksPath or init.templateDir;
// InstallConfig as a config-based hook of git 2.54). The script stays in this
// top-level directory because go:embed reaches no parent directory.
//
// # The block
//
// The hook is a POSIX sh block between two marker lines. The block is safe to paste into
// any sh, bash, zsh, dash or ksh hook, including one running under `set -eu`:
//   - it never calls exit, and does all its work in a subshell whose failure is ignored,
//     so it cannot end or fail the surrounding script and never changes its variables;
//   - it costs one shell builtin and no process on a file checkout ($3 = 0); every branch
//     checkout runs the binary, which allocates in a worktree without a reservation and
//     otherwise keeps the bundle and refreshes what derives from the branch and the
//     checked-out config (about 12 ms a switch on 2 cores), printing nothing when
//     nothing changed;
//   - it unsets GIT_DIR and the other variables git sets for a hook, because they are set
//     for a checkout inside a linked worktree and unset under `git worktree add`;
//   - it calls the binary at the absolute path recorded at install time, falling back to
//     git-worktree-ports on PATH, so git clients with a minimal PATH still work. When
//     neither exists it prints one line to stderr and carries on.
//
// The binary is run as `<binary> hook post-checkout <prev> <new> <flag>` with stdin from
// /dev/null and stdout sent to stderr. Its exit status is ignored.
//
// # Installing
//
// Install never clobbers a hook that is already there. Where git really looks for hooks
// (Options.HooksDir, which honours core.hooksPath) it:
//   - writes a whole hook of its own when there is none;
//   - upgrades its own marked block in place, wherever it sits;
//   - adds its marked block to a foreign shell hook;
//   - refuses, with the exact line to add by hand, a hook it cannot edit safely: another
//     language, a binary, CRLF line endings, or a file git does not run;
//   - edits husky's committed .husky/post-checkout rather than husky's generated folder;
//   - leaves lefthook and pre-commit repositories alone, and returns the snippet to add to
//     their configuration instead;
//   - never writes through a symlink that leads out of the working tree or git's hooks
//     directory (see place), on install or uninstall.
//
// The block goes right after the shebang line of a foreign hook, not at its end. That is
// the one place that is always at the top level of the script and always reached: an
// appended block would never run after an `exit` or `exec` anywhere in the script, would
// run inside whatever directory the script cd'd into, and would reset the `$?` that a
// final bare `exit` returns. Running first, the block cannot change what the foreign
// script does: it never exits and sets nothing outside its own subshell.
//
// Uninstall removes exactly the lines it added, so a foreign hook comes back byte for
// byte. The one exception is a hook that is a single shebang line without a final
// newline: it keeps the newline the block needed.
package hooks
