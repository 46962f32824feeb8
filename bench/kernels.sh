#!/bin/bash
# The generated menu's kernel list on a /boot of many kernels: grubinst
# IMAGE (a menu generated for every vmlinuz-* in /boot) on images of N
# kernels of 4 KiB each, made by mke2fs -d from a tree of such files,
# ext2 with 4 KiB blocks; with and without --initrd (without it, each
# kernel's initrd is looked for by name).  Prints one line per N: the
# median processor time (user + system, which other work on the machine
# changes less than the wall time) of BENCH_RUNS installs, each on a
# fresh copy.
#
#   bench/kernels.sh [N...]   default 2000 4000 8000 (past about 11,000
#                             kernels the menu is larger than the 1 MiB
#                             that the check of the result reads)
#   GRUBINST   the binary measured (default build/grubinst)
#   BENCH_RUNS installs timed per figure (default 5)
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
GRUBINST=${GRUBINST:-$TOP/build/grubinst}
RUNS=${BENCH_RUNS:-5}
GRUBINST_CACHE=${GRUBINST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/grubinst}
# shellcheck source=tests/lib/image.sh
. "$TOP/tests/lib/image.sh"
# shellcheck source=tests/lib/verify.sh
. "$TOP/tests/lib/verify.sh"

T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/grubinst-bench.XXXXXX")
trap '[ "${KEEP:-0}" = 1 ] || rm -rf "$T_TMP"' EXIT

# image N OUT: a bootable layout whose /boot holds N kernels.
image() {
	local n=$1 out=$2 root=$T_TMP/root-$1
	mini_userland "$root" &&
		fake_kernel "$T_TMP/k" 1.0.0 4096 &&
		python3 - "$root/boot" "$T_TMP/k" "$n" <<'PY' &&
import os, shutil, sys
for i in range(int(sys.argv[3])):
    shutil.copyfile(sys.argv[2], os.path.join(sys.argv[1], "vmlinuz-1.0.%d" % i))
PY
		printf 'i\n' >"$root/boot/initrd.img" &&
		image_create "$out" $((n * 6 / 1024 + 24)) &&
		image_partition "$out" <<<'label: dos
start=2048, type=83, bootable' && image_mkfs "$out" 1 ext2 4096 "$root" &&
		image_mknod_console "$out" 1 && rm -rf "$root"
}

# median_install IMG ARGS...: processor seconds, the median of RUNS
# installs.
median_install() {
	local img=$1 i
	shift
	for i in $(seq "$RUNS"); do
		cp --sparse=always "$img" "$T_TMP/run.img"
		/usr/bin/time -o "$T_TMP/time" -f '%U %S' "$GRUBINST" -q "$@" \
			"$T_TMP/run.img" >/dev/null 2>&1 || echo "bench: install failed" >&2
		awk '{ printf "%.2f\n", $1 + $2 }' "$T_TMP/time"
	done | sort -n | sed -n "$(((RUNS + 1) / 2))p"
}

printf '%8s %14s %14s\n' kernels "install (s)" "--initrd (s)"
printf '%8s %14s %14s\n' "" "(CPU)" "(CPU)"
[ $# -gt 0 ] || set -- 2000 4000 8000
for k in "$@"; do
	image "$k" "$T_TMP/k$k.img" || { echo "bench: image of $k kernels" >&2; exit 1; }
	printf '%8s %14s %14s\n' "$k" "$(median_install "$T_TMP/k$k.img")" \
		"$(median_install "$T_TMP/k$k.img" --initrd /boot/initrd.img)"
	[ "${KEEP:-0}" = 1 ] || rm -f "$T_TMP/k$k.img"
done
