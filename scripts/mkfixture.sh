#!/usr/bin/env bash
# mkfixture.sh DIR N [BIN]: builds a benchmark fixture in DIR:
#   DIR/repo         the main worktree, one commit of 100 small files
#   DIR/wt-1..wt-N   N linked worktrees (detached, no checkout: only git's own files)
# Every odd worktree (half of them) holds a reservation, made by BIN allocate
# (default bin/git-worktree-ports). The caller sets HOME, GIT_CONFIG_NOSYSTEM and so on;
# bench.sh isolates git before calling this.
set -euo pipefail
dir=$1 n=$2 bin=${3:-bin/git-worktree-ports}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
mkdir -p "$dir"
cd "$dir"
git init -q repo
cd repo
for d in 0 1 2 3 4 5 6 7 8 9; do
	mkdir -p "src/$d"
	for f in 0 1 2 3 4 5 6 7 8 9; do echo "file $d/$f" >"src/$d/$f.txt"; done
done
git add -A
git commit -q -m fixture
start=$SECONDS
for ((i = 1; i <= n; i++)); do
	git worktree add -q --no-checkout --detach "../wt-$i"
	if ((i % 250 == 0)); then echo "  $dir: $i/$n worktrees ($((SECONDS - start)) s)" >&2; fi
done
# Allocations serialise on the repository lock, but their git processes overlap.
for ((i = 1; i <= n; i += 2)); do echo "../wt-$i"; done |
	xargs -P 4 -I{} sh -c 'cd "$1" && "$2" allocate 2>/dev/null' sh {} "$bin"
# git itself must agree on the count: the main worktree plus n linked ones.
got=$(git worktree list --porcelain | grep -c '^worktree ')
if [ "$got" != $((n + 1)) ]; then
	echo "mkfixture: git worktree list shows $got worktrees, want $((n + 1))" >&2
	exit 1
fi
have=$(ls ../wt-*/.worktree-ports.json | wc -l)
echo "  $dir: $n worktrees, $have reservations ($((SECONDS - start)) s)" >&2
