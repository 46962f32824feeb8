#!/bin/bash
# What `make bench` runs: grubinst against the tools it replaces, on the same
# images, in the same run, with the medians of several runs, and the goals of
# the speed issue beside the figures.
#
#   install  grubinst IMAGE against the grub shell's "setup (hd0)" (the stage
#            files already in /boot/grub for the shell), on the tutorial's
#            12 MiB disk, a 32 GiB and a 2 TiB sparse ext4 disk; grubinst
#            also with its syncs skipped (bench/nosync.c), as the shell
#            makes none;
#   verify   grubinst --verify IMAGE against e2fsck -fn, on the 12 MiB disk
#            after the install and on disks of 100,000 and 1,000,000 files
#            of mixed sizes in 1,010 directories, ext2 with 1 KiB blocks and
#            ext4 with 4 KiB blocks: page cache warm, and cold when
#            /proc/sys/vm/drop_caches is writable (caches dropped before
#            each run, the programs and their libraries read back);
#   goals    the goals of the speed issue, met or not met: install processor
#            time at most 1.0x the shell's on 12 MiB and 1.5x on 2 TiB;
#            verify bytes read at most 0.2x e2fsck's on 100,000 files and
#            processor time at most 0.1x on every image, warm and cold.
#
# Every image is made with the real tools (sfdisk, mke2fs -d, debugfs) from
# trees written by bench/mktree, and checked: the install with e2fsck -fn,
# the verify images must verify clean.  Wall time, processor time, peak
# memory (max RSS) and bytes read (rchar, and read_bytes from storage, of
# /proc/PID/io) of each run come from bench/timeit.  The tables go to stdout
# and between the markers of the report (docs/PERFORMANCE.md).
#
# Environment:
#   GRUBINST        the binary measured (default build/grubinst)
#   BENCH_RUNS      timed runs of each command (default 11; verify, warm and
#                   cold: 5)
#   BENCH_FILES     file counts of the verify images (default "100000 1000000")
#   BENCH_QUICK=1   the 12 MiB install, the verify of that image and of one
#                   of 2,000 files (the latter also cold), 3 runs each:
#                   proves the script works (tests/bench.test)
#   BENCH_DIR       build the images there and keep them for the next run
#                   (default: a temporary directory, removed at the end)
#   BENCH_OUT       the report to update (default docs/PERFORMANCE.md, "-"
#                   for none)
set -u

TOP=$(cd "$(dirname "$0")/.." && pwd)
GRUBINST=${GRUBINST:-$TOP/build/grubinst}
QUICK=${BENCH_QUICK:-0}
OUT=${BENCH_OUT:-$TOP/docs/PERFORMANCE.md}
TOOLS=${BENCH_TOOLS:-$TOP/build/bench}
STAGES=${GRUB_STAGE_DIR:-/usr/lib/grub/x86_64-pc}
if [ "$QUICK" = 1 ]; then
	IRUNS=${BENCH_RUNS:-3}
	VRUNS=${BENCH_RUNS:-3}
	FILES=${BENCH_FILES:-2000}
else
	IRUNS=${BENCH_RUNS:-11}
	VRUNS=${BENCH_RUNS:-5}
	FILES=${BENCH_FILES:-"100000 1000000"}
fi

# tests/lib: image_create, image_partition, image_mkfs, part_offset,
# image_mknod_console, image_fsck, mini_root.
GRUBINST_CACHE=${GRUBINST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/grubinst}
# shellcheck source=tests/lib/image.sh
. "$TOP/tests/lib/image.sh"
# shellcheck source=tests/lib/verify.sh
. "$TOP/tests/lib/verify.sh"
# shellcheck source=bench/report.sh
. "$TOP/bench/report.sh"

die() {
	echo "bench: $*" >&2
	exit 1
}

for tool in "$GRUBINST" sfdisk mke2fs debugfs e2fsck cc; do
	command -v "$tool" >/dev/null || die "$tool is missing (make all; tools/install-deps)"
