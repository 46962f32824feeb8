#!/bin/bash
# `make demo`: the "minimal Linux system from scratch" tutorial, without root.
# Builds a disk image with one ext2 partition holding busybox, a Debian
# kernel and an initrd, but no boot loader and no GRUB files; installs GRUB
# Legacy (or GRUB 2, LOADER=grub2) into it with grubinst; boots it in QEMU and shows what the machine
# printed, up to the hello line of the shell script on the disk.
#
# Environment: LOADER (grub-legacy, the default, or grub2: `make demo
# LOADER=grub2` installs GRUB 2 for BIOS instead), GRUBINST (default
# build/grubinst), DEMO_DIR (default build/demo), GRUBINST_CACHE (kernel
# and initrd cache, default ~/.cache/grubinst), BOOT_TIMEOUT (seconds,
# default 360).
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
GRUBINST=${GRUBINST:-$TOP/build/grubinst}
DEMO_DIR=${DEMO_DIR:-$TOP/build/demo}
LOADER=${LOADER:-grub-legacy}
export TOP GRUBINST LOADER

case "$LOADER" in
grub-legacy) LOADER_NAME="GRUB Legacy" ;;
grub2) LOADER_NAME="GRUB 2 (i386-pc)" ;;
*) printf 'demo: LOADER must be grub-legacy or grub2, not %s\n' "$LOADER" >&2; exit 2 ;;
esac

step=0
STEPS=6
heading() {
	step=$((step + 1))
	printf '\n==> [%d/%d] %s\n' "$step" "$STEPS" "$*"
}
die() {
	printf 'demo: FAILED: %s\n' "$*" >&2
	exit 1
}

heading "Installing missing Debian packages (tools/install-deps --demo)"
"$TOP/tools/install-deps" --demo || die "tools/install-deps --demo"
echo "    ok"

# shellcheck source=tests/lib/image.sh
. "$TOP/tests/lib/image.sh"

heading "Getting a Debian kernel and building an initrd (cached in $(_boot_cache))"
kernel_fetch || die "could not get the kernel package"
echo "    kernel: $KERNEL"

IMG=$DEMO_DIR/tutorial.img
ROOT=$DEMO_DIR/root
MARKER="Hello from the minimal Linux system on /dev/sda1"
mkdir -p "$DEMO_DIR" || die "cannot create $DEMO_DIR"
rm -rf "$ROOT" "$IMG" "$IMG.log"
rootfs_build "$ROOT" "$MARKER" || die "could not build the root tree in $ROOT"
echo "    root tree: $ROOT"
(cd "$ROOT" && find . -mindepth 1 | LC_ALL=C sort | sed 's/^\./    /')

heading "Making the disk image $IMG"
image_tutorial "$IMG" "$ROOT" "$MARKER" || die "could not build $IMG"
sfdisk -l "$IMG" | sed 's/^/    /'
echo "    partition 1: ext2, 1 KiB blocks, at byte $(part_offset "$IMG" 1); /dev/console made with debugfs"
echo "    no boot loader, no /boot/grub: that is grubinst's job"

heading "Installing $LOADER_NAME with grubinst"
[ -x "$GRUBINST" ] || die "$GRUBINST not found or not executable (run make first)"
APPEND='root=/dev/sda1 ro console=ttyS0 panic=-1'
echo "    \$ $GRUBINST --loader $LOADER --kernel /boot/vmlinuz-$KVER --initrd /boot/initrd.img-$KVER --append '$APPEND' --serial $IMG"
"$GRUBINST" --loader "$LOADER" --kernel "/boot/vmlinuz-$KVER" --initrd "/boot/initrd.img-$KVER" \
	--append "$APPEND" --serial "$IMG" || die "grubinst failed (exit status $?)"

heading "Checking the installation (grubinst --verify)"
echo "    \$ $GRUBINST --verify $IMG"
"$GRUBINST" --verify "$IMG" || die "grubinst --verify reported a problem (exit status $?)"
echo "    \$ $GRUBINST --map $IMG"
"$GRUBINST" --map "$IMG" || die "grubinst --map could not read the image (exit status $?)"
image_fsck "$IMG" 1 || die "e2fsck -fn found errors in the filesystem after grubinst"
echo "    e2fsck -fn: filesystem clean"

heading "Booting $IMG in QEMU (serial console below; about 5-15 s without KVM)"
echo "    \$ qemu-system-x86_64 ${BOOT_QEMU_ARGS[*]} -drive file=$IMG,format=raw,if=ide"

echo "------------------------------------------------------------------------"
if boot_image "$IMG" "$MARKER"; then
	# Everything the machine printed, up to and including the hello line.
	boot_transcript "$IMG.log" | awk -v m="$MARKER" '{ print } index($0, m) { exit }'
	echo "------------------------------------------------------------------------"
	echo "demo: the disk booted: $LOADER_NAME -> Linux -> initrd -> busybox on /dev/sda1 said hello."
	echo "demo: image $IMG, full transcript $IMG.log"
else
	echo "------------------------------------------------------------------------"
	die "the image did not boot to \"$MARKER\" (transcript: $IMG.log)"
fi
