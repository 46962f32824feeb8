# shellcheck shell=bash
# Rootless disk-image building for the tests: no losetup, no mount.  The
# partition table is written by sfdisk on the image file, filesystems by
# mke2fs -E offset= and edited by debugfs on "IMG?offset=BYTES".
#
# Source this file (after tests/lib/tap.sh); sourcing only defines functions
# and variables (it also sources boot.sh, which image_tutorial needs).
# Every function returns non-zero and prints one "# function: what failed"
# line on stderr when it fails; none of them calls exit.
#
#   image_create IMG SIZE_MIB             sparse zero image
#   image_partition IMG < SFDISK_SCRIPT   partition table from an sfdisk script
#   part_offset IMG PARTNO                byte offset of partition PARTNO
#   part_sectors IMG PARTNO               length of PARTNO in sectors
#   image_mkfs IMG PARTNO TYPE BLOCKSIZE DIR [BLOCKS] [mke2fs args...]
#                                         ext2/3/4 filled from DIR, reproducible
#   image_mknod_console IMG PARTNO        /dev/console c 5 1, mode 0600
#   image_fsck IMG PARTNO                 e2fsck -fn of the partition
#   image_tutorial IMG DIR MARKER         the tutorial's bootable layout
#   write_grub_conf DIR ROOTSPEC KERNEL INITRD ROOTDEV
#                                         DIR/boot/grub/grub.conf + menu.lst
#   grub_shell_setup IMG [ROOTSPEC]       installs GRUB with the real grub shell
#   undo_record IMG                       where an install keeps IMG's undo record

# shellcheck source=tests/lib/boot.sh
. "$(dirname "${BASH_SOURCE[0]}")/boot.sh"
# shellcheck source=tests/lib/grubshell.sh
. "$(dirname "${BASH_SOURCE[0]}")/grubshell.sh"

# Fixed identities so that two runs build byte-identical images.
IMG_FS_UUID=${IMG_FS_UUID:-6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0}
IMG_HASH_SEED=${IMG_HASH_SEED:-0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d}
IMG_EPOCH=${IMG_EPOCH:-1700000000}
# The tutorial used 12 MiB, but Debian's kernel alone is ~14 MB.
TUTORIAL_IMG_MIB=${TUTORIAL_IMG_MIB:-32}

_img_err() { printf '# %s: %s\n' "${FUNCNAME[1]}" "$*" >&2; }
_img_err_caller() { printf '# %s: %s\n' "${FUNCNAME[2]}" "$*" >&2; }

# image_create IMG SIZE_MIB: a new sparse image of SIZE_MIB MiB of zeros.
image_create() {
	local img=${1:-} mib=${2:-}
	if [ -z "$img" ] || ! [[ "$mib" =~ ^[0-9]+$ ]]; then
		_img_err "usage: image_create IMG SIZE_MIB"
		return 1
	fi
	if ! { rm -f "$img" && truncate -s "${mib}M" "$img"; }; then
		_img_err "cannot create $img"
		return 1
	fi
}

# image_partition IMG: writes the sfdisk script read from stdin, e.g.
#   label: dos
#   label-id: 0x12345678
#   start=63, type=83, bootable
# sfdisk works on the file itself; --no-reread/--no-tell-kernel keep it from
# asking the kernel about a block device that does not exist.
image_partition() {
	local img=${1:-} out
	[ -f "$img" ] || { _img_err "no image $img"; return 1; }
	if ! out=$(sfdisk -q --no-reread --no-tell-kernel "$img" 2>&1); then
		_img_err "sfdisk failed on $img: $(printf '%s' "$out" | tr '\n' ' ')"
		return 1
	fi
}

