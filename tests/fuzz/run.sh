#!/bin/sh
# Run each fuzz target for its share of the time, on a scratch copy of its
# seed corpus, and fail if any of them found something.
#
#   sh tests/fuzz/run.sh FUZZ_DIR TOTAL_SECONDS TARGET...
#
# FUZZ_DIR holds the binaries (fuzz_TARGET); each run works in
# FUZZ_DIR/run/TARGET/ (corpus/, log, and the crash-*/leak-*/timeout-*/oom-*
# reproducers libFuzzer writes), so that the seed corpus in git stays as it is.
# FUZZ_FLAGS (environment) is passed on to every libFuzzer run.
set -u

dir=$1
total=$2
shift 2
seeds=tests/fuzz/corpus
dict=tests/fuzz/nsinit.dict

seconds=$((total / $#))
[ "$seconds" -ge 1 ] || seconds=1
echo "fuzz: $# targets, ${seconds}s each"

failed=0
for t in "$@"; do
	work=$dir/run/$t
	rm -rf "$work"
	mkdir -p "$work/corpus"
	cp "$seeds/$t"/* "$work/corpus/"
	# -timeout: a parser that takes seconds on one input is a bug too.
	# -max_len: longer inputs reach nothing new (the argv targets skip them).
	# shellcheck disable=SC2086 # FUZZ_FLAGS is a list of flags
	"$dir/fuzz_$t" -max_total_time="$seconds" -timeout=5 -max_len=512 -dict="$dict" \
		-artifact_prefix="$work/" -print_final_stats=1 ${FUZZ_FLAGS:-} \
		"$work/corpus" >"$work/log" 2>&1
	rc=$?

	# "#123 DONE cov: 45 ft: 67 corp: 8/90b ..." and the final stats.
	last=$(grep -E '^#[0-9]+' "$work/log" | tail -n 1)
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log")
	cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	corp=$(echo "$last" | sed -n 's/.* corp: \([0-9]*\).*/\1/p')
	echo "fuzz $t: ${runs:-?} runs, ${rate:-?} exec/s, cov ${cov:-?}, ft ${ft:-?}," \
		"corpus ${corp:-?} (seeds $(find "$seeds/$t" -type f | wc -l))"

	# libFuzzer names what it found after the kind of failure.
	found=$(find "$work" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' \
		-o -name 'timeout-*' -o -name 'oom-*' -o -name 'slow-unit-*' \))
	if [ "$rc" -ne 0 ] || [ -n "$found" ]; then
		failed=1
		echo "FAIL fuzz $t (exit $rc); the end of $work/log:"
		grep -v -E '^#[0-9]+|^stat::' "$work/log" | tail -n 40 | sed 's/^/    /'
		for f in $found; do
			echo "reproducer: $f"
			echo "  run it again: $dir/fuzz_$t $f"
		done
	fi
done
exit $failed
