#!/bin/sh
# post-checkout hook of git-worktree-ports; `git worktree-ports install-hook --uninstall` removes it.
# >>> git-worktree-ports post-checkout (v3) >>>
# Gives a new worktree its own ports (git worktree-ports). Never fails the
# checkout and never touches this script's variables: all work is in a subshell.
# A new worktree (previous HEAD all zeros) always goes to the binary: a reservation that
# is already there was checked out from a commit, and must be warned about and moved.
gwp_new=
case ${1-} in *[!0]* | '') ;; *) gwp_new=1 ;; esac
if [ "${3-}" != 0 ] && { [ -n "$gwp_new" ] || [ ! -e .worktree-ports.json ]; }; then
	(
		unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_PREFIX GIT_COMMON_DIR
		gwp_bin='@BINARY@'
		if [ ! -f "$gwp_bin" ] || [ ! -x "$gwp_bin" ]; then
			gwp_bin=$(command -v git-worktree-ports 2>/dev/null) || gwp_bin=
		fi
		if [ -n "$gwp_bin" ]; then
			# exec: the subshell becomes the binary, one process fewer per checkout; a
			# failed exec ends only the subshell, and the || : below catches it.
			exec "$gwp_bin" hook post-checkout "${1-}" "${2-}" "${3-}" </dev/null >&2
		else
			echo 'git-worktree-ports: not found; ports not allocated for this worktree' >&2 || :
		fi
	) || :
fi
unset gwp_new
# <<< git-worktree-ports post-checkout <<<
exit 0