done
# tests/lib/grubshell.sh: natively, or under qemu-i386 on a kernel that
# cannot run i386 programs.  An emulated shell is several times slower:
# the report says so and its ratios are not comparable.
grub_shell_detect || die "$GRUB_SHELL_WHY"

if [ -n "${BENCH_DIR:-}" ]; then
	WORK=$BENCH_DIR
	mkdir -p "$WORK" || die "cannot create $WORK"
else
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/grubinst-bench.XXXXXX") || die "no temporary directory"
	trap 'rm -rf "$WORK"' EXIT
fi
case "$(cd "$WORK" && pwd -P)/" in
"$TOP"/*) die "BENCH_DIR must be outside the repository: images are gigabytes" ;;
esac

# ---- the two helpers, built here so that make check needs no rule ----

build_tools() {
	local t
	mkdir -p "$TOOLS" || die "cannot create $TOOLS"
	for t in timeit mktree; do
		if [ ! -x "$TOOLS/$t" ] || [ "$TOP/bench/$t.c" -nt "$TOOLS/$t" ]; then
			cc -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE -O2 \
				"$TOP/bench/$t.c" -o "$TOOLS/$t" || die "cannot build $t"
		fi
	done
	if [ ! -f "$TOOLS/nosync.so" ] || [ "$TOP/bench/nosync.c" -nt "$TOOLS/nosync.so" ]; then
		cc -std=c11 -Wall -Wextra -Werror -O2 -fPIC -shared \
			"$TOP/bench/nosync.c" -o "$TOOLS/nosync.so" || die "cannot build nosync.so"
	fi
}

# ---- measuring ----

# run_timed NAME STDIN COMMAND...: one run; appends "WALL_US RSS_KIB CPU_US
# RCHAR READ_BYTES" to $WORK/NAME.times (the last two -1 when timeit could
# not read /proc/PID/io).  Stops the bench (with the command's output) when
# the command fails: a failed run measures nothing.
run_timed() {
	local name=$1 in=$2 res=$WORK/$1.res log=$WORK/$1.log wall rss status cpu rchar rbytes
	shift 2
	if ! "$TOOLS/timeit" "$res" "$@" <"$in" >"$log" 2>&1; then
		die "timeit failed for $name"
	fi
	read -r wall rss status cpu rchar rbytes <"$res"
	if [ "$status" != 0 ]; then
		sed 's/^/  /' "$log" | tail -n 20 >&2
		die "$name: $* exited with status $status"
	fi
	echo "$wall $rss $cpu ${rchar:--1} ${rbytes:--1}" >>"$WORK/$name.times"
}

# median NAME FIELD: the median of column FIELD (1 wall, 2 rss, 3 cpu,
# 4 rchar, 5 read_bytes).
median() {
	cut -d' ' -f"$2" "$WORK/$1.times" | sort -n |
		awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# pair_medians NAME FIELD: e v ce cv re rv, the medians of e2fsck's and
# --verify's wall time, processor time and bytes read (FIELD 4, rchar, or
# 5, read_bytes) in NAME's runs.
pair_medians() {
	e=$(median "$1.e2fsck" 1)
	v=$(median "$1.verify" 1)
	ce=$(median "$1.e2fsck" 3)
	cv=$(median "$1.verify" 3)
	re=$(median "$1.e2fsck" "$2")
	rv=$(median "$1.verify" "$2")
}

ms() { awk -v us="$1" 'BEGIN { printf (us < 100000 ? "%.1f ms" : "%.0f ms"), us / 1000 }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }
# bytes N: a byte count for the tables; "n/a" for the -1 of an unreadable
# /proc/PID/io.
bytes() {
	awk -v b="$1" 'BEGIN {
		if (b < 0) print "n/a"
		else if (b >= 1048576) printf "%.1f MiB", b / 1048576
		else if (b >= 1024) printf "%.0f KiB", b / 1024
		else printf "%d B", b }'
}
# ratio A B: A / B, or "n/a" when either is unknown (-1) or B is 0.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a < 0 || b <= 0) print "n/a"; else printf "%.2f", a / b }'; }
thousands() { echo "$1" | sed ':a; s/\B[0-9]\{3\}\>/,&/; ta'; }

# goal_figure KEY RATIO WHERE: one figure for the goals table, in
# $WORK/goals.tsv.
goal_figure() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$WORK/goals.tsv"; }

# fresh_copy BASE COPY: a sparse copy, flushed, so that the fsyncs of the
# command measured do not write the copy itself.
fresh_copy() {
	cp --sparse=always "$1" "$2" && sync "$2" || die "cannot copy $1"
}

# ---- the install images ----

# install_image NAME SIZE_BYTES START FSTYPE BLOCKSIZE: NAME.img without
# GRUB (for grubinst) and NAME.shell.img with the stage files in /boot/grub
# (for the grub shell), both from the same small root.
install_image() {
	local name=$1 bytes=$2 start=$3 type=$4 bs=$5 img root variant
	for variant in plain shell; do
		img=$WORK/$name.$variant.img
		[ -s "$img" ] && continue
		root=$WORK/root.$variant
		if [ ! -d "$root" ]; then
			mini_root "$root" || die "cannot make $root"
			if [ "$variant" = shell ]; then
				cp "$STAGES"/{stage1,stage2,e2fs_stage1_5} "$root/boot/grub/" ||
					die "no stage files in $STAGES"
			fi
		fi
		rm -f "$img"
		truncate -s "$bytes" "$img" || die "cannot create $img"
		printf 'label: dos\nlabel-id: 0x0badc0de\nstart=%s, type=83, bootable\n' "$start" |
			image_partition "$img" || die "sfdisk failed on $img"
		image_mkfs "$img" 1 "$type" "$bs" "$root" && image_mknod_console "$img" 1 ||
			die "mke2fs failed on $img"
	done
}

# shell_cmds IMG: what the grub shell is fed, as grub_shell_setup in
# tests/lib/image.sh does.
shell_cmds() {
	printf 'device (hd0) %s\nroot (hd0,0)\nsetup (hd0)\nquit\n' "$1" >"$WORK/shell.cmds"
}

# bench_install NAME LABEL FILESYSTEM [KEEP]: the install row; KEEP, when
# given, receives the image grubinst installed into last (for a verify row).
bench_install() {
	local name=$1 label=$2 fs=$3 keep=${4:-} plain=$WORK/$1.plain.img shell=$WORK/$1.shell.img
	local copy=$WORK/copy.img i c
	for c in shell again new nosync; do rm -f "$WORK/$name.$c.times"; done
	shell_cmds "$copy"
	for ((i = 0; i < IRUNS; i++)); do
		fresh_copy "$shell" "$copy"
		run_timed "$name.shell" "$WORK/shell.cmds" "${GRUB_SHELL[@]}" --batch --no-floppy --device-map=/dev/null
		grep -q '^Done\.' "$WORK/$name.shell.log" && ! grep -q 'Error [0-9]' "$WORK/$name.shell.log" ||
			die "$name: the grub shell's setup failed: $(tr '\n' ' ' <"$WORK/$name.shell.log")"
		fresh_copy "$shell" "$copy"
		run_timed "$name.again" /dev/null "$GRUBINST" -q "$copy"
		fresh_copy "$plain" "$copy"
		run_timed "$name.new" /dev/null "$GRUBINST" -q "$copy"
		fresh_copy "$plain" "$copy"
		# (An AddressSanitizer build, in tests/bench.test, must be told
		# that the shim comes first.)
		run_timed "$name.nosync" /dev/null env LD_PRELOAD="$TOOLS/nosync.so" \
			ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
			"$GRUBINST" -q "$copy"
	done
	image_fsck "$copy" 1 || die "$name: e2fsck -fn finds errors after grubinst"
	if [ -n "$keep" ]; then
		mv "$copy" "$keep" || die "cannot keep $copy"
	else
		rm -f "$copy"
	fi
	local s a n u cs cn
	s=$(median "$name.shell" 1)
	a=$(median "$name.again" 1)
	n=$(median "$name.new" 1)
	u=$(median "$name.nosync" 1)
	cs=$(median "$name.shell" 3)
	cn=$(median "$name.new" 3)
	printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s / %s | %s | %s / %s |\n' "$label" "$fs" \
		"$(ms "$s")" "$(ms "$a")" "$(ms "$n")" "$(ms "$u")" \
		"$(ratio "$a" "$s")" "$(ratio "$n" "$s")" "$(ratio "$u" "$s")" \
		"$(ms "$cs")" "$(ms "$cn")" "$(ratio "$cn" "$cs")" \
		"$(mib "$(median "$name.shell" 2)")" "$(mib "$(median "$name.new" 2)")" >>"$WORK/install.md"
	echo "$n" >"$WORK/$name.new.median"
	goal_figure "install-cpu-$name" "$(ratio "$cn" "$cs")" ""
}

# ---- the verify images ----

# verify_image N BS TYPE: WORK/vN-BS.img, N files from bench/mktree (the
# tree is shared by both block sizes and removed once both exist), GRUB
# installed by grubinst, checked with --verify.
verify_image() {
	local n=$1 bs=$2 type=$3 img=$WORK/v$1-$2.img tree=$WORK/tree-$1 blocks mib inodes start=2048
	[ -s "$img" ] && return 0
	if [ ! -s "$tree.counts" ] || [ ! -d "$tree/data" ]; then
		rm -rf "$tree"
		mini_root "$tree" || die "cannot make $tree"
		"$TOOLS/mktree" "$tree/data" "$n" >"$tree.counts" || die "mktree failed"
	fi
	read -r _ files _ dirs _ b1 _ b4 <"$tree.counts"
	blocks=$([ "$bs" = 1024 ] && echo "$b1" || echo "$b4")
	inodes=$(((files + dirs) * 102 / 100 + 4096))
	# Data, a fifth more for indirect blocks and directories, the inode
	# tables, and room for the journal and GRUB.
	mib=$(((blocks * bs * 6 / 5 + inodes * 256) / 1048576 + 320))
	rm -f "$img"
	truncate -s "${mib}M" "$img" || die "cannot create $img"
	printf 'label: dos\nlabel-id: 0x0badc0de\nstart=%s, type=83, bootable\n' "$start" |
		image_partition "$img" || die "sfdisk failed on $img"
	E2FSPROGS_FAKE_TIME=$IMG_EPOCH mke2fs -q -F -t "$type" -b "$bs" -N "$inodes" \
		-E "offset=$((start * 512))" -d "$tree" "$img" $(((mib * 2048 - start) * 512 / bs)) ||
		die "mke2fs -d of $n files failed"
	image_mknod_console "$img" 1 && "$GRUBINST" -q "$img" || die "cannot install GRUB into $img"
	"$GRUBINST" --verify "$img" >"$WORK/verify.log" 2>&1 ||
		die "$img does not verify clean: $(grep -E 'FAIL|warn' "$WORK/verify.log" | head -3)"
}

# bench_verify NAME LABEL FILESYSTEM IMG FILES: the row of IMG with a warm
# page cache.  FILES is its number of files, empty for the tutorial image:
# the goal on bytes read is set on the images of 100,000 files.
bench_verify() {
	local name=$1 label=$2 fs=$3 img=$4 files=$5 off i e v ce cv re rv
	off=$(part_offset "$img" 1) || die "no partition 1 in $img"
	rm -f "$WORK/$name.e2fsck.times" "$WORK/$name.verify.times"
	# One run each first, untimed: the page cache holds the image after it.
	e2fsck -fn "$img?offset=$off" >/dev/null 2>&1 || die "e2fsck -fn finds errors in $img"
	"$GRUBINST" --verify "$img" >/dev/null 2>&1
	for ((i = 0; i < VRUNS; i++)); do
		run_timed "$name.e2fsck" /dev/null e2fsck -fn "$img?offset=$off"
		run_timed "$name.verify" /dev/null "$GRUBINST" --verify "$img"
	done
	pair_medians "$name" 4
	printf '| %s | %s | %s | %s | %s | %s / %s | %s | %s / %s | %s | %s | %s |\n' \
		"$label" "$fs" "$(ms "$e")" "$(ms "$v")" "$(ratio "$v" "$e")" \
		"$(ms "$ce")" "$(ms "$cv")" "$(ratio "$cv" "$ce")" \
		"$(bytes "$re")" "$(bytes "$rv")" "$(ratio "$rv" "$re")" \
		"$(mib "$(median "$name.e2fsck" 2)")" \
		"$(mib "$(median "$name.verify" 2)")" >>"$WORK/verify.md"
	goal_figure verify-cpu-warm "$(ratio "$cv" "$ce")" "$label, ${fs%%,*}"
	[ "$files" = 100000 ] && goal_figure verify-bytes-warm "$(ratio "$rv" "$re")" "$label, ${fs%%,*}"
	return 0
}

# ---- verify with a cold page cache ----

drop_caches() { sync && { echo 3 >/proc/sys/vm/drop_caches; } 2>/dev/null; }

# cold_setup: COLD_WHY empty when the page cache can be dropped, else why
# not.  COLD_KEEP: the files read back after each drop, the two programs
# and their shared libraries, so that read_bytes counts what they read of
# the image rather than their own loading (3 to 4 MB, more than e2fsck
# reads of a small image).
cold_setup() {
	local prog
	COLD_WHY=
	COLD_KEEP=(/etc/ld.so.cache)
	if [ ! -w /proc/sys/vm/drop_caches ]; then
		COLD_WHY="/proc/sys/vm/drop_caches is not writable (the bench does not run as root, or /proc/sys is read-only)"
		return 0
	fi
	if ! drop_caches; then
		COLD_WHY="writing to /proc/sys/vm/drop_caches failed"
		return 0
	fi
	for prog in "$(command -v "$GRUBINST")" "$(command -v e2fsck)"; do
		COLD_KEEP+=("$prog")
		mapfile -t -O "${#COLD_KEEP[@]}" COLD_KEEP < <(ldd "$prog" 2>/dev/null |
			awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }')
	done
}

# cold_prepare: a page cache empty but for the programs (see cold_setup);
# each program also runs once without the image, for the files it opens
# at start (locale, configuration).
cold_prepare() {
	drop_caches || die "cannot drop the page cache"
	cat "${COLD_KEEP[@]}" >/dev/null 2>&1
	e2fsck -V >/dev/null 2>&1
	"$GRUBINST" --version >/dev/null 2>&1
}

# bench_cold NAME LABEL FILESYSTEM IMG FILES: as bench_verify, the page
# cache dropped before each run; bytes read from storage (read_bytes).
bench_cold() {
	local name=$1.cold label=$2 fs=$3 img=$4 files=$5 off i e v ce cv re rv
	off=$(part_offset "$img" 1) || die "no partition 1 in $img"
	rm -f "$WORK/$name.e2fsck.times" "$WORK/$name.verify.times"
	for ((i = 0; i < VRUNS; i++)); do
		cold_prepare
		run_timed "$name.e2fsck" /dev/null e2fsck -fn "$img?offset=$off"
		cold_prepare
		run_timed "$name.verify" /dev/null "$GRUBINST" --verify "$img"
	done
	pair_medians "$name" 5
	printf '| %s | %s | %s | %s | %s | %s / %s | %s | %s / %s | %s |\n' \
		"$label" "$fs" "$(ms "$e")" "$(ms "$v")" "$(ratio "$v" "$e")" \
		"$(bytes "$re")" "$(bytes "$rv")" "$(ratio "$rv" "$re")" \
		"$(ms "$ce")" "$(ms "$cv")" "$(ratio "$cv" "$ce")" >>"$WORK/cold.md"
	goal_figure verify-cpu-cold "$(ratio "$cv" "$ce")" "$label, ${fs%%,*}"
	[ "$files" = 100000 ] && goal_figure verify-bytes-cold "$(ratio "$rv" "$re")" "$label, ${fs%%,*}"
	return 0
}

# verify_both NAME LABEL FILESYSTEM IMG FILES COLD: the warm row, and the
# cold one when COLD is 1 and the page cache can be dropped.
verify_both() {
	bench_verify "$1" "$2" "$3" "$4" "$5"
	if [ "$6" = 1 ] && [ -z "$COLD_WHY" ]; then
		bench_cold "$1" "$2" "$3" "$4" "$5"
	fi
}

# ---- the report ----

machine() {
	local cpu
	cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)
	echo "- $(date -u +%Y-%m-%d), $cpu, $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) of memory, Linux $(uname -r)"
	echo "- images on $(df -T "$WORK" | awk 'NR == 2 { print $2 }'), page cache warm (each command ran once untimed) except in the cold-cache table; load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
	echo "- $("$GRUBINST" --version 2>&1 | head -n1), $(e2fsck -V 2>&1 | head -n1), GRUB $("${GRUB_SHELL[@]}" --version 2>/dev/null | sed -n 's/.*GRUB[^0-9]*\([0-9][0-9.]*\).*/\1/p' | head -n1)"
	echo "- $(grub_shell_describe)$([ "$GRUB_SHELL_MODE" = native ] || echo ": its times include the emulator, so the shell columns and the ratios to them are not comparable with a native run")"
	echo "- medians of $IRUNS runs (install) and $VRUNS runs (verify, warm and cold): wall time, processor time (user and system), peak resident memory and bytes read of the process (/proc/PID/io: rchar, what it asked of read(); read_bytes, what the kernel fetched from storage for it)"
}

