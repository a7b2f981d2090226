#!/usr/bin/env bash
# bench.sh: times git-worktree-ports, run as users run it (through `git worktree-ports`,
# with the system config in play), against git itself with hyperfine and prints each
# goal of issue 14 as the ratio of two medians taken in this run, with PASS or MISS (and,
# beside it, the ratio of CPU time, which moves less with the machine's load). Then the
# processes each command starts, counted with strace. `make bench` runs it after
# building the static binary (`make build`) and the same binary with cgo on (BIN_CGO).
# docs/BENCHMARKS.md says what is timed, why it is fair, and the latest figures.
#
# Fixtures (scripts/mkfixture.sh): repositories of 10, 100 and 1,000 linked worktrees,
# half of them holding reservations, each with a per-user state directory of its own;
# and 5 more repositories of 150 worktrees registered together with the 100 one, for
# cross-repository awareness.
#
#   BENCH_QUICK=1   only the 10 and 100 fixtures (the 1,000 goals print "not run"), 10 runs each
#   BENCH_SIZES     override the sizes, e.g. "100 1000"
#   BENCH_CROSS_AT, BENCH_CROSS_REPOS, BENCH_CROSS_WORKTREES
#                   the size cross-repository awareness is measured at (100), and the
#                   other repositories (5 of 150 worktrees)
#   BENCH_KEEP=1    keep the temporary directory (its path is printed)
#   BIN             the binary (default bin/git-worktree-ports)
#   BIN_CGO         the same binary built with cgo on (default: built here with go build)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
bin=${BIN:-$root/bin/git-worktree-ports}
command -v hyperfine >/dev/null || { echo "bench: hyperfine not found (apt-get install hyperfine)" >&2; exit 1; }
[ -x "$bin" ] || { echo "bench: $bin not built (make build)" >&2; exit 1; }
bin=$(realpath "$bin")

if [ -n "${BENCH_QUICK:-}" ]; then
	sizes=${BENCH_SIZES:-10 100}
	hf=(--warmup 3 --runs 10)
else
	sizes=${BENCH_SIZES:-10 100 1000}
	hf=(--warmup 3 --min-runs 20)
fi
# Cross-repository awareness is measured in the repository of this size, with this many
# other registered repositories of this many worktrees each.
cross_at=${BENCH_CROSS_AT:-100}
cross_repos=${BENCH_CROSS_REPOS:-5}
cross_wts=${BENCH_CROSS_WORKTREES:-150}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gwp-bench.XXXXXX")
if [ -n "${BENCH_KEEP:-}" ]; then echo "bench: keeping $tmp" >&2; else trap 'rm -rf "$tmp"' EXIT; fi

# The binary as a plain `go build` makes it wherever cgo is on: dynamically linked.
bin_cgo=${BIN_CGO:-}
if [ -z "$bin_cgo" ]; then
	bin_cgo=$tmp/git-worktree-ports-cgo
	CGO_ENABLED=1 go build -trimpath -ldflags '-s -w' -o "$bin_cgo" ./cmd/git-worktree-ports
fi
bin_cgo=$(realpath "$bin_cgo")
linkage() { # ldd fails on a static binary
	if ! command -v ldd >/dev/null; then echo "linkage unknown"; elif ldd "$1" >/dev/null 2>&1; then echo dynamic; else echo static; fi
}
link_static=$(linkage "$bin") link_cgo=$(linkage "$bin_cgo")
# Every figure is taken as users run the tool: through git (`git worktree-ports ...`), which
# puts its exec path first on PATH, with the system config in play. Each build gets a
# directory of its own holding it as git-worktree-ports; the static one is first on PATH.
mkdir -p "$tmp/path-static" "$tmp/path-cgo"
ln -s "$bin" "$tmp/path-static/git-worktree-ports"
ln -s "$bin_cgo" "$tmp/path-cgo/git-worktree-ports"
path_cgo=$tmp/path-cgo:$PATH
export PATH=$tmp/path-static:$PATH

