#!/bin/bash
# What `make bench` runs: grubinst against the tools it replaces, on the same
# images, in the same run, with the medians of several runs.
#
#   install  grubinst IMAGE against the grub shell's "setup (hd0)" (the stage
#            files already in /boot/grub for the shell), on the tutorial's
#            12 MiB disk, a 32 GiB and a 2 TiB sparse ext4 disk; grubinst
#            also with its syncs skipped (bench/nosync.c), as the shell
#            makes none;
#   verify   grubinst --verify IMAGE against e2fsck -fn, on disks of 100,000
#            and 1,000,000 files of mixed sizes in 1,010 directories, ext2
#            with 1 KiB blocks and ext4 with 4 KiB blocks.
#
# Every image is made with the real tools (sfdisk, mke2fs -d, debugfs) from
# trees written by bench/mktree, and checked: the install with e2fsck -fn,
# the verify images must verify clean.  Wall time and peak memory (max RSS)
# of each run come from bench/timeit.  The tables go to stdout and between
# the markers of the report (docs/PERFORMANCE.md).
#
# Environment:
#   GRUBINST        the binary measured (default build/grubinst)
#   BENCH_RUNS      timed runs of each command (default 11; verify: 5)
#   BENCH_FILES     file counts of the verify images (default "100000 1000000")
#   BENCH_QUICK=1   the 12 MiB install and one verify image of 2,000 files,
#                   3 runs each: proves the script works (tests/bench.test)
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

# run_timed NAME STDIN COMMAND...: one run; appends "WALL_US RSS_KIB CPU_US"
# to $WORK/NAME.times.  Stops the bench (with the command's output) when the
# command fails: a failed run measures nothing.
run_timed() {
	local name=$1 in=$2 res=$WORK/$1.res log=$WORK/$1.log wall rss status cpu
	shift 2
	if ! "$TOOLS/timeit" "$res" "$@" <"$in" >"$log" 2>&1; then
		die "timeit failed for $name"
	fi
	read -r wall rss status cpu <"$res"
	if [ "$status" != 0 ]; then
		sed 's/^/  /' "$log" | tail -n 20 >&2
		die "$name: $* exited with status $status"
	fi
	echo "$wall $rss $cpu" >>"$WORK/$name.times"
}

