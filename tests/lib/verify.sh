# shellcheck shell=bash
# Helpers for the inspector's tests (tests/verify_*.test): small root trees,
# images built with tests/lib/image.sh, and assertions on the report of
# "grubinst --verify".  Source after tests/lib/tap.sh and tests/lib/image.sh.
#
#   fake_kernel FILE [VERSION] [SIZE]
#                                   a small file with a Linux bzImage header
#   kernel_crc FILE                 its declared size and CRC made right
#   mini_root DIR                   static busybox, /bin/sh, /sbin/init script,
#                                   /boot/vmlinuz (fake), menu.lst for (hd0,0)
#   mini_userland DIR               the same without a kernel or a menu: what
#                                   an install needs to exit 0
#   mini_image IMG DIR [MIB] [START] [BLOCKS]
#                                   one active Linux partition at START (63),
#                                   ext2 with 1 KiB blocks from DIR, /dev/console
#   in_fs IMG PARTNO CMD...         debugfs -w commands on the partition
#   set_conf IMG TEXT               /boot/grub/grub.conf of partition 1 := TEXT
#   crash_copy IMG PARTNO OUT SCRIPT
#                                   OUT := IMG as a crash leaves it after
#                                   SCRIPT ran in the mounted partition: the
#                                   journal committed, nothing written back
#   run_verify IMG [ARGS...]        sets V_OUT (report) and V_RC (exit status)
#   expect NAME RC SEV CODE [REGEX] one test point: exit status RC and a
#                                   finding "SEV ... [CODE]" matching REGEX

# fake_kernel FILE [VERSION] [SIZE]: the header fields GRUB 0.97's
# load_image() and the inspector read (boot protocol 2.15, bzImage,
# 64-bit), 16 KiB of "y\n" around them so that nothing is sparse, the
# size the header declares, and the CRC-32 a kernel build appends.
fake_kernel() {
	local f=$1 ver=${2:-6.1.0-fake} size=${3:-16384}
	yes | head -c "$size" >"$f" || return 1
	_fk_put() { printf "$2" | dd of="$f" bs=1 seek=$(($1)) conv=notrunc status=none; }
	_fk_put 0x1f1 '\004'                # setup_sects
	_fk_put 0x1fe '\125\252'            # 55 AA
	_fk_put 0x202 'HdrS'
	_fk_put 0x206 '\017\002'            # protocol 2.15
	_fk_put 0x20e '\000\001'            # kernel_version -> 0x300
	_fk_put 0x211 '\001'                # LOADED_HIGH: bzImage
	_fk_put 0x236 '\001\000'            # XLF_KERNEL_64
	_fk_put 0x300 "$ver (test) #1\\000"
	kernel_crc "$f"
}

