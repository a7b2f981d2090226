#!/bin/sh
# post-checkout hook of git-worktree-ports; `git worktree-ports install-hook --uninstall` removes it.
# >>> git-worktree-ports post-checkout (v4) >>>
# Gives a new worktree its own ports (git worktree-ports). Never fails the
# checkout and never touches this script's variables: all work is in a subshell.
# Every branch checkout goes to the binary: a new worktree's reservation (if one came with
# the checkout) is a committed copy, to be warned about and moved; an existing one keeps
# its bundle and has what derives from the branch and the config refreshed.
if [ "${3-}" != 0 ]; then
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
# <<< git-worktree-ports post-checkout <<<
exit 0
