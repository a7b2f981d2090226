#!/usr/bin/env bash
# Shows git-worktree-ports on a throwaway repository: worktrees get disjoint bundles, a
# listener on a preferred slot is stepped over, and the ports reach programs.
set -euo pipefail
command -v git-worktree-ports >/dev/null || { echo "git-worktree-ports is not on PATH" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/git-worktree-ports-demo.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export GIT_CONFIG_NOSYSTEM=1 HOME="$tmp/home" XDG_STATE_HOME="$tmp/state"
mkdir -p "$HOME"
git config --global user.name demo; git config --global user.email demo@example.invalid
git config --global init.defaultBranch main

# Commands are shown in bold on a terminal only, by the tool's own rules (README, "Colour"):
# piped to a file or a pager, the demo carries no escape codes.
bold='' plain=''
if [ -z "${NO_COLOR:-}" ]; then
	if [ -n "${CLICOLOR_FORCE:-}" ] && [ "$CLICOLOR_FORCE" != 0 ] ||
		{ [ -t 1 ] && [ "${CLICOLOR:-}" != 0 ] && [ "${TERM:-}" != dumb ]; }; then
		bold=$'\033[1m' plain=$'\033[0m'
	fi
fi
say() { printf '\n%s$ %s%s\n' "$bold" "$*" "$plain"; }
run() { say "$*"; "$@"; }

cd "$tmp" && git init -q shop && cd shop
git commit -q --allow-empty -m init
run git worktree-ports init --service api --service web --service db=5
git add .worktree-ports.config.json && git commit -q -m "worktree-ports config"
run git worktree-ports install-hook
run git worktree add -q ../shop-feature-a
run git worktree add -q ../shop-feature-b
run git worktree-ports allocate
run git worktree-ports list
say 'cat ../shop-feature-a/.worktree-ports.json'; cat ../shop-feature-a/.worktree-ports.json
run git -C ../shop-feature-b worktree-ports env
say "git worktree-ports exec -- sh -c 'echo api on \$API_PORT, web on \$WEB_PORT'"
git worktree-ports exec -- sh -c 'echo api on $API_PORT, web on $WEB_PORT'
# A copied worktree directory brings its reservation along: doctor spots the overlap.
cp .worktree-ports.json ../shop-feature-b/.worktree-ports.json
touch -d '+1 second' ../shop-feature-b/.worktree-ports.json
say 'cp .worktree-ports.json ../shop-feature-b/ && git worktree-ports doctor'
git worktree-ports doctor || echo "(doctor exited $?)"
run git -C ../shop-feature-b worktree-ports allocate
echo
echo "demo repository was $tmp/shop (removed on exit)"