# kernel_crc FILE: sets the boot header's syssize to what FILE holds after
# its setup sectors, and its last 4 bytes to the CRC-32 of the rest, as
# arch/x86/boot/tools/build.c does.
kernel_crc() {
	python3 - "$1" <<'PY'
import struct, sys, zlib
f = sys.argv[1]
d = bytearray(open(f, 'rb').read())
setup = d[0x1f1] or 4
struct.pack_into('<I', d, 0x1f4, (len(d) - (setup + 1) * 512) // 16)
struct.pack_into('<I', d, len(d) - 4, zlib.crc32(bytes(d[:-4])) ^ 0xffffffff)
open(f, 'wb').write(d)
PY
}

# mini_userland DIR: static busybox as /bin/sh and an /sbin/init script.
mini_userland() {
	local dir=$1
	mkdir -p "$dir"/{bin,sbin,dev,proc,sys,boot} || return 1
	cp /bin/busybox "$dir/bin/busybox" || return 1
	ln -sfn busybox "$dir/bin/sh"
	printf '#!/bin/sh\necho hello\n' >"$dir/sbin/init"
	chmod 755 "$dir/sbin/init"
}

# mini_root DIR: the tutorial's minimal system with a fake kernel.
mini_root() {
	local dir=$1
	mini_userland "$dir" && mkdir -p "$dir/boot/grub" || return 1
	fake_kernel "$dir/boot/vmlinuz" || return 1
	cat >"$dir/boot/grub/grub.conf" <<'CONF'
serial --unit=0 --speed=115200
terminal serial
timeout 0
default 0

title minimal
root (hd0,0)
kernel /boot/vmlinuz root=/dev/sda1 ro console=ttyS0
CONF
	ln -sfn grub.conf "$dir/boot/grub/menu.lst"
}

# mini_image IMG DIR [MIB] [START] [BLOCKS]
mini_image() {
	local img=$1 dir=$2 mib=${3:-8} start=${4:-63} blocks=${5:-}
	image_create "$img" "$mib" &&
		image_partition "$img" <<<"label: dos
label-id: 0x0badc0de
start=$start, type=83, bootable" &&
		image_mkfs "$img" 1 ext2 1024 "$dir" "$blocks" &&
		image_mknod_console "$img" 1
}

# in_fs IMG PARTNO CMD...: each argument one debugfs command.
in_fs() {
	local img=$1 no=$2 off
	shift 2
	off=$(part_offset "$img" "$no") || return 1
	printf '%s\n' "$@" | E2FSPROGS_FAKE_TIME=${IMG_EPOCH:-1700000000} \
		debugfs -w -f - "$img?offset=$off" >/dev/null 2>&1
}

set_conf() {
	printf '%s\n' "$2" >"$T_TMP/grub.conf.new"
	in_fs "$1" 1 "rm /boot/grub/grub.conf" \
		"write $T_TMP/grub.conf.new /boot/grub/grub.conf"
}

# crash_copy IMG PARTNO OUT SCRIPT: mounts partition PARTNO of IMG through
# a loop device, runs SCRIPT (bash, in the mount point), fsyncs every
# regular file there (a commit of the journal, no write-back in place:
# sync(1) without arguments would write the blocks back too), and copies
# the image while it is still mounted.  IMG itself ends unmounted and clean.
crash_copy() {
	local img=$1 no=$2 out=$3 script=$4 off size dev mnt rc=0
	off=$(part_offset "$img" "$no") || return 1
	size=$(($(part_sectors "$img" "$no") * 512))
	mnt=$(mktemp -d "$T_TMP/mnt.XXXXXX") || return 1
	dev=$(losetup --find --show --offset "$off" --sizelimit "$size" "$img") || return 1
	if mount -t ext4 "$dev" "$mnt"; then
		(cd "$mnt" && bash -ec "$script") || rc=1
		find "$mnt" -xdev \( -type f -o -type d \) -exec sync {} + 2>/dev/null
		cp --sparse=always "$img" "$out" || rc=1
		umount "$mnt" || rc=1
	else
		rc=1
	fi
	losetup -d "$dev"
	rmdir "$mnt"
	return $rc
}

run_verify() {
	local img=$1
	shift
	V_OUT=$("$GRUBINST" --verify "$@" "$img" 2>&1)
	V_RC=$?
}

# expect NAME RC SEV CODE [REGEX]: SEV is ok, warn, FAIL or "-" for "no
# finding with CODE at all".
expect() {
	local name=$1 rc=$2 sev=$3 code=$4 re=${5:-}
	local lines
	lines=$(grep -F "[$code]" <<<"$V_OUT")
	if [ "$V_RC" != "$rc" ]; then
		not_ok "$name: exit $V_RC, want $rc"
		printf '%s\n' "$V_OUT" | sed 's/^/# /'
		return
	fi
	if [ "$sev" = - ]; then
		if [ -n "$lines" ]; then
			not_ok "$name: unexpected [$code]"
			printf '%s\n' "$lines" | sed 's/^/# /'
		else
			ok "$name (no $code)"
		fi
		return
	fi
	lines=$(grep -E "^  $sev +" <<<"$lines")
	if [ -n "$re" ]; then
		lines=$(grep -E -- "$re" <<<"$lines")
	fi
	if [ -z "$lines" ]; then
		not_ok "$name: no $sev [$code]${re:+ matching /$re/}"
		printf '%s\n' "$V_OUT" | sed 's/^/# /'
		return
	fi
	ok "$name: $(head -n1 <<<"$lines" | sed 's/^ *//' | cut -c1-150)"
}
