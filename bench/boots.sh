#!/bin/bash
# What `make bench-boots` runs: GRUB's own load time, as boots of the
# Debian kernel in QEMU timed to the marker init prints, on the man page's
# recipe (mke2fs -t ext4 -d, which picks 1 KiB blocks below 512 MiB):
#
#   1 KiB, moved     installed by grubinst, which moves the kernel into runs
#                    its inode holds (installer/holes.c);
#   1 KiB, not moved the same, its free space filled first so that there is
#                    no room to move it: the kernel keeps its extent block,
#                    which GRUB 0.97 reads again for every 1 KiB it loads;
#   4 KiB            mke2fs -b 4096: the kernel's extents fit in the inode.
#
# The table goes to stdout and between the bench-boots markers of the
# report (docs/PERFORMANCE.md).  Each boot once (minutes each for the
# second): a figure, not a median.
#
# Environment: GRUBINST (default build/grubinst), BENCH_OUT (default
# docs/PERFORMANCE.md, "-" for none).
set -u

TOP=$(cd "$(dirname "$0")/.." && pwd)
GRUBINST=${GRUBINST:-$TOP/build/grubinst}
OUT=${BENCH_OUT:-$TOP/docs/PERFORMANCE.md}
GRUBINST_CACHE=${GRUBINST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/grubinst}
# shellcheck source=tests/lib/image.sh
. "$TOP/tests/lib/image.sh"
# shellcheck source=tests/lib/boot.sh
. "$TOP/tests/lib/boot.sh"
# shellcheck source=bench/report.sh
. "$TOP/bench/report.sh"

die() {
	echo "bench-boots: $*" >&2
	exit 1
}

command -v qemu-system-x86_64 >/dev/null || die "no qemu-system-x86_64"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/grubinst-boots.XXXXXX") || die "no temporary directory"
trap 'rm -rf "$WORK"' EXIT
MARKER="bench-boots marker"
kernel_fetch || die "cannot fetch the Debian kernel"
rootfs_build "$WORK/root" "$MARKER" || die "cannot build the root tree"
KOPTS=(--serial --timeout 0 --kernel "/boot/vmlinuz-$KVER" --initrd "/boot/initrd.img-$KVER"
	--append "root=/dev/sda1 ro console=ttyS0 panic=-1")
OFF=1048576

# recipe IMG [BLOCKSIZE]: the man page's image, 64 MiB, GRUB not yet in.
recipe() {
	local img=$1 bs=${2:-}
	rm -f "$img"
	truncate -s 64M "$img" &&
		printf 'label: dos\nstart=2048, type=83, bootable\n' | sfdisk -q "$img" &&
		E2FSPROGS_FAKE_TIME=$IMG_EPOCH mke2fs -q -t ext4 ${bs:+-b "$bs"} -d "$WORK/root" \
			-E offset=$OFF "$img" $((64512 * 1024 / ${bs:-1024})) &&
		image_mknod_console "$img" 1 || die "cannot make $img"
}

# depth IMG: the depth of the kernel's extent tree.
depth() {
	debugfs -R "ex /boot/vmlinuz-$KVER" "$1?offset=$OFF" 2>/dev/null |
		sed -n '2s|^ *[0-9]*/ *\([0-9]*\).*|\1|p'
}

# timed NAME IMG KEY: installs, checks, boots; one table row, and the
# seconds in WORK/KEY.s.
timed() {
	local name=$1 img=$2 d bs
	"$GRUBINST" -q "${KOPTS[@]}" "$img" || die "$name: the install failed"
	image_fsck "$img" 1 || die "$name: e2fsck -fn finds errors"
	d=$(depth "$img")
	bs=$(dumpe2fs -h "$img?offset=$OFF" 2>/dev/null | sed -n 's/^Block size: *//p')
	echo "bench-boots: $name" >&2
	BOOT_TIMEOUT=1200 boot_image "$img" "$MARKER" || die "$name: no marker: $BOOT_WHY"
	echo "| $name | $bs | $d | $BOOT_SECONDS s |" >>"$WORK/rows"
	echo "$BOOT_SECONDS" >"$WORK/$3.s"
}

: >"$WORK/rows"
recipe "$WORK/moved.img"
timed "1 KiB blocks, kernel moved by the install" "$WORK/moved.img" moved
recipe "$WORK/kept.img"
free=$(dumpe2fs -h "$WORK/kept.img?offset=$OFF" 2>/dev/null | sed -n 's/^Free blocks: *//p')
head -c $(((free - 2048) * 1024)) /dev/urandom >"$WORK/filler"
debugfs -w -R "write $WORK/filler /filler" "$WORK/kept.img?offset=$OFF" >/dev/null 2>&1
rm -f "$WORK/filler"
timed "1 KiB blocks, no room to move the kernel" "$WORK/kept.img" kept
recipe "$WORK/four.img" 4096
timed "4 KiB blocks" "$WORK/four.img" four

{
	echo "### GRUB's load time"
	echo
	echo "| image | block size | kernel's extent tree depth | boot to the marker |"
	echo "|---|---|---|---|"
	cat "$WORK/rows"
	echo
	echo "moved ÷ 4 KiB: $(awk -v a="$(cat "$WORK/moved.s")" -v b="$(cat "$WORK/four.s")" 'BEGIN { printf "%.2f", a / b }') (goal: about 1); not moved ÷ 4 KiB: $(awk -v a="$(cat "$WORK/kept.s")" -v b="$(cat "$WORK/four.s")" 'BEGIN { printf "%.2f", a / b }')"
	echo
	echo "- $(date -u +%Y-%m-%d), $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1), $(nproc) CPUs, QEMU $(qemu-system-x86_64 --version | sed -n '1s/.*version \([0-9.]*\).*/\1/p') (TCG), the Debian kernel $KVER; load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
	echo "- one boot each, wall time from QEMU's start to the marker init prints"
} >"$WORK/report.md"
cat "$WORK/report.md"

write_report "$OUT" bench-boots "$WORK/report.md" || exit 1