# _part_field IMG PARTNO FIELD: FIELD (start or size, in sectors) of the
# partition, read from sfdisk's dump.  Partition nodes in the dump are the
# image path followed by the number ("p" in between if the path ends in a
# digit), so the number is what is left after the path.
_part_field() {
	local img=${1:-} no=${2:-} field=${3:-} line node val
	# Errors name the public caller (part_offset or part_sectors).
	[ -f "$img" ] || { _img_err_caller "no image '$img'"; return 1; }
	[[ "$no" =~ ^[1-9][0-9]*$ ]] || { _img_err_caller "bad partition number '$no'"; return 1; }
	while IFS= read -r line; do
		case "$line" in *" : "*) ;; *) continue ;; esac
		node=${line%% : *}
		node=${node#"$img"}
		node=${node#p}
		[ "$node" = "$no" ] || continue
		val=$(printf '%s\n' "$line" | sed -n "s/.*[ ,]$field= *\([0-9][0-9]*\).*/\1/p")
		[ -n "$val" ] && { printf '%s\n' "$val"; return 0; }
	done < <(sfdisk -d "$img" 2>/dev/null)
	_img_err_caller "no partition $no in $img"
	return 1
}

# part_offset IMG PARTNO: prints the byte offset of partition PARTNO.
part_offset() {
	local start
	start=$(_part_field "${1:-}" "${2:-}" start) || return 1
	echo $((start * 512))
}

# part_sectors IMG PARTNO: prints the length of partition PARTNO in sectors.
part_sectors() { _part_field "${1:-}" "${2:-}" size; }

# image_mkfs IMG PARTNO TYPE BLOCKSIZE DIR [BLOCKS] [mke2fs args...]
# Makes an ext2/ext3/ext4 filesystem of TYPE inside partition PARTNO, filled
# with the tree DIR.  BLOCKS defaults to the whole partition ("" or "-" also
# mean the default).  Extra "-E opts" arguments are merged into the -E this
# function passes (mke2fs keeps only the last -E).
# Reproducible: fixed UUID, hash seed, E2FSPROGS_FAKE_TIME for the times
# mke2fs makes up, and afterwards every inode copied from DIR gets the fixed
# time IMG_EPOCH and owner 0:0 (mke2fs copies ctime and owners from DIR,
# which no unprivileged touch can fix).
image_mkfs() {
	local img=${1:-} no=${2:-} type=${3:-} bs=${4:-} dir=${5:-} blocks=${6:-} off sectors ext out
	local -a extra=()
	if [ $# -lt 5 ]; then
		_img_err "usage: image_mkfs IMG PARTNO TYPE BLOCKSIZE DIR [BLOCKS] [mke2fs args...]"
		return 1
	fi
	shift 5
	[ $# -gt 0 ] && shift
	[ -d "$dir" ] || { _img_err "no directory $dir"; return 1; }
	case "$type" in ext2 | ext3 | ext4) ;; *) _img_err "unsupported filesystem type $type"; return 1 ;; esac
	case "$bs" in 1024 | 2048 | 4096 | 65536) ;; *) _img_err "bad block size '$bs' (1024, 2048, 4096 or 65536)"; return 1 ;; esac
	off=$(part_offset "$img" "$no") || return 1
	sectors=$(part_sectors "$img" "$no") || return 1
	if [ -z "$blocks" ] || [ "$blocks" = - ]; then
		blocks=$((sectors * 512 / bs))
	fi
	if [ $((blocks * bs)) -gt $((sectors * 512)) ]; then
		_img_err "$blocks blocks of $bs bytes do not fit in partition $no ($sectors sectors)"
		return 1
	fi
	ext=offset=$off,hash_seed=$IMG_HASH_SEED,root_owner=0:0,no_copy_xattrs
	while [ $# -gt 0 ]; do
		if [ "$1" = -E ] && [ $# -ge 2 ]; then
			ext=$ext,$2
			shift 2
		else
			extra+=("$1")
			shift
		fi
	done
	if ! out=$(E2FSPROGS_FAKE_TIME=$IMG_EPOCH mke2fs -q -F -t "$type" -b "$bs" \
		-U "$IMG_FS_UUID" -E "$ext" "${extra[@]}" -d "$dir" "$img" "$blocks" 2>&1); then
		_img_err "mke2fs -t $type in partition $no of $img failed: $(printf '%s' "$out" | tr '\n' ' ')"
		return 1
	fi
	_img_fix_times "$img" "$off" "$dir"
}

# _img_fix_times IMG OFFSET DIR: sets time and owner of every file of DIR
# inside the filesystem to IMG_EPOCH and 0:0.
_img_fix_times() {
	local img=${1:-} off=${2:-} dir=${3:-} cmds p f
	cmds=$(mktemp) || { _img_err "cannot make a temporary file"; return 1; }
	while IFS= read -r -d '' p; do
		p=/${p#.}
		p=${p//\/\//\/}
		for f in atime mtime ctime; do
			printf 'sif "%s" %s @%s\n' "$p" "$f" "$IMG_EPOCH"
		done
		printf 'sif "%s" uid 0\nsif "%s" gid 0\n' "$p" "$p"
	done < <(cd "$dir" && find . -print0) >"$cmds"
	local rc=0
	_img_debugfs "$img" "$off" -f "$cmds" || rc=1
	rm -f "$cmds"
	return "$rc"
}

# _img_debugfs IMG OFFSET DEBUGFS-ARGS...: runs debugfs -w on the filesystem at
# OFFSET.  debugfs exits 0 even when a command fails, so any output other than
# its banner and the echoed commands counts as a failure.
_img_debugfs() {
	local img=${1:-} off=${2:-} out
	shift 2
	out=$(E2FSPROGS_FAKE_TIME=$IMG_EPOCH debugfs -w "$@" "$img?offset=$off" 2>&1) ||
		{ _img_err "debugfs failed on $img: $(printf '%s' "$out" | head -n3 | tr '\n' ' ')"; return 1; }
	out=$(grep -v -e '^debugfs [0-9]' -e '^debugfs: ' -e '^Allocated inode: ' -e '^$' <<<"$out" || true)
	[ -z "$out" ] || { _img_err "debugfs on $img: $(printf '%s' "$out" | head -n3 | tr '\n' ' ')"; return 1; }
}

# image_mknod_console IMG PARTNO: creates /dev/console (char 5,1, mode 0600)
# in the filesystem of PARTNO; /dev must exist there.  A normal user cannot
# mknod in a directory, but debugfs can write the inode into the image.
# The new inode's times come from E2FSPROGS_FAKE_TIME.
image_mknod_console() {
	local img=${1:-} no=${2:-} off
	off=$(part_offset "$img" "$no") || return 1
	# debugfs' mknod does not split a path: "mknod /dev/console" would make
	# an entry named "/dev/console" in the root directory, so cd first.  It
	# also leaves the permission bits at 0: set the mode afterwards.
	_img_debugfs "$img" "$off" -f <(printf 'cd /dev\nmknod console c 5 1\nsif console mode 020600\n')
}

# image_fsck IMG PARTNO: e2fsck -fn of the filesystem in PARTNO (read-only);
# prints e2fsck's output as "# " lines if it finds anything.
image_fsck() {
	local img=${1:-} no=${2:-} off out
	off=$(part_offset "$img" "$no") || return 1
	if ! out=$(e2fsck -fn "$img?offset=$off" 2>&1); then
		_img_err "e2fsck -fn found errors in partition $no of $img"
		printf '%s\n' "$out" | sed 's/^/# /' >&2
		return 1
	fi
}

# write_grub_conf DIR ROOTSPEC KERNEL INITRD ROOTDEV: writes a grub.conf that
# boots KERNEL and INITRD from ROOTSPEC (e.g. "(hd0,0)") at once over the
# serial line with root=ROOTDEV (e.g. /dev/sda1), and the relative symlink
# menu.lst -> grub.conf that stage2 looks for.  GRUB_TITLE sets the title;
# keep the boot marker out of it (GRUB prints the title when it boots).
write_grub_conf() {
	local dir=${1:-} rootspec=${2:-} kernel=${3:-} initrd=${4:-} rootdev=${5:-}
	if [ $# -ne 5 ]; then
		_img_err "usage: write_grub_conf DIR ROOTSPEC KERNEL INITRD ROOTDEV"
		return 1
	fi
	mkdir -p "$dir/boot/grub" || { _img_err "cannot create $dir/boot/grub"; return 1; }
	cat >"$dir/boot/grub/grub.conf" <<EOF || { _img_err "cannot write $dir/boot/grub/grub.conf"; return 1; }
serial --unit=0 --speed=115200
terminal serial
timeout 0
default 0

title ${GRUB_TITLE:-grubinst test system}
root $rootspec
kernel $kernel root=$rootdev ro console=ttyS0 panic=-1
initrd $initrd
EOF
	ln -sfn grub.conf "$dir/boot/grub/menu.lst" || { _img_err "cannot link menu.lst"; return 1; }
	touch -h -d "@$IMG_EPOCH" "$dir/boot/grub" "$dir/boot/grub/grub.conf" "$dir/boot/grub/menu.lst"
}

# image_tutorial IMG DIR MARKER: the tutorial's disk: one active Linux
# partition from sector 63 to the end of a TUTORIAL_IMG_MIB image (32 MiB:
# the tutorial's 12 MiB cannot hold Debian's kernel), ext2 with 1 KiB blocks
# filling it, the minimal root from DIR and /dev/console.  If DIR has no
# sbin/init yet it is built with rootfs_build DIR MARKER; otherwise DIR is
# used as it is, so callers can add stage files or a grub.conf first.
# No boot loader is installed.
image_tutorial() {
	local img=${1:-} dir=${2:-} marker=${3:-}
	if [ $# -ne 3 ]; then
		_img_err "usage: image_tutorial IMG DIR MARKER"
		return 1
	fi
	if [ ! -e "$dir/sbin/init" ]; then
		rootfs_build "$dir" "$marker" || return 1
	fi
	image_create "$img" "$TUTORIAL_IMG_MIB" || return 1
	image_partition "$img" <<EOF || return 1
label: dos
label-id: 0x0badc0de
start=63, type=83, bootable
EOF
	image_mkfs "$img" 1 ext2 1024 "$dir" || return 1
	image_mknod_console "$img" 1
}

# grub_shell_setup IMG [ROOTSPEC]: installs GRUB Legacy into IMG with Debian's
# grub shell (the oracle, tests/lib/grubshell.sh), from the stage files in
# /boot/grub of ROOTSPEC (default "(hd0,0)").
grub_shell_setup() {
	local img=${1:-} rootspec=${2:-(hd0,0)} rc
	[ -f "$img" ] || { _img_err "no image $img"; return 1; }
	grub_shell "$img" "root $rootspec" "setup (hd0)"
	rc=$?
	[ "$rc" -eq 0 ] && return 0
	if [ "$rc" -eq 2 ]; then
		_img_err "the grub shell did not run on $img: it never touched the image"
	else
		_img_err "grub shell setup of $img failed"
	fi
	printf '%s\n' "$GRUB_SHELL_OUT" | grep -v '^ *$' | sed 's/^/# /' >&2
	return 1
}

# undo_record IMG: the path of the undo record an install of IMG writes
# while it runs (disk/undo.c): in the directory of the file IMG is (links
# followed), named after its inode; for a block device, in /dev, named
# after its device number.
undo_record() {
	local real
	real=$(realpath -- "${1:-}") || { _img_err "no image '${1:-}'"; return 1; }
	if [ -b "$real" ]; then
		printf '/dev/grubinst-undo.%s\n' "$(stat -c '%Hr:%Lr' "$real")"
	else
		printf '%s/grubinst-undo.%s\n' "$(dirname "$real")" "$(stat -c %i "$real")"
	fi
}
