# shellcheck shell=bash
# GRUB 2 (i386-pc) bootable images, built the way image builders do, for
# the tests.  Source after tests/lib/image.sh and tests/lib/boot.sh (and
# after kernel_fetch, which sets KVER); sourcing only defines functions and
# variables.  Every function returns non-zero and prints one
# "# function: what failed" line on stderr when it fails; none calls exit.
#
#   grub2_cfg ROOT ROOTDEV [EXTRA]   ROOT/boot/grub/grub.cfg: serial console,
#                                    no menu, one entry booting the kernel
#   grub2_modules ROOT               the files grub-install puts into
#                                    ROOT/boot/grub/i386-pc (no core.img)
#   grub2_core OUT PREFIX MODULES... core.img by grub-mkimage
#   grub2_image IMG ROOT LABEL       msdos or gpt disk, ext4 from ROOT, GRUB 2
#                                    installed by grub-bios-setup (as root:
#                                    a loop device and a mount)
#   grub2_image_dd IMG ROOT          msdos disk, boot.img and core.img put
#                                    in place with dd (genimage, buildroot)
#   grub2_disk IMG ROOT LABEL        the disk of grub2_image, no GRUB 2 on it
#   grub2_bios_setup IMG PARTNO CORE [BOOTDIR]
#                                    grub-bios-setup --no-rs-codes of CORE
#                                    (as root: a loop device and a mount)
#   grub2_embed_expected IMG CORE K OUT
#                                    OUT := sector 0 and sectors K.. as that
#                                    setup writes them for CORE at sector K
#
# Debian 12 ships no GRUB 2 grub-install without grub-pc (and
# /usr/sbin/grub-install here may be GRUB Legacy's), and grub-bios-setup is
# not on PATH: it is /usr/lib/grub/i386-pc/grub-bios-setup.

GRUB2_DIR=${GRUB2_DIR:-/usr/lib/grub/i386-pc}
GRUB2_SETUP=${GRUB2_SETUP:-$(command -v grub-bios-setup || echo "$GRUB2_DIR/grub-bios-setup")}
# The filesystem of the boot partition (ext2, ext3 or ext4) and its blocks.
GRUB2_FS=${GRUB2_FS:-ext4}
GRUB2_BLOCKSIZE=${GRUB2_BLOCKSIZE:-4096}
GRUB2_IMG_MIB=${GRUB2_IMG_MIB:-64}
# GRUB 2's states that wait forever: the rescue prompt (no normal.mod, bad
# prefix) and the key it wants after a menu entry failed.  "grub> " (its
# normal-mode prompt) is already in BOOT_FAIL_RE.
# shellcheck disable=SC2034 # for the tests' boot watchers
GRUB2_FAIL_RE='grub rescue>|Press any key to continue'
# The type GUID of a BIOS boot partition (where core.img goes on GPT).
GRUB2_BIOS_BOOT=21686148-6449-6E6F-744E-656564454649

_g2_err() { printf '# %s: %s\n' "${FUNCNAME[1]}" "$*" >&2; }
# The helpers of grub2_image report in its name.
_g2_fail() { printf '# grub2_image: %s\n' "$*" >&2; }

# grub2_cfg ROOT ROOTDEV [EXTRA]: a grub.cfg that boots at once over the
# serial line, with the kernel arguments of write_grub_conf (image.sh) and
# EXTRA after them.  Paths are relative to $root, which GRUB sets from the
# prefix core.img was made with.  Keep any boot marker out of the title.
grub2_cfg() {
	local root=${1:-} rootdev=${2:-} extra=${3:-}
	[ -d "$root" ] && [ -n "$rootdev" ] || { _g2_err "usage: grub2_cfg ROOT ROOTDEV [EXTRA]"; return 1; }
	mkdir -p "$root/boot/grub" || { _g2_err "cannot create $root/boot/grub"; return 1; }
	cat >"$root/boot/grub/grub.cfg" <<EOF || { _g2_err "cannot write $root/boot/grub/grub.cfg"; return 1; }
serial --unit=0 --speed=115200
terminal_input serial
terminal_output serial
set timeout=0
set default=0

menuentry '${GRUB2_TITLE:-grubinst GRUB 2 test system}' {
	linux /boot/vmlinuz-$KVER root=$rootdev ro console=ttyS0 panic=-1${extra:+ $extra}
	initrd /boot/initrd.img-$KVER
}
EOF
	touch -h -d "@$IMG_EPOCH" "$root/boot/grub" "$root/boot/grub/grub.cfg"
}

