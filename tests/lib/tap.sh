# TAP helpers for the shell tests: source this file, call ok/not_ok/check,
# end with done_testing.  tests/run counts the "ok"/"not ok" lines.

T_N=0
T_FAIL=0

ok() { T_N=$((T_N + 1)); echo "ok $T_N - $*"; }

not_ok() {
	T_N=$((T_N + 1))
	T_FAIL=$((T_FAIL + 1))
	echo "not ok $T_N - $*"
}

# check DESCRIPTION COMMAND...: one test point from a command's exit status.
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# skip_test DESCRIPTION REASON: counted as passed, reported as skipped.
skip_test() { T_N=$((T_N + 1)); echo "ok $T_N - $1 # SKIP $2"; }

# diag MESSAGE: a comment line, shown in the log but not counted.
diag() { printf '# %s\n' "$*"; }

done_testing() {
	echo "1..$T_N"
	[ "$T_FAIL" -eq 0 ]
}

# Paths every test uses.  GRUBINST may point at a sanitizer build.
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
GRUBINST=${GRUBINST:-$TOP/build/grubinst}
GRUBINST_CACHE=${GRUBINST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/grubinst}
export GRUBINST GRUBINST_CACHE
# A finding whose severity or area its code's row does not allow
# (inspect/codes.c) aborts the run that reports it (inspect/finding.c).
export GRUBINST_CHECK_CODES=1

# A scratch directory per test script, removed on exit unless KEEP=1.
T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/grubinst-test.XXXXXX")
trap '[ "${KEEP:-0}" = 1 ] || rm -rf "$T_TMP"' EXIT
