#!/bin/sh
# build.sh ROOT OUT: builds OUT/disk.img from the root folder ROOT with
# genimage.cfg (next to this script): genimage makes the MBR disk and its
# ext4 partition, grubinst installs GRUB Legacy into it (exec-post).
# GRUBINST names the grubinst to run (default: the one in PATH).
set -eu
if [ $# -ne 2 ]; then
	echo "usage: $0 ROOT OUT" >&2
	exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
root=$1
out=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out" "$work/input"
# genimage fills the ext4 image from a copy of ROOT in its tmppath.
genimage --config "$here/genimage.cfg" --rootpath "$root" \
	--inputpath "$work/input" --outputpath "$out" --tmppath "$work/tmp"
