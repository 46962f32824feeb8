# shellcheck shell=bash
# write_report FILE NAME REPORT: REPORT replaces what lies between FILE's
# markers "<!-- NAME: begin -->" and "<!-- NAME: end -->", or is appended
# between new ones; FILE "-" writes nothing.  The benchmarks' tables reach
# docs/PERFORMANCE.md this way, and the text around them stays.
write_report() {
	local file=$1 name=$2 report=$3 begin="<!-- $2: begin -->" end="<!-- $2: end -->" tmp
	[ "$file" = - ] && return 0
	tmp=$(mktemp) || { echo "$name: no temporary file" >&2; return 1; }
	if [ -f "$file" ] && grep -qF "$begin" "$file" && grep -qF "$end" "$file"; then
		awk -v b="$begin" -v e="$end" -v r="$report" '
			$0 == b { print; while ((getline l < r) > 0) print l; skip = 1; next }
			$0 == e { skip = 0 }
			!skip' "$file" >"$tmp"
	else
		{ if [ -s "$file" ]; then cat "$file"; echo; else echo "# Performance"; echo; fi
		  echo "$begin"; cat "$report"; echo "$end"; } >"$tmp"
	fi
	mv "$tmp" "$file" || { echo "$name: cannot write $file" >&2; return 1; }
	echo "$name: wrote $file"
}