# goal_row KEY LIMIT TEXT: the goals table's row for the figures of KEY in
# $WORK/goals.tsv: the worst of them against LIMIT, as printed (two
# decimals), so that the status agrees with the figure beside it.
goal_row() {
	local note=
	case "$1" in
	install-*) [ "$GRUB_SHELL_MODE" = native ] || note="shell under $GRUB_SHELL_MODE: not comparable" ;;
	esac
	awk -F'\t' -v key="$1" -v lim="$2" -v text="$3" -v note="$note" '
		$1 == key && $2 != "n/a" {
			if (!n++ || $2 + 0 > worst + 0) { worst = $2; where = $3 }
		}
		END {
			if (!n) { printf "| %s | – | not measured |\n", text; exit }
			if (n > 1) where = "worst of " n ": " where
			if (where != "" && note != "") where = where "; "
			fig = (where note == "") ? worst : worst " (" where note ")"
			printf "| %s | %s | %s |\n", text, fig, (worst + 0 <= lim + 0) ? "met" : "not met"
		}' "$WORK/goals.tsv"
}

goals() {
	echo "| goal | figure | status |"
	echo "|---|---|---|"
	goal_row install-cpu-t12m 1.0 "install, new files: processor time ≤ 1.0× the grub shell's, 12 MiB"
	goal_row install-cpu-t2t 1.5 "install, new files: processor time ≤ 1.5× the grub shell's, 2 TiB"
	goal_row verify-bytes-warm 0.2 "verify: bytes read (rchar) ≤ 0.2× e2fsck's, 100,000 files, warm cache"
	goal_row verify-bytes-cold 0.2 "verify: bytes read from storage (read_bytes) ≤ 0.2× e2fsck's, 100,000 files, cold cache"
	goal_row verify-cpu-warm 0.1 "verify: processor time ≤ 0.1× e2fsck's, every image, warm cache"
	goal_row verify-cpu-cold 0.1 "verify: processor time ≤ 0.1× e2fsck's, every image, cold cache"
	echo
	echo "Figures: ratios of the medians above, the worst over the images a goal covers.  \"not measured\": the run had none of them (BENCH_QUICK, BENCH_FILES) or could not drop the page cache."
}

