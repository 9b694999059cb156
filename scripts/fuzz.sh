#!/bin/sh
# fuzz.sh run|smoke SECONDS TARGET... - runs the libFuzzer targets built in
# build/fuzz/ (see tests/fuzz/README.md) and prints one summary line each.
#   run:   fuzz each target for SECONDS, growing build/fuzz/corpus/<target>/
#          from the checked-in seeds; crashes go to build/fuzz/findings/<target>/.
#   smoke: replay tests/fuzz/corpus/<target>/ and tests/fuzz/regressions/<target>/,
#          then fuzz for SECONDS from a scratch corpus (what `make test` runs).
# Exits non-zero when any target crashed, leaked, timed out or ran out of memory.
set -u
mode=$1
secs=$2
shift 2

failed=0
printf '%-22s %10s %9s %7s %9s\n' target execs exec/s corpus findings
for t in "$@"; do
	bin=build/fuzz/$t
	findings=build/fuzz/findings/$t
	log=build/fuzz/logs/$t.$mode.log
	mkdir -p "$findings" build/fuzz/logs
	if [ "$mode" = smoke ]; then
		work=build/fuzz/smoke/$t
		rm -rf "$work"
	else
		work=build/fuzz/corpus/$t
	fi
	mkdir -p "$work"
	# Read-only inputs: seeds and past crashes (a directory libFuzzer is
	# given must exist, and git keeps no empty ones).
	dirs=""
	for d in tests/fuzz/corpus/$t tests/fuzz/regressions/$t; do
		[ -d "$d" ] && dirs="$dirs $d"
	done
	opts=""
	[ -f tests/fuzz/$t.dict ] && opts="-dict=tests/fuzz/$t.dict"
	before=$(ls "$findings" | wc -l)
	# shellcheck disable=SC2086 # $dirs and $opts are lists
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix="$findings/" $opts "$work" $dirs >"$log" 2>&1
	rc=$?
	after=$(ls "$findings" | wc -l)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
	corp=$(sed -n 's/.* corp: \([0-9]*\)\/.*/\1/p' "$log" | tail -n 1)
	new=$((after - before))
	printf '%-22s %10s %9s %7s %9s\n' "$t" "${execs:-?}" "${rate:-?}" "${corp:-?}" "$new"
	if [ "$rc" -ne 0 ] || [ "$new" -ne 0 ]; then
		failed=1
		echo "fuzz: $t failed (exit $rc); last lines of $log:"
		grep -E 'ERROR|SUMMARY|^artifact_prefix|Test unit written' "$log" | head -n 20
	fi
done
if [ "$failed" -ne 0 ]; then
	echo "fuzz: findings saved under build/fuzz/findings/ (see tests/fuzz/README.md)"
	exit 1
fi