# Isolate git and the tool from the user's files, as the tests do, but not from the
# system config (/etc/gitconfig): users have it, and reading it is part of the cost.
export HOME=$tmp/home XDG_STATE_HOME=$tmp/state XDG_CONFIG_HOME=$tmp/home/.config
unset GIT_CONFIG_NOSYSTEM
export GIT_AUTHOR_NAME=Bench GIT_AUTHOR_EMAIL=bench@example.invalid
export GIT_COMMITTER_NAME=Bench GIT_COMMITTER_EMAIL=bench@example.invalid
unset GIT_DIR GIT_WORK_TREE WORKTREE_PORTS_ROOT GIT_WORKTREE_PORTS_CROSS_REPO
mkdir -p "$HOME"
printf '[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n' >"$HOME/.gitconfig"
# The yardstick for the hook: git's hook dispatch running a hook that does nothing.
mkdir -p "$tmp/noop-hooks"
printf '#!/bin/sh\nexit 0\n' >"$tmp/noop-hooks/post-checkout"
chmod +x "$tmp/noop-hooks/post-checkout"

echo "bench: $(nproc) cores, $(uname -r), $(git --version), $(go version 2>/dev/null | cut -d' ' -f3), $(hyperfine --version), $("$bin" --version 2>/dev/null | head -1)" >&2
echo "bench: binaries: $bin ($link_static), $bin_cgo ($link_cgo)" >&2
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
echo "bench: load average $load_start at the start" >&2

# Each fixture has its own per-user state, so cross-repository awareness does not make
# the 10-worktree figures read the 1,000-worktree repository too. The cross-repository
# state starts as a copy of the $cross_at one (so that repository is registered there),
# and the other repositories are built into it: their reservations avoid its ports.
for n in $sizes; do
	echo "bench: building the fixture with $n worktrees" >&2
	XDG_STATE_HOME=$tmp/state-$n "$root/scripts/mkfixture.sh" "$tmp/w$n" "$n" "$bin"
done
if [ -d "$tmp/w$cross_at" ]; then
	cp -a "$tmp/state-$cross_at" "$tmp/state-cross"
	echo "bench: building $cross_repos more repositories of $cross_wts worktrees, registered with w$cross_at" >&2
	for ((r = 1; r <= cross_repos; r++)); do
		XDG_STATE_HOME=$tmp/state-cross "$root/scripts/mkfixture.sh" "$tmp/x$r" "$cross_wts" "$bin"
	done
fi

