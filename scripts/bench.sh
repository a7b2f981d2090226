#!/usr/bin/env bash
# bench.sh: times git-worktree-ports against git itself with hyperfine, on fixtures of
# 10, 100 and 1,000 linked worktrees (half of them holding reservations), and prints a
# markdown table of medians, ratios and the targets of issue 7. `make bench` runs it
# after `make build`.
#
#   BENCH_QUICK=1   only the 10 and 100 fixtures, fewer runs
#   BENCH_SIZES     override the sizes, e.g. "100 1000"
#   BENCH_KEEP=1    keep the temporary directory (its path is printed)
#   BIN             the binary (default bin/git-worktree-ports)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
bin=${BIN:-$root/bin/git-worktree-ports}
command -v hyperfine >/dev/null || { echo "bench: hyperfine not found (apt-get install hyperfine)" >&2; exit 1; }
[ -x "$bin" ] || { echo "bench: $bin not built (make build)" >&2; exit 1; }

if [ -n "${BENCH_QUICK:-}" ]; then
	sizes=${BENCH_SIZES:-10 100}
	hf=(--warmup 3 --runs 10)
else
	sizes=${BENCH_SIZES:-10 100 1000}
	hf=(--warmup 3 --min-runs 20)
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gwp-bench.XXXXXX")
if [ -n "${BENCH_KEEP:-}" ]; then echo "bench: keeping $tmp" >&2; else trap 'rm -rf "$tmp"' EXIT; fi

# Isolate git and the tool from the machine, as the tests do.
export HOME=$tmp/home XDG_STATE_HOME=$tmp/state XDG_CONFIG_HOME=$tmp/home/.config
export GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=Bench GIT_AUTHOR_EMAIL=bench@example.invalid
export GIT_COMMITTER_NAME=Bench GIT_COMMITTER_EMAIL=bench@example.invalid
unset GIT_DIR GIT_WORK_TREE WORKTREE_PORTS_ROOT
mkdir -p "$HOME" "$tmp/nohooks"
printf '[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n' >"$HOME/.gitconfig"

echo "bench: $(nproc) cores, $(uname -r), $(git --version), $(go version 2>/dev/null | cut -d' ' -f3), $("$bin" --version 2>/dev/null | head -1)" >&2
echo "bench: load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2

# Each fixture has its own per-user state, so cross-repository awareness does not make
# the 10-worktree figures list the 1,000-worktree repository too; the cross-repository
# cost is measured on its own below.
for n in $sizes; do
	echo "bench: building the fixture with $n worktrees" >&2
	XDG_STATE_HOME=$tmp/state-$n "$root/scripts/mkfixture.sh" "$tmp/w$n" "$n" "$bin"
done

csv=$tmp/results.csv # size,label,median seconds
: >"$csv"
collect() { # collect SIZE FILE.csv: append "size,label,median" rows
	tail -n +2 "$2" | awk -F, -v n="$1" '{ print n "," $1 "," $4 }' >>"$csv"
}

for n in $sizes; do
	w=$tmp/w$n
	export XDG_STATE_HOME=$tmp/state-$n
	echo "bench: $n worktrees: allocate, env, list" >&2
	# wt-2 holds no reservation in the fixture; after the first command it does.
	(cd "$w/wt-2" && hyperfine -N "${hf[@]}" --style basic \
		--export-csv "$tmp/cmds-$n.csv" --export-json "$tmp/cmds-$n.json" \
		--prepare "rm -f $w/wt-2/.worktree-ports.json" -n "allocate (new worktree)" "$bin allocate" \
		--prepare true -n "allocate (keep)" "$bin allocate" \
		--prepare true -n "git worktree list --porcelain -z" "git worktree list --porcelain -z" \
		--prepare true -n "env" "$bin env" \
		--prepare true -n "git rev-parse --show-toplevel" "git rev-parse --show-toplevel" \
		--prepare true -n "list" "$bin list" \
		--prepare true -n "list --no-owners" "$bin list --no-owners" \
		--prepare true -n "git worktree list --porcelain" "git worktree list --porcelain") >&2
	collect "$n" "$tmp/cmds-$n.csv"

	echo "bench: $n worktrees: git worktree add with and without the hook" >&2
	(cd "$w/repo" && "$bin" install-hook >/dev/null 2>&1)
	cat >"$tmp/remove-add-$n" <<-SH
		#!/bin/sh
		git -C "$w/repo" worktree remove --force "$w/bench-add" 2>/dev/null
		rm -rf "$w/bench-add"
		git -C "$w/repo" worktree prune
	SH
	chmod +x "$tmp/remove-add-$n"
	(cd "$w/repo" && hyperfine -N "${hf[@]}" --style basic \
		--export-csv "$tmp/add-$n.csv" --export-json "$tmp/add-$n.json" \
		--prepare "$tmp/remove-add-$n" --cleanup "$tmp/remove-add-$n" \
		-n "git worktree add (no hook)" "git -c core.hooksPath=$tmp/nohooks worktree add -q --detach $w/bench-add" \
		-n "git worktree add (hook)" "git worktree add -q --detach $w/bench-add") >&2
	collect "$n" "$tmp/add-$n.csv"
done