report() {
	echo "### Install"
	echo
	local how=
	[ "$GRUB_SHELL_MODE" = native ] || how=", under $GRUB_SHELL_MODE"
	echo "| image | filesystem | grub shell \`setup (hd0)\`$how | grubinst, stage files in place | grubinst, new files | grubinst, new files, syncs skipped | in place ÷ shell | new ÷ shell | no syncs ÷ shell | processor time: shell / grubinst new | processor time new ÷ shell | peak RSS: shell / grubinst new |"
	echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
	cat "$WORK/install.md"
	if [ -s "$WORK/t12m.new.median" ] && [ -s "$WORK/t2t.new.median" ]; then
		echo
		echo "grubinst on 2 TiB ÷ on 12 MiB: $(ratio "$(cat "$WORK/t2t.new.median")" "$(cat "$WORK/t12m.new.median")")"
	fi
	echo
	echo "### Verify"
	echo
	echo "| image | filesystem | \`e2fsck -fn\` | \`grubinst --verify\` | verify ÷ e2fsck | processor time: e2fsck / verify | processor time ÷ | bytes read (rchar): e2fsck / verify | bytes read ÷ | peak RSS e2fsck | peak RSS grubinst |"
	echo "|---|---|---|---|---|---|---|---|---|---|---|"
	cat "$WORK/verify.md"
	echo
	echo "### Verify, cold page cache"
	echo
	if [ -n "$COLD_WHY" ]; then
		echo "Not measured: $COLD_WHY."
	else
		echo "Before each run \`sync\` and \`echo 3 > /proc/sys/vm/drop_caches\`, then the two programs and their shared libraries read back into the cache: the bytes read from storage (read_bytes) are those of the image, not of loading the program."
		echo
		echo "| image | filesystem | \`e2fsck -fn\` | \`grubinst --verify\` | verify ÷ e2fsck | read from storage: e2fsck / verify | read ÷ | processor time: e2fsck / verify | processor time ÷ |"
		echo "|---|---|---|---|---|---|---|---|---|"
		cat "$WORK/cold.md"
	fi
	echo
	echo "### Goals"
	echo
	goals
	echo
	machine
}

