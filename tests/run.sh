#!/bin/sh
# run.sh - runs the test programs of one build variant and summarises.
#   tests/run.sh BUILD_DIR test_name...
# Each program is a cmocka suite; its output is kept in BUILD_DIR/tests/NAME.log
# and shown in full when it fails.
set -u
dir=$1
shift
failed=""
for t in "$@"; do
	log="$dir/tests/$t.log"
	start=$(date +%s)
	if "$dir/tests/$t" >"$log" 2>&1; then
		echo "  ok    $t ($(($(date +%s) - start))s, $dir)"
	else
		echo "  FAIL  $t ($dir)"
		cat "$log"
		failed="$failed $t"
	fi
done
if [ -n "$failed" ]; then
	echo "failed in $dir:$failed"
	exit 1
fi