# median NAME FIELD: the median of column FIELD (1 wall, 2 rss, 3 cpu).
median() {
	cut -d' ' -f"$2" "$WORK/$1.times" | sort -n |
		awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

ms() { awk -v us="$1" 'BEGIN { printf (us < 100000 ? "%.1f ms" : "%.0f ms"), us / 1000 }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
thousands() { echo "$1" | sed ':a; s/\B[0-9]\{3\}\>/,&/; ta'; }

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

bench_install() {
	local name=$1 label=$2 fs=$3 plain=$WORK/$1.plain.img shell=$WORK/$1.shell.img
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
	rm -f "$copy"
	local s a n u
	s=$(median "$name.shell" 1)
	a=$(median "$name.again" 1)
	n=$(median "$name.new" 1)
	u=$(median "$name.nosync" 1)
	printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s / %s | %s / %s |\n' "$label" "$fs" \
		"$(ms "$s")" "$(ms "$a")" "$(ms "$n")" "$(ms "$u")" \
		"$(ratio "$a" "$s")" "$(ratio "$n" "$s")" "$(ratio "$u" "$s")" \
		"$(ms "$(median "$name.shell" 3)")" "$(ms "$(median "$name.new" 3)")" \
		"$(mib "$(median "$name.shell" 2)")" "$(mib "$(median "$name.new" 2)")" >>"$WORK/install.md"
	echo "$n" >"$WORK/$name.new.median"
}

# ---- the verify images ----

# verify_image N BS TYPE: WORK/vN-BS.img, N files from bench/mktree (the
# tree is shared by both block sizes and removed once both exist), GRUB
# installed by grubinst, checked with --verify.
verify_image() {
	local n=$1 bs=$2 type=$3 img=$WORK/v$1-$2.img tree=$WORK/tree-$1 counts blocks mib inodes start=2048
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

bench_verify() {
	local n=$1 bs=$2 type=$3 img=$WORK/v$1-$2.img name=v$1-$2 i e v
	local off=$((2048 * 512))
	rm -f "$WORK/$name.e2fsck.times" "$WORK/$name.verify.times"
	# One run each first, untimed: the page cache holds the image after it.
	e2fsck -fn "$img?offset=$off" >/dev/null 2>&1 || die "e2fsck -fn finds errors in $img"
	"$GRUBINST" --verify "$img" >/dev/null 2>&1
	for ((i = 0; i < VRUNS; i++)); do
		run_timed "$name.e2fsck" /dev/null e2fsck -fn "$img?offset=$off"
		run_timed "$name.verify" /dev/null "$GRUBINST" --verify "$img"
	done
	e=$(median "$name.e2fsck" 1)
	v=$(median "$name.verify" 1)
	printf '| %s | %s, %s-byte blocks | %s | %s | %s | %s | %s |\n' \
		"$(thousands "$n")" "$type" "$bs" "$(ms "$e")" "$(ms "$v")" \
		"$(ratio "$v" "$e")" "$(mib "$(median "$name.e2fsck" 2)")" \
		"$(mib "$(median "$name.verify" 2)")" >>"$WORK/verify.md"
}

# ---- the report ----

machine() {
	local cpu
	cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)
	echo "- $(date -u +%Y-%m-%d), $cpu, $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) of memory, Linux $(uname -r)"
	echo "- images on $(df -T "$WORK" | awk 'NR == 2 { print $2 }'), page cache warm (each command ran once untimed); load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
	echo "- $("$GRUBINST" --version 2>&1 | head -n1), $(e2fsck -V 2>&1 | head -n1), GRUB $("${GRUB_SHELL[@]}" --version 2>/dev/null | sed -n 's/.*GRUB[^0-9]*\([0-9][0-9.]*\).*/\1/p' | head -n1)"
	echo "- $(grub_shell_describe)$([ "$GRUB_SHELL_MODE" = native ] || echo ": its times include the emulator, so the shell columns and the ratios to them are not comparable with a native run")"
	echo "- medians of $IRUNS runs (install) and $VRUNS runs (verify): wall time, processor time (user and system) and peak resident memory of the process"
}

report() {
	echo "### Install"
	echo
	local how=
	[ "$GRUB_SHELL_MODE" = native ] || how=", under $GRUB_SHELL_MODE"
	echo "| image | filesystem | grub shell \`setup (hd0)\`$how | grubinst, stage files in place | grubinst, new files | grubinst, new files, syncs skipped | in place ÷ shell | new ÷ shell | no syncs ÷ shell | processor time: shell / grubinst new | peak RSS: shell / grubinst new |"
	echo "|---|---|---|---|---|---|---|---|---|---|---|"
	cat "$WORK/install.md"
	if [ -s "$WORK/t12m.new.median" ] && [ -s "$WORK/t2t.new.median" ]; then
		echo
		echo "grubinst on 2 TiB ÷ on 12 MiB: $(ratio "$(cat "$WORK/t2t.new.median")" "$(cat "$WORK/t12m.new.median")")"
	fi
	echo
	echo "### Verify"
	echo
	echo "| files | filesystem | \`e2fsck -fn\` | \`grubinst --verify\` | verify ÷ e2fsck | peak RSS e2fsck | peak RSS grubinst |"
	echo "|---|---|---|---|---|---|---|"
	cat "$WORK/verify.md"
	echo
	machine
}

# write_report FILE: the report replaces what lies between the markers.
write_report() {
	local file=$1 begin='<!-- bench: begin -->' end='<!-- bench: end -->' tmp
	[ "$file" = - ] && return 0
	tmp=$(mktemp) || die "no temporary file"
	if [ -f "$file" ] && grep -qF "$begin" "$file" && grep -qF "$end" "$file"; then
		awk -v b="$begin" -v e="$end" -v r="$WORK/report.md" '
			$0 == b { print; while ((getline l < r) > 0) print l; skip = 1; next }
			$0 == e { skip = 0 }
			!skip' "$file" >"$tmp"
	else
		{ echo "# Performance"; echo; echo "$begin"; cat "$WORK/report.md"; echo "$end"; } >"$tmp"
	fi
	mv "$tmp" "$file" || die "cannot write $file"
	echo "bench: wrote $file"
}

build_tools
: >"$WORK/install.md"
: >"$WORK/verify.md"

echo "bench: install images" >&2
install_image t12m $((12 * 1048576)) 63 ext2 1024
bench_install t12m "tutorial, 12 MiB" "ext2, 1 KiB blocks"
if [ "$QUICK" != 1 ]; then
	install_image t32g $((32 * 1073741824)) 2048 ext4 4096
	bench_install t32g "32 GiB, sparse" "ext4, 4 KiB blocks"
	# 2^32 - 1 sectors: the largest disk an MBR describes (the grub shell
	# computes 0 sectors for a disk of exactly 2 TiB).
	install_image t2t $((4294967295 * 512)) 2048 ext4 4096
	bench_install t2t "2 TiB, sparse" "ext4, 4 KiB blocks"
fi

for n in $FILES; do
	echo "bench: verify images of $n files" >&2
	if [ "$QUICK" = 1 ]; then
		verify_image "$n" 1024 ext2
		bench_verify "$n" 1024 ext2
	else
		verify_image "$n" 1024 ext2
		verify_image "$n" 4096 ext4
		rm -rf "$WORK/tree-$n" "$WORK/tree-$n.counts"
		bench_verify "$n" 1024 ext2
		bench_verify "$n" 4096 ext4
	fi
	rm -rf "$WORK/tree-$n" "$WORK/tree-$n.counts"
done

report >"$WORK/report.md"
cat "$WORK/report.md"
write_report "$OUT"