build_tools
for f in install.md verify.md cold.md goals.tsv; do : >"$WORK/$f"; done

echo "bench: install images" >&2
install_image t12m $((12 * 1048576)) 63 ext2 1024
bench_install t12m "tutorial, 12 MiB" "ext2, 1 KiB blocks" "$WORK/t12m.installed.img"
if [ "$QUICK" != 1 ]; then
	install_image t32g $((32 * 1073741824)) 2048 ext4 4096
	bench_install t32g "32 GiB, sparse" "ext4, 4 KiB blocks"
	# 2^32 - 1 sectors: the largest disk an MBR describes (the grub shell
	# computes 0 sectors for a disk of exactly 2 TiB).
	install_image t2t $((4294967295 * 512)) 2048 ext4 4096
	bench_install t2t "2 TiB, sparse" "ext4, 4 KiB blocks"
fi

cold_setup
# BENCH_QUICK: one image with a cold cache, the one of files.
cold=1
[ "$QUICK" = 1 ] && cold=0
echo "bench: verify the 12 MiB image" >&2
verify_both t12m.v "tutorial, 12 MiB" "ext2, 1024-byte blocks" "$WORK/t12m.installed.img" "" "$cold"
rm -f "$WORK/t12m.installed.img"

for n in $FILES; do
	echo "bench: verify images of $n files" >&2
	if [ "$QUICK" = 1 ]; then
		verify_image "$n" 1024 ext2
		verify_both "v$n-1024" "$(thousands "$n") files" "ext2, 1024-byte blocks" "$WORK/v$n-1024.img" "$n" 1
	else
		verify_image "$n" 1024 ext2
		verify_image "$n" 4096 ext4
		rm -rf "$WORK/tree-$n" "$WORK/tree-$n.counts"
		verify_both "v$n-1024" "$(thousands "$n") files" "ext2, 1024-byte blocks" "$WORK/v$n-1024.img" "$n" 1
		verify_both "v$n-4096" "$(thousands "$n") files" "ext4, 4096-byte blocks" "$WORK/v$n-4096.img" "$n" 1
	fi
	rm -rf "$WORK/tree-$n" "$WORK/tree-$n.counts"
done

report >"$WORK/report.md"
cat "$WORK/report.md"
write_report "$OUT" bench "$WORK/report.md" || exit 1