csv=$tmp/results.csv # key,label,median seconds,mean CPU seconds (user+system, children included)
: >"$csv"
collect() { # collect KEY FILE.csv: append "key,label,median,cpu" rows
	tail -n +2 "$2" | awk -F, -v k="$1" '{ print k "," $1 "," $4 "," $5 + $6 }' >>"$csv"
}
procs=$tmp/procs.md # the processes each command starts, for the table at the end
: >"$procs"
# count_procs LABEL DIR CMD...: run CMD once in DIR under strace and record how many
# programs it executed (itself included) and which git subcommands.
count_procs() {
	local label=$1 dir=$2
	shift 2
	command -v strace >/dev/null || return 0
	# One file per process (-ff), so no execve line is split into "unfinished" and "resumed".
	rm -rf "$tmp/strace" && mkdir "$tmp/strace"
	(cd "$dir" && strace -f -ff -qq -s 4096 -e trace=execve -e signal=none -o "$tmp/strace/p" "$@" >/dev/null 2>&1) || true
	awk -v label="$label" '
		/execve\(/ && / = 0$/ {
			n++
			if (match($0, /\["[^]]*\]/)) {
				split(substr($0, RSTART + 1, RLENGTH - 2), a, ", ")
				p = a[1]; gsub(/"/, "", p); sub(/.*\//, "", p)
				if (p == "git") { # git and its subcommand (two words for worktree), past -c, -C and their values
					for (i = 2; i in a; i++) { s = a[i]; gsub(/"/, "", s); if (s == "-c" || s == "-C") { i++; continue } if (s !~ /^-/) break }
					p = "git " s
					if (s == "worktree" && (i + 1) in a) { s = a[i + 1]; gsub(/"/, "", s); p = p " " s }
				}
				if (!(p in cnt)) order[++k] = p
				cnt[p]++
			}
		}
		END {
			out = ""
			for (i = 1; i <= k; i++) { p = order[i]; out = out (out == "" ? "" : ", ") p (cnt[p] > 1 ? " x" cnt[p] : "") }
			printf "| %s | %d | %s |\n", label, n, out
		}' $(ls "$tmp"/strace/p.* | sort -t. -k2n) >>"$procs"
}

for n in $sizes; do
	w=$tmp/w$n
	export XDG_STATE_HOME=$tmp/state-$n
	echo "bench: $n worktrees: allocate, env, list (load average $(cut -d' ' -f1-3 /proc/loadavg))" >&2
	# "A new worktree": wt-2 holds no reservation in the fixture, and --prepare deletes
	# the one the previous run wrote, so every timed run allocates from nothing (the
	# reservation file is the only thing allocate writes for a worktree).
	(cd "$w/wt-2" && hyperfine -N "${hf[@]}" --style basic \
		--export-csv "$tmp/cmds-$n.csv" --export-json "$tmp/cmds-$n.json" \
		--prepare "rm -f $w/wt-2/.worktree-ports.json" -n "allocate (new worktree)" "git worktree-ports allocate" \
		--prepare true -n "git worktree list --porcelain -z" "git worktree list --porcelain -z" \
		--prepare true -n "allocate (keep)" "git worktree-ports allocate" \
		--prepare true -n "env (static)" "git worktree-ports env" \
		--prepare true -n "git rev-parse --show-toplevel" "git rev-parse --show-toplevel" \
		--prepare true -n "list" "git worktree-ports list" \
		--prepare true -n "list --no-owners" "git worktree-ports list --no-owners" \
		--prepare true -n "git worktree list --porcelain" "git worktree list --porcelain") >&2
	collect "$n" "$tmp/cmds-$n.csv"
	# The cgo build, found through git the same way: PATH names its directory first.
	(export PATH=$path_cgo && cd "$w/wt-2" && hyperfine -N "${hf[@]}" --style basic \
		--export-csv "$tmp/cgo-$n.csv" -n "env (cgo)" "git worktree-ports env") >&2
	collect "$n" "$tmp/cgo-$n.csv"
	[ -f "$w/wt-2/.worktree-ports.json" ] || { echo "bench: allocate left no reservation in $w/wt-2" >&2; exit 1; }
	rm -f "$w/wt-2/.worktree-ports.json"
	count_procs "allocate (new worktree), $n worktrees" "$w/wt-2" git worktree-ports allocate
	count_procs "allocate (keep), $n worktrees" "$w/wt-2" git worktree-ports allocate
	count_procs "env, $n worktrees" "$w/wt-2" git worktree-ports env

	echo "bench: $n worktrees: git worktree add with our hook and with a no-op hook (load average $(cut -d' ' -f1-3 /proc/loadavg))" >&2
	(cd "$w/repo" && "$bin" install-hook >/dev/null 2>&1)
	ours=$(git -C "$w/repo" rev-parse --path-format=absolute --git-common-dir)/hooks
	cat >"$tmp/remove-add-$n" <<-SH
		#!/bin/sh
		git -C "$w/repo" worktree remove --force "$w/bench-add" 2>/dev/null
		rm -rf "$w/bench-add"
		git -C "$w/repo" worktree prune
	SH
	chmod +x "$tmp/remove-add-$n"
	# Both sides name their hooks directory the same way, so they differ only in the hook.
	(cd "$w/repo" && hyperfine -N "${hf[@]}" --style basic \
		--export-csv "$tmp/add-$n.csv" --export-json "$tmp/add-$n.json" \
		--prepare "$tmp/remove-add-$n" --cleanup "$tmp/remove-add-$n" \
		-n "git worktree add (no-op hook)" "git -c core.hooksPath=$tmp/noop-hooks worktree add -q --detach $w/bench-add" \
		-n "git worktree add (our hook)" "git -c core.hooksPath=$ours worktree add -q --detach $w/bench-add") >&2
	collect "$n" "$tmp/add-$n.csv"
	git -C "$w/repo" -c "core.hooksPath=$ours" worktree add -q --detach "$w/bench-add" 2>/dev/null
	[ -f "$w/bench-add/.worktree-ports.json" ] || { echo "bench: the hook allocated nothing in $w/bench-add" >&2; exit 1; }
	"$tmp/remove-add-$n"
	count_procs "git worktree add (our hook), $n worktrees" "$w/repo" git -c "core.hooksPath=$ours" worktree add -q --detach "$w/bench-add"
	"$tmp/remove-add-$n"
	count_procs "git worktree add (no-op hook), $n worktrees" "$w/repo" git -c "core.hooksPath=$tmp/noop-hooks" worktree add -q --detach "$w/bench-add"
	"$tmp/remove-add-$n"
done

# Cross-repository awareness: allocate for a new worktree of the $cross_at repository with
# $cross_repos others registered, awareness on (the default) and off. Two hyperfine
# invocations, so neither side pays for an `env` process.
if [ -d "$tmp/state-cross" ]; then
	w=$tmp/w$cross_at
	export XDG_STATE_HOME=$tmp/state-cross
	echo "bench: cross-repository: $cross_repos other repositories of $cross_wts worktrees (load average $(cut -d' ' -f1-3 /proc/loadavg))" >&2
	(cd "$w/wt-2" && hyperfine -N "${hf[@]}" --style basic --export-csv "$tmp/cross-on.csv" \
		--prepare "rm -f $w/wt-2/.worktree-ports.json" -n "allocate (new worktree)" "git worktree-ports allocate" \
		--prepare true -n "git worktree list --porcelain -z (another repository)" "git -C $tmp/x1/repo worktree list --porcelain -z") >&2
	collect "cross-on" "$tmp/cross-on.csv"
	(export GIT_WORKTREE_PORTS_CROSS_REPO=0 && cd "$w/wt-2" && hyperfine -N "${hf[@]}" --style basic --export-csv "$tmp/cross-off.csv" \
		--prepare "rm -f $w/wt-2/.worktree-ports.json" -n "allocate (new worktree)" "git worktree-ports allocate") >&2
	collect "cross-off" "$tmp/cross-off.csv"
	rm -f "$w/wt-2/.worktree-ports.json"
	count_procs "allocate (new worktree), $cross_at worktrees, $cross_repos other repositories" "$w/wt-2" git worktree-ports allocate
	rm -f "$w/wt-2/.worktree-ports.json"
	GIT_WORKTREE_PORTS_CROSS_REPO=0 count_procs "the same, cross-repository awareness off" "$w/wt-2" git worktree-ports allocate
fi

# Package initialisers of each build, summed from GODEBUG=inittrace=1: the median of 11 starts.
inits() {
	for _ in 1 2 3 4 5 6 7 8 9 10 11; do
		GODEBUG=inittrace=1 "$1" --version 2>&1 >/dev/null | awk '/^init / { s += $5 } END { printf "%.3f\n", s }'
	done | sort -n | sed -n 6p
}

# The table: each goal's median next to its reference's, ratio, PASS or MISS.
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
echo "bench: load average $load_end at the end; raw results in $tmp/*.json (BENCH_KEEP=1 keeps them)" >&2
echo "$(nproc) cores, load average $load_start at the start and $load_end at the end (1, 5, 15 minutes); ${BENCH_QUICK:+BENCH_QUICK, }$(git --version), $(hyperfine --version)."
echo
awk -F, -v sizes="$sizes" -v quick="${BENCH_QUICK:+1}" -v at="$cross_at" -v repos="$cross_repos" -v wts="$cross_wts" \
	-v ls="$link_static" -v lc="$link_cgo" '
function ms(s) { return sprintf("%.1f", s * 1000) }
{ med[$1 SUBSEP $2] = $3; cpu[$1 SUBSEP $2] = $4 }
function cpuratio(k, cmd, rk, ref,    a, b) {
	a = cpu[k SUBSEP cmd]; b = cpu[rk SUBSEP ref]
	return (b > 0) ? sprintf("%.2fx", a / b) : ""
}
function row(k, what, cmd, rk, ref, refname, limit,    a, b, r, res) {
	a = med[k SUBSEP cmd]; b = med[rk SUBSEP ref]
	if (limit == "") {
		if (a == "" || b == "") return
		printf "| %s | %s | %s | %s | %s | %.2fx | %s | (info) | |\n", what, cmd, ms(a), refname, ms(b), a / b, cpuratio(k, cmd, rk, ref)
		return
	}
	if (a == "" || b == "") {
		printf "| %s | %s | | %s | | | | <= %sx | not run%s |\n", what, cmd, refname, limit, quick ? " (BENCH_QUICK)" : ""
		skipped++
		return
	}
	r = a / b
	res = (r <= limit) ? "PASS" : "**MISS**"
	if (r <= limit) passed++; else missed++
	printf "| %s | %s | %s | %s | %s | %.2fx | %s | <= %sx | %s |\n", what, cmd, ms(a), refname, ms(b), r, cpuratio(k, cmd, rk, ref), limit, res
}
END {
	print "| worktrees | command | median ms | reference | median ms | ratio | CPU ratio | goal | result |"
	print "|---|---|---:|---|---:|---:|---:|---|---|"
	row(100, "100", "allocate (new worktree)", 100, "git worktree list --porcelain -z", "git worktree list --porcelain -z", "1.0")
	row(1000, "1000", "allocate (new worktree)", 1000, "git worktree list --porcelain -z", "git worktree list --porcelain -z", "1.0")
	row("cross-on", at " + " repos "x" wts, "allocate (new worktree)", "cross-off", "allocate (new worktree)", "the same with GIT_WORKTREE_PORTS_CROSS_REPO=0", "1.5")
	for (n = 10; n <= 1000; n *= 10)
		row(n, n, "git worktree add (our hook)", n, "git worktree add (no-op hook)", "git worktree add (no-op hook)", "1.25")
	ns = split(sizes, sz, " ")
	for (i = 1; i <= ns; i++) {
		n = sz[i]
		row(n, n, "env (static)", n, "git rev-parse --show-toplevel", "git rev-parse --show-toplevel", "1.5")
		row(n, n, "env (cgo)", n, "git rev-parse --show-toplevel", "git rev-parse --show-toplevel", "1.5")
	}
	print ""
	printf "Goals: %d PASS, %d MISS, %d not run. The ratio is of the medians of wall time, which the goals are about; the CPU ratio is of the mean user+system time (children included), which moves less with the machine'"'"'s load. env (static) is the `make build` binary (%s); env (cgo) a plain `go build` with cgo on (%s).\n", passed, missed, skipped, ls, lc
	print ""
	print "For information, from the same run:"
	print ""
	print "| worktrees | command | median ms | reference | median ms | ratio | CPU ratio | goal | result |"
	print "|---|---|---:|---|---:|---:|---:|---|---|"
	for (i = 1; i <= ns; i++) {
		n = sz[i]
		row(n, n, "allocate (new worktree)", n, "git worktree list --porcelain -z", "git worktree list --porcelain -z")
		row(n, n, "allocate (keep)", n, "git worktree list --porcelain -z", "git worktree list --porcelain -z")
		row(n, n, "list", n, "git worktree list --porcelain", "git worktree list --porcelain")
		row(n, n, "list --no-owners", n, "git worktree list --porcelain", "git worktree list --porcelain")
	}
	on = med["cross-on" SUBSEP "allocate (new worktree)"]; off = med["cross-off" SUBSEP "allocate (new worktree)"]
	gl = med["cross-on" SUBSEP "git worktree list --porcelain -z (another repository)"]
	if (on != "" && off != "" && gl != "") {
		print ""
		printf "Cross-repository awareness: each of the %d other repositories (%d worktrees) costs allocate %.1f ms; `git worktree list --porcelain -z` there takes %.1f ms.\n", repos, wts, (on - off) * 1000 / repos, gl * 1000
	}
}' "$csv"
echo
echo "Processes each command starts (run once under \`strace -f -e trace=execve\`, the command itself included; package initialisers, summed from GODEBUG=inittrace=1: static $(inits "$bin") ms, cgo $(inits "$bin_cgo") ms):"
echo
echo "| command | programs executed | which |"
echo "|---|---:|---|"
cat "$procs"
