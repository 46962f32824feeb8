#!/bin/sh
# build.sh ROOT OUT [CONFIG]: builds OUT/disk.img from the root folder ROOT
# with CONFIG (next to this script; default genimage.cfg): genimage makes
# the disk and its ext4 partition, grubinst installs the boot loader into
# it (exec-post): GRUB Legacy on an MBR disk with genimage.cfg, GRUB 2 on
# a GPT disk with genimage-grub2.cfg.
# GRUBINST names the grubinst to run (default: the one in PATH).
set -eu
if [ $# -ne 2 ] && [ $# -ne 3 ]; then
	echo "usage: $0 ROOT OUT [CONFIG]" >&2
	exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
root=$1
out=$2
config=${3:-genimage.cfg}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out" "$work/input"
# genimage fills the ext4 image from a copy of ROOT in its tmppath.
genimage --config "$here/$config" --rootpath "$root" \
	--inputpath "$work/input" --outputpath "$out" --tmppath "$work/tmp"