# grub2_modules ROOT: what grub-install --target=i386-pc copies into
# /boot/grub/i386-pc (grub_install_copy_files in util/grub-install-common.c:
# every *.mod, the *.lst files, modinfo.sh, efiemu32.o and efiemu64.o),
# and boot.img, which grub-install copies there too.  core.img depends on
# the disk: grub2_image writes it.
grub2_modules() {
	local dest=${1:-}/boot/grub/i386-pc
	[ -d "${1:-}" ] || { _g2_err "usage: grub2_modules ROOT"; return 1; }
	mkdir -p "$dest" || { _g2_err "cannot create $dest"; return 1; }
	cp "$GRUB2_DIR"/*.mod "$GRUB2_DIR"/*.lst "$GRUB2_DIR/modinfo.sh" \
		"$GRUB2_DIR"/efiemu*.o "$GRUB2_DIR/boot.img" "$dest/" ||
		{ _g2_err "cannot copy the GRUB 2 files of $GRUB2_DIR"; return 1; }
	find "$1/boot/grub" -exec touch -h -d "@$IMG_EPOCH" {} +
}

# grub2_core OUT PREFIX MODULES...: core.img (diskboot.img, the kernel and
# MODULES) for i386-pc that looks for its modules and grub.cfg in PREFIX.
# grub-install's modules for ext2/3/4 on msdos: biosdisk part_msdos ext2.
grub2_core() {
	local out=${1:-} prefix=${2:-} msg
	[ $# -ge 3 ] || { _g2_err "usage: grub2_core OUT PREFIX MODULES..."; return 1; }
	shift 2
	msg=$(grub-mkimage -O i386-pc -d "$GRUB2_DIR" -o "$out" -p "$prefix" "$@" 2>&1) ||
		{ _g2_err "grub-mkimage failed: $msg"; return 1; }
}

# _g2_disk IMG ROOT LABEL: the disk of grub2_image.  msdos: one bootable
# Linux partition from sector 2048; gpt: a 1 MiB BIOS boot partition at
# sector 2048 and the Linux partition after it.  GRUB2_FS from ROOT fills
# the Linux partition; /dev/console as image_tutorial makes it.
_g2_disk() {
	local img=$1 root=$2 label=$3 no=1
	image_create "$img" "$GRUB2_IMG_MIB" || return 1
	case "$label" in
	msdos)
		printf 'label: dos\nlabel-id: 0x0badc0de\nstart=2048, type=83, bootable\n' |
			image_partition "$img" || return 1 ;;
	gpt)
		no=2
		printf '%s\n' 'label: gpt' 'label-id: 6F1E2D3C-0000-4000-8000-00000000D15C' \
			"start=2048, size=2048, type=$GRUB2_BIOS_BOOT, uuid=6F1E2D3C-0000-4000-8000-000000000001, name=bios" \
			'start=4096, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=6F1E2D3C-0000-4000-8000-000000000002, name=root' |
			image_partition "$img" || return 1 ;;
	*) _g2_fail "unknown label '$label' (msdos or gpt)"; return 1 ;;
	esac
	image_mkfs "$img" "$no" "$GRUB2_FS" "$GRUB2_BLOCKSIZE" "$root" && image_mknod_console "$img" "$no"
}

# grub2_image IMG ROOT LABEL: a disk from _g2_disk with GRUB 2 installed as
# grub-install --target=i386-pc does it: core.img for the partition holding
# /boot/grub, written to /boot/grub/i386-pc/core.img in it, then
# grub-bios-setup embeds it after the MBR (msdos) or in the BIOS boot
# partition (gpt) and writes boot.img into the MBR.  ROOT needs
# grub2_modules and grub2_cfg first.  Needs root (losetup, mount).
grub2_image() {
	local img=${1:-} root=${2:-} label=${3:-} no=1 part=part_msdos
	[ $# -eq 3 ] || { _g2_err "usage: grub2_image IMG ROOT LABEL"; return 1; }
	[ -f "$root/boot/grub/i386-pc/boot.img" ] || { _g2_err "no GRUB 2 files in $root (grub2_modules)"; return 1; }
	case "$label" in
	msdos) ;;
	gpt) no=2 part=part_gpt ;;
	*) _g2_err "unknown label '$label' (msdos or gpt)"; return 1 ;;
	esac
	_g2_disk "$img" "$root" "$label" || { _g2_err "cannot build the $label disk $img"; return 1; }
	_g2_setup "$img" "$no" "(hd0,$label$no)/boot/grub" biosdisk "$part" ext2
}

# _g2_setup IMG PARTNO PREFIX MODULES...: the grub-install steps on a loop
# device of IMG, in a subshell whose EXIT trap always unmounts the
# partition, detaches the loop device and removes the scratch directory.
_g2_setup() (
	img=$1 no=$2 prefix=$3 dev='' mnt=''
	shift 3
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/grub2-setup.XXXXXX") || exit 1
	trap '[ -z "$mnt" ] || umount "$mnt"; [ -z "$dev" ] || losetup -d "$dev"; rm -rf "$tmp"' EXIT
	grub2_core "$tmp/core.img" "$prefix" "$@" || exit 1
	dev=$(losetup -f --show -P "$img") || { _g2_fail "losetup of $img failed"; exit 1; }
	_g2_partnode "$dev" "$no" || exit 1
	mkdir "$tmp/mnt" && mount -t "$GRUB2_FS" "${dev}p$no" "$tmp/mnt" || { _g2_fail "cannot mount ${dev}p$no"; exit 1; }
	mnt=$tmp/mnt
	cp "$tmp/core.img" "$mnt/boot/grub/i386-pc/core.img" || { _g2_fail "cannot write core.img"; exit 1; }
	printf '(hd0) %s\n' "$dev" >"$tmp/device.map"
	_g2_udevadm "$tmp/bin" || exit 1
	out=$(PATH=$tmp/bin:$PATH "$GRUB2_SETUP" -d "$mnt/boot/grub/i386-pc" -m "$tmp/device.map" "$dev" 2>&1) ||
		{ _g2_fail "$GRUB2_SETUP failed: $(printf '%s' "$out" | tail -n3 | tr '\n' ' ')"; exit 1; }
)

# _g2_partnode DEV PARTNO: waits for DEVpPARTNO.  losetup -P has been seen
# to leave a loop device without partitions (kernel 6.18, no udev): then
# partx -a adds them.
_g2_partnode() {
	local i
	for i in 1 2 3 4 5 6 7 8 9 10; do
		[ -b "$1p$2" ] && return 0
		[ "$i" = 2 ] && partx -a "$1" 2>/dev/null
		sleep 0.2
	done
	_g2_fail "no partition $2 on $1"
	return 1
}

# _g2_udevadm DIR: grub-bios-setup finds where a partition starts with
# "udevadm info --query path --name DEV" and the sysfs file "start" under
# that path; without udevadm it asks HDIO_GETGEO, which loop devices do not
# answer ("cannot get disk geometry").  Without udev installed, DIR/udevadm
# gives that one answer from /sys/class/block.
_g2_udevadm() {
	mkdir -p "$1" || { _g2_fail "cannot create $1"; return 1; }
	command -v udevadm >/dev/null && return 0
	cat >"$1/udevadm" <<'EOF' && chmod 755 "$1/udevadm"
#!/bin/sh
# udevadm info --query path --name DEV, answered from sysfs.
while [ $# -gt 1 ]; do [ "$1" = --name ] && name=$2; shift; done
p=$(readlink -f "/sys/class/block/${name##*/}") && [ -e "$p" ] && echo "${p#/sys}"
EOF
}