# Cross-repository awareness (issue 6): 10 registered repositories of 50 worktrees each.
# allocate in one of them with awareness on reads all ten; with it off, only its own.
cross_repos=${BENCH_CROSS_REPOS:-10}
cross_wts=${BENCH_CROSS_WORKTREES:-50}
export XDG_STATE_HOME=$tmp/state-cross
echo "bench: building $cross_repos repositories of $cross_wts worktrees, registered together" >&2
for ((r = 1; r <= cross_repos; r++)); do
	"$root/scripts/mkfixture.sh" "$tmp/x$r" "$cross_wts" "$bin"
done
(cd "$tmp/x1/wt-2" && hyperfine -N "${hf[@]}" --style basic \
	--export-csv "$tmp/cross.csv" --export-json "$tmp/cross.json" \
	--prepare "rm -f $tmp/x1/wt-2/.worktree-ports.json" -n "allocate (all $cross_repos repositories)" "$bin allocate" \
	--prepare "rm -f $tmp/x1/wt-2/.worktree-ports.json" -n "allocate (this repository only)" "env GIT_WORKTREE_PORTS_CROSS_REPO=0 $bin allocate" \
	--prepare true -n "git worktree list --porcelain -z (one repository)" "git worktree list --porcelain -z") >&2
collect "cross" "$tmp/cross.csv"

# The table: each command's median next to its yardstick's, and the targets.
awk -F, -v sizes="$sizes" -v repos="$cross_repos" -v wts="$cross_wts" '
function ms(s) { return sprintf("%.1f", s * 1000) }
{ med[$1 SUBSEP $2] = $3 }
function row(n, cmd, yard, target, limit,    a, b, r, ok) {
	a = med[n SUBSEP cmd]; b = med[n SUBSEP yard]
	if (a == "" || b == "") return
	r = a / b
	ok = (limit == "") ? "" : (r <= limit ? "pass" : "**miss**")
	if (ok == "**miss**") misses++
	printf "| %s | %s | %s | %s | %s | %.2fx | %s %s |\n", n, cmd, ms(a), yard, ms(b), r, target, ok
}
END {
	ns = split(sizes, sz, " ")
	print "| worktrees | command | median ms | yardstick | median ms | ratio | target |"
	print "|---:|---|---:|---|---:|---:|---|"
	for (i = 1; i <= ns; i++) {
		n = sz[i]
		lim = (n >= 100) ? 2 : ""
		row(n, "allocate (new worktree)", "git worktree list --porcelain -z", (n >= 100) ? "<= 2x" : "(info)", lim)
		row(n, "allocate (keep)", "git worktree list --porcelain -z", "(info)", "")
		row(n, "env", "git rev-parse --show-toplevel", "<= 2x", 2)
		row(n, "list", "git worktree list --porcelain", "(info)", "")
		row(n, "list --no-owners", "git worktree list --porcelain", "(info)", "")
		row(n, "git worktree add (hook)", "git worktree add (no hook)", "<= 1.5x", 1.5)
	}
	print ""
	print "Growth of `allocate (new worktree)`: per-worktree cost (median / worktrees) must not rise with size."
	print ""
	print "| from | to | median ms | median ms | per-worktree ms | per-worktree ms | marginal ms per added worktree | target |"
	print "|---:|---:|---:|---:|---:|---:|---:|---|"
	for (i = 1; i < ns; i++) {
		n1 = sz[i]; n2 = sz[i + 1]
		a = med[n1 SUBSEP "allocate (new worktree)"]; b = med[n2 SUBSEP "allocate (new worktree)"]
		if (a == "" || b == "") continue
		ok = (b / n2 <= a / n1) ? "pass" : "**miss**"
		if (ok == "**miss**") misses++
		g1 = med[n1 SUBSEP "git worktree list --porcelain -z"]; g2 = med[n2 SUBSEP "git worktree list --porcelain -z"]
		printf "| %s | %s | %s | %s | %.3f | %.3f | %.3f (git worktree list: %.3f) | linear %s |\n", n1, n2, ms(a), ms(b), a * 1000 / n1, b * 1000 / n2, (b - a) * 1000 / (n2 - n1), (g2 - g1) * 1000 / (n2 - n1), ok
	}
	print ""
	on = med["cross" SUBSEP "allocate (all " repos " repositories)"]; off = med["cross" SUBSEP "allocate (this repository only)"]
	gl = med["cross" SUBSEP "git worktree list --porcelain -z (one repository)"]
	if (on != "" && off != "") {
		per = (on - off) / (repos - 1)
		ok = (per <= off) ? "pass" : "**miss**"
		if (ok == "**miss**") misses++
		print "Cross-repository awareness: allocate in one of " repos " registered repositories of " wts " worktrees each."
		print ""
		print "| allocate, all " repos " repositories | allocate, this repository only | git worktree list, one repository | cost per other repository | target |"
		print "|---:|---:|---:|---:|---|"
		printf "| %s ms | %s ms | %s ms | %s ms (%.2fx of allocating in one repository) | each other repository costs at most one allocation %s |\n", ms(on), ms(off), ms(gl), ms(per), per / off, ok
		print ""
	}
	printf "Targets missed: %d\n", misses
}' "$csv"
echo "bench: load average $(cut -d' ' -f1-3 /proc/loadavg); raw results in $tmp/*.json (BENCH_KEEP=1 keeps them)" >&2
