#!/bin/bash
# bench/run.sh labels each section in bench/sections/host.md with the commit
# it measured: the one checked out when the benchmark starts (a commit made
# while it runs is not it), "+dirty" when the tree was not that commit, and
# for a fresh test the clone's commit its section names. Host only: a
# throwaway git repository with bench/run.sh and stand-in benchmarks.
source "$(dirname "$0")/../lib.sh"
T="bench run label"
o=$OUTROOT/bench-run-label
r=$o/repo
rm -rf "$o" && mkdir -p "$r/bench" || { fail "$T" "cannot make $r"; exit 0; }
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.org GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.org
# Fixed dates: the same commits, so the same lines, in every run (the
# sanitizer test compares this script's output under two builds).
export GIT_AUTHOR_DATE=2026-01-01T00:00:00Z GIT_COMMITTER_DATE=2026-01-01T00:00:00Z
cp "$TOP/bench/run.sh" "$r/bench/"
# scale: a commit lands while it runs. repeat: it leaves the tree dirty
# for the benchmark after it (bpf-cost). fresh-test: measures a clone of
# another commit.
cat > "$r/bench/scale.sh" <<'S'
#!/bin/bash
echo "## scale"
cd "$(dirname "$0")/.." && echo x >> later.txt && git add later.txt && git commit -qm later
S
cat > "$r/bench/repeat.sh" <<'S'
#!/bin/bash
echo "## repeat"
echo y >> "$(dirname "$0")/../later.txt"
S
printf '#!/bin/bash\necho "## bpf-cost"\n' > "$r/bench/bpf-cost.sh"
printf '#!/bin/bash\necho "## fresh"; echo; echo "meminit at abc1234, 2026-12-03 02:04 UTC: make test"\n' \
	> "$r/bench/fresh-test.sh"
echo pass > "$r/bench/results.py"
chmod +x "$r"/bench/*.sh
# a row of an earlier run, with digits in its name: a rerun of the others keeps it
mkdir -p "$r/bench/sections"
printf 'Host: x\n\n| benchmark | run (UTC) | meminit at | wall (s) |\n|---|---|---|---|\n| fresh-test-arm64 | 2026-12-03 07:14 | 065cf27 | 705 |\n' \
	> "$r/bench/sections/host.md"
printf 'build/\n' > "$r/.gitignore"
(cd "$r" && git init -q && git add -A && git commit -qm first) || { fail "$T" "git init failed"; exit 0; }
first=$(git -C "$r" rev-parse --short HEAD)
"$r/bench/run.sh" scale repeat bpf-cost fresh-test > "$o/run.out" 2>&1 ||
	{ fail "$T" "bench/run.sh: $(tail -n1 "$o/run.out")"; exit 0; }
second=$(git -C "$r" rev-parse --short HEAD)
h=$r/bench/sections/host.md
at() { awk -F' \\| ' -v n="$1" '$1 == "| " n { print $3 }' "$h"; }
[ "$(at scale)" = "$first" ] && [ "$second" != "$first" ] &&
	pass "$T: a commit made during the run: labeled with the one measured ($first, not $second)" ||
	fail "$T: commit during the run" "scale labeled '$(at scale)', first $first, then $second"
[ "$(at repeat)" = "$second" ] && [ "$(at bpf-cost)" = "$second+dirty" ] &&
	pass "$T: a tree changed before the benchmark: $second+dirty" ||
	fail "$T: dirty tree" "repeat '$(at repeat)', bpf-cost '$(at bpf-cost)', want $second and $second+dirty"
[ "$(at fresh-test)" = abc1234 ] &&
	pass "$T: a fresh test: the clone's commit its section names (abc1234)" ||
	fail "$T: fresh test" "labeled '$(at fresh-test)', its section measured abc1234"
[ "$(at fresh-test-arm64)" = 065cf27 ] &&
	pass "$T: an earlier run's row is kept when others are rerun (fresh-test-arm64)" ||
	fail "$T: earlier row" "fresh-test-arm64's row became '$(at fresh-test-arm64)' (dropped?)"