# grub2_image_dd IMG ROOT: the unprivileged recipe of buildroot and
# genimage: the msdos disk of grub2_image, core.img from grub-mkimage
# written from sector 1 and the first 440 bytes of boot.img (its code, not
# the partition table) into the MBR.  boot.img as shipped loads its kernel
# sector 1, and diskboot.img reads the rest from sector 2 on.  No loop
# device, no mount; core.img is not put into the filesystem.
grub2_image_dd() {
	local img=${1:-} root=${2:-} core start ksec
	[ $# -eq 2 ] || { _g2_err "usage: grub2_image_dd IMG ROOT"; return 1; }
	core=$img.core.img
	ksec=$(od -A n -t u8 -j 92 -N 8 "$GRUB2_DIR/boot.img" | tr -d ' ')
	[ "$ksec" = 1 ] || { _g2_err "boot.img loads sector '$ksec', not 1"; return 1; }
	_g2_disk "$img" "$root" msdos || { _g2_err "cannot build the msdos disk $img"; return 1; }
	grub2_core "$core" "(hd0,msdos1)/boot/grub" biosdisk part_msdos ext2 || return 1
	start=$(($(part_offset "$img" 1) / 512)) || return 1
	if [ "$(stat -c %s "$core")" -gt $(((start - 1) * 512)) ]; then
		_g2_err "core.img ($(stat -c %s "$core") bytes) does not fit before sector $start"
		return 1
	fi
	dd if="$GRUB2_DIR/boot.img" of="$img" bs=440 count=1 conv=notrunc status=none &&
		dd if="$core" of="$img" bs=512 seek=1 conv=notrunc status=none ||
		{ _g2_err "dd into $img failed"; return 1; }
	rm -f "$core"
}

# grub2_disk IMG ROOT LABEL: the msdos or gpt disk of grub2_image (see
# _g2_disk: GRUB2_FS, GRUB2_BLOCKSIZE and GRUB2_IMG_MIB apply), with no
# boot loader: what an install starts from.
grub2_disk() {
	[ $# -eq 3 ] || { _g2_err "usage: grub2_disk IMG ROOT LABEL"; return 1; }
	[ -d "$2" ] || { _g2_err "no directory $2"; return 1; }
	_g2_disk "$1" "$2" "$3" || { _g2_err "cannot build the $3 disk $1"; return 1; }
}

# grub2_bios_setup IMG PARTNO CORE [BOOTDIR]: grub-install's last step
# without Reed-Solomon codes, the oracle of an install that writes none:
# partition PARTNO of IMG mounted through a loop device, CORE and
# GRUB2_DIR's boot.img copied into BOOTDIR/i386-pc there (default
# /boot/grub), then "grub-bios-setup --no-rs-codes" of the whole loop
# device.  A subshell whose EXIT trap always unmounts, detaches and
# cleans up, as _g2_setup's does.  Needs root.
grub2_bios_setup() (
	img=${1:-} no=${2:-} core=${3:-} bootdir=${4:-/boot/grub} dev='' mnt=''
	if [ $# -lt 3 ] || [ ! -f "$img" ] || [ ! -f "$core" ]; then
		_g2_err "usage: grub2_bios_setup IMG PARTNO CORE [BOOTDIR]"
		exit 1
	fi
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/grub2-setup.XXXXXX") || exit 1
	trap '[ -z "$mnt" ] || umount "$mnt"; [ -z "$dev" ] || losetup -d "$dev"; rm -rf "$tmp"' EXIT
	dev=$(losetup -f --show -P "$img") || { _g2_err "losetup of $img failed"; exit 1; }
	_g2_partnode "$dev" "$no" || exit 1
	mkdir "$tmp/mnt" || exit 1
	mount "${dev}p$no" "$tmp/mnt" || { _g2_err "cannot mount ${dev}p$no"; exit 1; }
	mnt=$tmp/mnt
	dir=$mnt$bootdir/i386-pc
	{ mkdir -p "$dir" && cp "$GRUB2_DIR/boot.img" "$dir/boot.img" && cp "$core" "$dir/core.img"; } ||
		{ _g2_err "cannot put boot.img and core.img into $bootdir/i386-pc"; exit 1; }
	printf '(hd0) %s\n' "$dev" >"$tmp/device.map"
	_g2_udevadm "$tmp/bin" || exit 1
	out=$(PATH=$tmp/bin:$PATH "$GRUB2_SETUP" --no-rs-codes -d "$dir" -m "$tmp/device.map" "$dev" 2>&1) ||
		{ _g2_err "$GRUB2_SETUP failed: $(printf '%s' "$out" | tail -n3 | tr '\n' ' ')"; exit 1; }
)

# grub2_embed_expected IMG CORE K OUT: what grub-bios-setup --no-rs-codes
# writes for CORE embedded from sector K (util/setup.c), computed without
# it: OUT is sector 0 followed by the n sectors of CORE.  Sector 0 is
# GRUB2_DIR's boot.img with IMG's BPB (0x03..0x59), disk signature and
# partition table (0x1b8..0x1fd) kept, the kernel sector (u64 at 0x5c) K,
# the boot drive (0x64) 0xff, and the drive check (0x66) two NOPs.  CORE
# is padded with zeros to whole sectors and diskboot.img's first block
# list (the 12 bytes at 500) reads n-1 sectors from K+1 to 0x820:0.
grub2_embed_expected() {
	[ $# -eq 4 ] || { _g2_err "usage: grub2_embed_expected IMG CORE K OUT"; return 1; }
	python3 - "$1" "$2" "$3" "$4" "$GRUB2_DIR/boot.img" <<'PY' || { _g2_err "cannot compute the sectors for $2"; return 1; }
import struct, sys
img, core, k, out, boot_img = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
with open(img, 'rb') as f:
    old = f.read(512)
with open(boot_img, 'rb') as f:
    boot = bytearray(f.read())
with open(core, 'rb') as f:
    c = bytearray(f.read())
if len(old) != 512 or len(boot) != 512 or len(c) < 1024:
    sys.exit(1)
boot[0x03:0x5a] = old[0x03:0x5a]
boot[0x1b8:0x1fe] = old[0x1b8:0x1fe]
struct.pack_into('<Q', boot, 0x5c, k)
boot[0x64] = 0xff
boot[0x66:0x68] = b'\x90\x90'
n = (len(c) + 511) // 512
c += bytes(n * 512 - len(c))
struct.pack_into('<QHH', c, 500, k + 1, n - 1, 0x820)
with open(out, 'wb') as f:
    f.write(bytes(boot) + bytes(c))
PY
}
