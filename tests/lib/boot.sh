# shellcheck shell=bash
# Kernel, initrd, root filesystem tree and QEMU boot helpers for the tests.
#
# Source this file (after tests/lib/tap.sh, or with GRUBINST_CACHE set);
# sourcing only defines functions and variables.  Every function returns
# non-zero and prints one "# function: what failed" line on stderr when it
# fails; none of them calls exit, so callers may or may not use set -e.
#
#   kernel_fetch                  sets KERNEL, KMODDIR, KVER (cached download)
#   initrd_build OUT              gzip'ed newc initrd that mounts root= (cached)
#   rootfs_build DIR MARKER [--grub-stages]
#                                 minimal busybox root whose /sbin/init prints
#                                 MARKER and powers off
#   rootfs_cmdline_init DIR MARKER
#                                 ...prints MARKER and /proc/cmdline instead
#   boot_image IMG MARKER [TIMEOUT_S]
#                                 boots IMG in QEMU, transcript in IMG.log,
#                                 0 if MARKER was printed
#   boot_watch IMG STOP [TIMEOUT_S] [--settle]
#                                 the same, and watching on after STOP
#   boot_check DESC IMG MARKER    boot_image as a TAP test point with its time
#   boot_screen IMG STOP PROMPT DIR [KEY SCREEN]
#                                 a boot on a machine with a screen: the
#                                 screen once PROMPT is on the serial line,
#                                 or after pressing KEY then

# The Debian metapackage whose dependency names the kernel image package.
BOOT_KERNEL_META=${BOOT_KERNEL_META:-linux-image-cloud-amd64}
# The disk drivers the initrd loads, in dependency order (the cloud kernel
# builds them as modules; ext4 and devtmpfs are built in).
BOOT_MODULES=${BOOT_MODULES:-"scsi_common scsi_mod libata ata_piix sd_mod"}
# Where the GRUB Legacy stage files come from.
GRUB_STAGE_DIR=${GRUB_STAGE_DIR:-/usr/lib/grub/x86_64-pc}
# Fixed timestamp (2023-11-14) given to every file, so images are reproducible.
IMG_EPOCH=${IMG_EPOCH:-1700000000}

_boot_err() { printf '# %s: %s\n' "${FUNCNAME[1]}" "$*" >&2; }

_boot_cache() {
	printf '%s\n' "${GRUBINST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/grubinst}"
}

# kernel_fetch: makes sure an unpacked Debian kernel package is in the cache
# and sets KERNEL (path of vmlinuz), KMODDIR (its [usr/]lib/modules/VERSION) and
# KVER (VERSION).  Once a kernel is cached no apt command runs at all, so
# later calls need no network; GRUBINST_KERNEL_REFRESH=1 looks for a newer one.
# Concurrent callers are serialised with flock on a lock file in the cache.
kernel_fetch() {
	local cache dir lockfd rc
	cache=$(_boot_cache)/kernel
	mkdir -p "$cache" || { _boot_err "cannot create $cache"; return 1; }
	# The cache must never end up inside the work tree (it is ~100 MB).
	case "$(cd "$cache" && pwd -P)/" in
	"${TOP:-/nonexistent}"/*) _boot_err "GRUBINST_CACHE is inside the repository: $cache"; return 1 ;;
	esac
	exec {lockfd}>"$cache/.lock" || { _boot_err "cannot open $cache/.lock"; return 1; }
	flock "$lockfd" || { _boot_err "cannot lock $cache/.lock"; exec {lockfd}>&-; return 1; }
	rc=0
	dir=$(_kernel_fetch_locked "$cache") || rc=1
	exec {lockfd}>&-
	[ "$rc" -eq 0 ] || return 1
	KERNEL=$(echo "$dir"/boot/vmlinuz-*)
	KVER=${KERNEL##*/vmlinuz-}
	KMODDIR=$dir/lib/modules/$KVER
	# Debian 13's kernel packages ship their modules under /usr (merged /usr).
	[ -d "$KMODDIR" ] || KMODDIR=$dir/usr/lib/modules/$KVER
	if [ ! -f "$KERNEL" ] || [ ! -d "$KMODDIR" ]; then
		_boot_err "cached kernel in $dir is incomplete (no vmlinuz or modules)"
		return 1
	fi
	export KERNEL KMODDIR KVER
}

# Prints the directory of the unpacked kernel; runs with the cache lock held.
# "current" is a symlink to the last complete unpack: it is only replaced once
# the new unpack is whole, so an interrupted download leaves no half kernel.
_kernel_fetch_locked() {
	local cache=${1:-} pkg ver name tmp apt_opts=()
	if [ -e "$cache/current" ] && [ "${GRUBINST_KERNEL_REFRESH:-0}" != 1 ]; then
		readlink -f "$cache/current"
		return 0
	fi
	pkg=$(_kernel_package) || return 1
	ver=$(apt-cache show --no-all-versions "$pkg" 2>/dev/null | sed -n '/^Version: /{s///p;q;}')
	[ -n "$ver" ] || { _boot_err "apt-cache knows no version of $pkg"; return 1; }
	name=${pkg}_${ver}
	if [ ! -d "$cache/$name" ]; then
		rm -rf "$cache"/tmp.* # left by an interrupted run (we hold the lock)
		tmp=$(mktemp -d "$cache/tmp.XXXXXX") || { _boot_err "cannot make a temporary dir in $cache"; return 1; }
		# As root, apt hands the download to the _apt user, which cannot
		# write into a cache under /root: download as root instead.
		[ "$(id -u)" -eq 0 ] && apt_opts=(-o APT::Sandbox::User=root)
		if ! (cd "$tmp" && apt-get -qq "${apt_opts[@]}" download "$pkg" >/dev/null); then
			_boot_err "apt-get download $pkg failed"
			rm -rf "$tmp"
			return 1
		fi
		if ! dpkg-deb -x "$tmp"/*.deb "$tmp/unpack"; then
			_boot_err "dpkg-deb -x of $pkg failed"
			rm -rf "$tmp"
			return 1
		fi
		mv "$tmp/unpack" "$cache/$name" || { _boot_err "cannot move the kernel into $cache/$name"; rm -rf "$tmp"; return 1; }
		rm -rf "$tmp"
	fi
	if ! { ln -sfn "$name" "$cache/current.new" && mv -T "$cache/current.new" "$cache/current"; }; then
		_boot_err "cannot update $cache/current"
		return 1
	fi
	printf '%s\n' "$cache/$name"
}

# Prints the name of the kernel image package the metapackage depends on.
# On a fresh machine apt's lists may be empty: then update them once.
_kernel_package() {
	local pkg
	pkg=$(_kernel_dep)
	if [ -z "$pkg" ]; then
		apt-get -qq update >/dev/null 2>&1 || { _boot_err "apt-get update failed"; return 1; }
		pkg=$(_kernel_dep)
	fi
	[ -n "$pkg" ] || { _boot_err "cannot find the package $BOOT_KERNEL_META depends on"; return 1; }
	printf '%s\n' "$pkg"
}

_kernel_dep() {
	apt-cache depends "$BOOT_KERNEL_META" 2>/dev/null |
		sed -n '/^ *Depends: \(linux-image-[^ ]*\)$/{s//\1/p;q;}'
}

# The initrd's /init.  It prints "INITRD: ..." and powers off on any failure,
# so that QEMU exits instead of hanging in a kernel panic loop or a shell.
_initrd_init_script() {
	cat <<'EOF'
#!/bin/sh
# /init of the grubinst test initrd: load the IDE disk drivers, mount root=
# read-only and switch_root into init= (default /sbin/init).
export PATH=/bin
fail() {
	echo "INITRD: $*"
	poweroff -f
	sleep 5
	exit 1
}
mount -t proc proc /proc || fail "cannot mount /proc"
mount -t sysfs sysfs /sys || fail "cannot mount /sys"
mount -t devtmpfs devtmpfs /dev || fail "cannot mount devtmpfs on /dev"
for m in $(cat /etc/modules); do
	[ -d "/sys/module/$m" ] && continue # built into this kernel
	insmod "/lib/modules/$m.ko" || fail "cannot load module $m"
done
root=
init=/sbin/init
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	root=*) root=${arg#root=} ;;
	init=*) init=${arg#init=} ;;
	esac
done
[ -n "$root" ] || fail "no root= on the kernel command line"
# root=PARTUUID=<GPT partition GUID>, PARTUUID=<MBR disk id>-<partition,
# hex> and root=UUID=/LABEL= of the filesystem, as initramfs-tools
# resolves them (blkid: the whole text, as it is); anything else is a path.
gpt_guid() { # DEV OFFSET: the GUID at byte OFFSET, as blkid prints it
	dd if="$1" bs=1 skip="$2" count=16 2>/dev/null |
		hexdump -e '1/4 "%08x" "-" 1/2 "%04x" "-" 1/2 "%04x" "-" 2/1 "%02x" "-" 6/1 "%02x"'
}
gpt_u32() { dd if="$1" bs=1 skip="$2" count=4 2>/dev/null | hexdump -e '1/4 "%u"'; }
resolve() {
	case "$1" in
	PARTUUID=????????-????-????-????-????????????)
		local d lba n size i g
		for d in /sys/block/sd*; do
			[ -e "$d" ] || continue
			d=/dev/${d##*/}
			[ "$(dd if="$d" bs=1 skip=512 count=8 2>/dev/null)" = "EFI PART" ] || continue
			lba=$(gpt_u32 "$d" 584) n=$(gpt_u32 "$d" 592) size=$(gpt_u32 "$d" 596) i=1
			# The entries in use come first (sfdisk packs them).
			while [ "$i" -le "$n" ] && [ "$i" -le 128 ]; do
				g=$(gpt_guid "$d" $((lba * 512 + (i - 1) * size + 16)))
				[ "$g" = "${1#PARTUUID=}" ] && echo "$d$i" && return
				[ "$g" = 00000000-0000-0000-0000-000000000000 ] && break
				i=$((i + 1))
			done
		done ;;
	PARTUUID=*-*)
		local id=${1#PARTUUID=} d sig
		for d in /sys/block/sd*; do
			[ -e "$d" ] || continue
			sig=$(dd if="/dev/${d##*/}" bs=1 skip=440 count=4 2>/dev/null | hexdump -e '1/4 "%08x"')
			[ "$sig" = "${id%-*}" ] && echo "/dev/${d##*/}$((0x${id##*-}))" && return
		done ;;
	UUID=* | LABEL=*) findfs "$1" 2>/dev/null ;;
	*) echo "$1" ;;
	esac
}
# The SCSI scan runs asynchronously, and on a busy machine without KVM a
# second IDE disk has taken more than 10 s to appear: wait up to 30 s for
# the device node.
i=0
while :; do
	dev=$(resolve "$root")
	[ -n "$dev" ] && [ -b "$dev" ] && break
	i=$((i + 1))
	[ "$i" -le 300 ] || fail "root device $root did not appear"
	sleep 0.1
done
mount -t ext4 -o ro "$dev" /newroot || fail "cannot mount $root ($dev)"
[ -e "/newroot$init" ] || [ -L "/newroot$init" ] || fail "no $init on $root ($dev)"
echo "initrd: mounted $root ($dev), starting $init"
umount /proc /sys
# -c reopens the console from the new root's /dev/console.
exec switch_root -c /dev/console /newroot "$init"
EOF
}

# initrd_build OUT: writes the test initrd to OUT.  The result is cached in
# $GRUBINST_CACHE/initrd keyed by kernel version and a hash of the recipe
# (init script, assembly code, module list, busybox), and copied to OUT.
initrd_build() {
	local out=${1:-} cache key cached tmp bb=/bin/busybox
	[ -n "$out" ] || { _boot_err "usage: initrd_build OUT"; return 1; }
	kernel_fetch || return 1
	cache=$(_boot_cache)/initrd
	mkdir -p "$cache" || { _boot_err "cannot create $cache"; return 1; }
	[ -x "$bb" ] || { _boot_err "$bb missing (install busybox-static)"; return 1; }
	# The key covers the recipe itself (both functions' code), so editing
	# this file never reuses a stale initrd.
	key=$({ declare -f _initrd_init_script _initrd_assemble; echo "$BOOT_MODULES"; sha256sum <"$bb"; } |
		sha256sum | cut -c1-16)
	cached=$cache/initrd.img-$KVER-$key
	if [ ! -s "$cached" ]; then
		tmp=$(mktemp -d "$cache/tmp.XXXXXX") || { _boot_err "cannot make a temporary dir in $cache"; return 1; }
		if ! _initrd_assemble "$tmp/root" "$tmp/initrd"; then
			rm -rf "$tmp"
			return 1
		fi
		# A rename is atomic: a concurrent builder never sees half a file.
		mv "$tmp/initrd" "$cached" || { _boot_err "cannot store $cached"; rm -rf "$tmp"; return 1; }
		rm -rf "$tmp"
	fi
	cp "$cached" "$out" || { _boot_err "cannot copy the initrd to $out"; return 1; }
}

# _initrd_assemble STAGING OUT: lays out the initrd tree and packs it.
_initrd_assemble() {
	local root=${1:-} out=${2:-} m ko
	local -a mods
	read -r -a mods <<<"$BOOT_MODULES"
	mkdir -p "$root"/{bin,dev,proc,sys,newroot,etc,lib/modules} || { _boot_err "cannot create $root"; return 1; }
	cp /bin/busybox "$root/bin/busybox" || { _boot_err "cannot copy busybox"; return 1; }
	ln -s busybox "$root/bin/sh"
	for m in "${mods[@]}"; do
		ko=$(find "$KMODDIR/kernel" \( -name "$m.ko" -o -name "$m.ko.xz" -o -name "$m.ko.zst" -o -name "$m.ko.gz" \) -print -quit)
		[ -n "$ko" ] || { _boot_err "module $m not found under $KMODDIR"; return 1; }
		# busybox insmod reads only plain .ko files: decompress here.
		case "$ko" in
		*.xz) { xz -dc "$ko" 2>/dev/null || busybox unxz -c "$ko"; } >"$root/lib/modules/$m.ko" ;;
		*.zst) zstd -qdc "$ko" >"$root/lib/modules/$m.ko" ;;
		*.gz) gzip -dc "$ko" >"$root/lib/modules/$m.ko" ;;
		*) cp "$ko" "$root/lib/modules/$m.ko" ;;
		esac || { _boot_err "cannot decompress $ko"; return 1; }
	done
	printf '%s\n' "${mods[@]}" >"$root/etc/modules"
	for m in mount umount insmod poweroff sleep cat switch_root echo dd hexdump findfs; do
		ln -s busybox "$root/bin/$m"
	done
	if ! { _initrd_init_script >"$root/init" && chmod 755 "$root/init"; }; then
		_boot_err "cannot write $root/init"
		return 1
	fi
	find "$root" -exec touch -h -d "@$IMG_EPOCH" {} + || { _boot_err "cannot set timestamps in $root"; return 1; }
	# Sorted names, fixed times, root owner and gzip -n: the same recipe
	# gives the same bytes.
	(cd "$root" && find . -mindepth 1 | LC_ALL=C sort |
		cpio --quiet -o -H newc -R 0:0 --reproducible) | gzip -9n >"$out" ||
		{ _boot_err "cpio/gzip of the initrd failed"; return 1; }
}

# rootfs_build DIR MARKER [--grub-stages]: the tutorial's minimal root in DIR:
# static busybox, /bin/sh, an /sbin/init script that prints MARKER and powers
# off, /boot/vmlinuz-VER and /boot/initrd.img-VER, empty /dev /proc /sys
# (/dev/console is added in the image by image_mknod_console).  With
# --grub-stages also /boot/grub/{stage1,stage2,e2fs_stage1_5} for the grub shell.
rootfs_build() {
	local dir=${1:-} marker=${2:-} stages=${3:-} f
	if [ -z "$dir" ] || [ -z "$marker" ]; then
		_boot_err "usage: rootfs_build DIR MARKER [--grub-stages]"
		return 1
	fi
	case "$stages" in "" | --grub-stages) ;; *) _boot_err "unknown option $stages"; return 1 ;; esac
	kernel_fetch || return 1
	mkdir -p "$dir"/{bin,sbin,dev,proc,sys,boot} || { _boot_err "cannot create $dir"; return 1; }
	cp /bin/busybox "$dir/bin/busybox" || { _boot_err "cannot copy /bin/busybox"; return 1; }
	ln -sfn busybox "$dir/bin/sh"
	# The marker goes through printf %s, so any characters are safe in it.
	_write_init "$dir" "The whole userspace of the test system: say hello, power off." \
		"printf '%s\\n' $(_sh_quote "$marker")" || return 1
	cp "$KERNEL" "$dir/boot/vmlinuz-$KVER" || { _boot_err "cannot copy the kernel"; return 1; }
	initrd_build "$dir/boot/initrd.img-$KVER" || return 1
	if [ "$stages" = --grub-stages ]; then
		mkdir -p "$dir/boot/grub"
		for f in stage1 stage2 e2fs_stage1_5; do
			cp "$GRUB_STAGE_DIR/$f" "$dir/boot/grub/$f" || { _boot_err "cannot copy $GRUB_STAGE_DIR/$f"; return 1; }
		done
	fi
	find "$dir" -exec touch -h -d "@$IMG_EPOCH" {} + || { _boot_err "cannot set timestamps in $dir"; return 1; }
}

# rootfs_cmdline_init DIR MARKER: DIR/sbin/init prints MARKER and, on the
# same line, the kernel command line it was booted with, then powers off:
# the boot itself says which menu entry ran.
rootfs_cmdline_init() {
	local dir=${1:-} marker=${2:-}
	[ -d "$dir/sbin" ] && [ -n "$marker" ] || { _boot_err "usage: rootfs_cmdline_init DIR MARKER"; return 1; }
	_write_init "$dir" "Say hello with the kernel command line, power off." \
		'busybox mount -t proc proc /proc' \
		"printf '%s cmdline: %s\\n' $(_sh_quote "$marker") \"\$(busybox cat /proc/cmdline)\"" || return 1
	touch -h -d "@$IMG_EPOCH" "$dir/sbin/init"
}

# _write_init DIR COMMENT LINE...: DIR/sbin/init, a script of the LINEs
# that powers the machine off after them.
_write_init() {
	local dir=$1 comment=$2
	shift 2
	{
		printf '#!/bin/sh\n# %s\nPATH=/bin:/sbin\n' "$comment"
		printf '%s\n' "$@" 'busybox poweroff -f'
	} >"$dir/sbin/init" || { _boot_err "cannot write $dir/sbin/init"; return 1; }
	chmod 755 "$dir/sbin/init" || { _boot_err "cannot chmod $dir/sbin/init"; return 1; }
}

# _sh_quote STRING: STRING as one single-quoted shell word.
_sh_quote() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }

# Transcript lines that mean the boot has failed for good: SeaBIOS found
# nothing to boot, stage1's "GRUB Hard Disk/Read/Geom Error", stage1.5's and
# stage2's "Error N: ..." (GRUB then waits for a key forever), stage2's
# command line (it found no menu.lst), the initrd's
# own failure lines and a kernel panic (QEMU exits on those by itself, but
# stop waiting anyway).
BOOT_FAIL_RE=${BOOT_FAIL_RE:-'No bootable device|GRUB (Hard Disk|Read|Geom|Floppy) Error|Error [0-9]+: |grub> |^INITRD: |Kernel panic'}

# The QEMU machine: a PC with 256 MiB and the image as the only IDE disk.
# -nographic makes QEMU tell SeaBIOS to copy its screen output to the serial
# port ("sercon"), so the transcript also shows SeaBIOS, stage1 and
# stage1.5, which print through the BIOS before GRUB's serial terminal
# exists; -display none would lose them.  -serial stdio -monitor none: the
# serial line alone goes to stdout and no monitor reads stdin (plain
# -nographic multiplexes the monitor onto stdio).  -nic none: no network
# card, so no PXE ROM to wait for.  stdin is /dev/null: CI has none.
BOOT_QEMU_ARGS=(-m 256 -nographic -monitor none -serial stdio -no-reboot -nic none)

# How long a boot may take before it counts as hung.  A boot that works
# takes 5 to 10 s on an idle machine, but one took 121 s on a 2-core
# machine busy with builds; known failure messages end a boot at once, so a
# long budget costs only the boots that really hang.
BOOT_TIMEOUT=${BOOT_TIMEOUT:-360}
# After the sign that a boot reached some stage, how long to keep watching
# before calling what follows a hang (boot_watch --settle).
BOOT_SETTLE=${BOOT_SETTLE:-30}

# boot_watch IMG STOP [TIMEOUT_S] [--settle]: boots IMG as the only IDE disk
# of a PC with the serial console on stdout, transcript in IMG.log, until
# the fixed string STOP appears (return 0), a known failure appears or QEMU
# exits (1), or TIMEOUT_S (default BOOT_TIMEOUT) pass (1).  With --settle,
# after STOP it watches BOOT_SETTLE seconds more, so that the caller can
# tell a hang from what comes next.  Sets BOOT_SECONDS (the boot's wall
# time) and BOOT_WHY.  Boots take a lock in the cache, so test runs side
# by side boot one at a time; the wait for it is not counted.
boot_watch() {
	local img=${1:-} stop=${2:-} limit=${3:-$BOOT_TIMEOUT} settle=${4:-} log pid t0 waits
	BOOT_SECONDS=0
	BOOT_WHY=
	if [ -z "$img" ] || [ -z "$stop" ]; then
		_boot_err "usage: boot_watch IMG STOP [TIMEOUT_S] [--settle]"
		return 1
	fi
	[ -f "$img" ] || { _boot_err "no image $img"; return 1; }
	log=$img.log
	: >"$log" || { _boot_err "cannot write $log"; return 1; }
	_boot_lock || return 1
	t0=$SECONDS
	timeout "$limit" qemu-system-x86_64 "${BOOT_QEMU_ARGS[@]}" \
		-drive "file=$img,format=raw,if=ide" </dev/null >"$log" 2>&1 &
	pid=$!
	waits=0
	if _boot_until "$pid" "$log" "$stop"; then
		# The guest powers off right after the marker: give it 10 s.
		waits=50
		[ "$settle" = --settle ] && waits=$((BOOT_SETTLE * 5))
	fi
	_boot_end "$pid" "$waits"
	BOOT_SECONDS=$((SECONDS - t0))
	if grep -qaF -- "$stop" "$log"; then
		BOOT_WHY=
		return 0
	fi
	[ "$BOOT_RC" -eq 124 ] && BOOT_WHY="timed out after ${limit}s"
	[ -s "$log" ] || BOOT_WHY="$BOOT_WHY; nothing reached the serial line (no boot loader?)"
	return 1
}

# The machine of boot_screen: a screen (standard VGA, not shown), the
# monitor on a socket, the serial line alone on stdout.  Without
# -nographic SeaBIOS copies nothing to the serial line, so all it shows
# is what GRUB writes there and the kernel's console=ttyS0.
BOOT_SCREEN_ARGS=(-m 256 -display none -vga std -serial stdio -no-reboot -nic none)

# _boot_until PID LOG STRING: waits until STRING is in LOG (0), a known
# failure appears (1) or QEMU is gone (2); sets BOOT_WHY.
_boot_until() {
	local pid=$1 log=$2 want=$3
	while kill -0 "$pid" 2>/dev/null; do
		grep -qaF -- "$want" "$log" && return 0
		if grep -qaE -- "$BOOT_FAIL_RE" "$log"; then
			BOOT_WHY="a failure message appeared"
			sleep 1 # let the rest of the message reach the log
			return 1
		fi
		sleep 0.2
	done
	grep -qaF -- "$want" "$log" && return 0
	BOOT_WHY="qemu exited"
	return 2
}

# _boot_lock: the machine-wide QEMU lock, held in BOOT_LOCKFD, so that
# tests side by side boot one at a time.
_boot_lock() {
	local cache
	cache=$(_boot_cache)
	mkdir -p "$cache" && exec {BOOT_LOCKFD}>"$cache/qemu.lock" && flock "$BOOT_LOCKFD" ||
		{ _boot_err "cannot lock $cache/qemu.lock"; return 1; }
}

# _boot_end PID WAITS: gives the guest WAITS times 0.2 s to power off,
# ends QEMU, sets BOOT_RC to its (or timeout's) status, drops the lock.
_boot_end() {
	local pid=$1 waits=$2 i
	for ((i = 0; i < waits; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.2
	done
	kill "$pid" 2>/dev/null || true
	BOOT_RC=0
	wait "$pid" 2>/dev/null || BOOT_RC=$?
	exec {BOOT_LOCKFD}>&-
}

# boot_screen IMG STOP PROMPT DIR [KEY SCREEN]: boots IMG on a machine
# with a screen (transcript of the serial line in IMG.log) until PROMPT
# appears on the serial line.  Then, without KEY, DIR/shot.ppm and
# DIR/shot.txt hold the screen (screendump, and the text screen); with
# KEY, the key is pressed on the machine's keyboard at once and they hold
# the screen once it shows the text SCREEN (or after 10 s).  Then it
# watches for STOP as boot_watch does: 0 when STOP appears.  Sets
# BOOT_SECONDS and BOOT_WHY.
boot_screen() {
	local img=$1 stop=$2 prompt=$3 dir=$4 key=${5:-} screen=${6:-} log=$1.log
	local sock=$4/monitor.sock screen_tool=$TOP/tests/lib/qemu-screen pid t0 rc=0
	BOOT_SECONDS=0
	BOOT_WHY=
	mkdir -p "$dir" || { _boot_err "cannot create $dir"; return 1; }
	_boot_lock || return 1
	rm -f "$sock" "$dir/shot.ppm" "$dir/shot.txt"
	t0=$SECONDS
	timeout "$BOOT_TIMEOUT" qemu-system-x86_64 "${BOOT_SCREEN_ARGS[@]}" \
		-monitor "unix:$sock,server,nowait" \
		-drive "file=$img,format=raw,if=ide" </dev/null >"$log" 2>&1 &
	pid=$!
	if [ -n "$key" ]; then
		"$screen_tool" key-on "$sock" "$log" "$prompt" "$key" "$BOOT_TIMEOUT" ||
			{ BOOT_WHY="no \"$prompt\" to press $key at"; rc=1; }
		[ "$rc" = 0 ] && "$screen_tool" wait-text "$sock" "$screen" 10 >/dev/null
	else
		_boot_until "$pid" "$log" "$prompt" || rc=1
	fi
	if [ "$rc" = 0 ]; then
		"$screen_tool" dump "$sock" "$dir/shot.ppm" && "$screen_tool" text "$sock" >"$dir/shot.txt" ||
			{ BOOT_WHY="no screen from the monitor"; rc=1; }
	fi
	[ "$rc" = 0 ] && { _boot_until "$pid" "$log" "$stop" || rc=1; }
	# The guest powers off after the marker: give it 10 s.
	_boot_end "$pid" $((rc == 0 ? 50 : 0))
	BOOT_SECONDS=$((SECONDS - t0))
	return "$rc"
}

# boot_image IMG MARKER [TIMEOUT_S]: boot_watch until MARKER; on failure
# prints why and the end of the transcript as "# " lines.
boot_image() {
	local img=${1:-} marker=${2:-}
	if [ -z "$img" ] || [ -z "$marker" ]; then
		_boot_err "usage: boot_image IMG MARKER [TIMEOUT_S]"
		return 1
	fi
	boot_watch "$img" "$marker" "${3:-$BOOT_TIMEOUT}" && return 0
	_boot_err "marker not seen booting $img: $BOOT_WHY after ${BOOT_SECONDS}s (transcript: $img.log)"
	[ -f "$img.log" ] && boot_transcript "$img.log" | tail -n 30 | cut -c1-160 | sed 's/^/# /'
	return 1
}

# boot_check DESCRIPTION IMG MARKER: one TAP test point (tests/lib/tap.sh)
# for a boot that must reach MARKER, with the boot's time in it.
boot_check() {
	if boot_image "$2" "$3"; then
		ok "$1 in ${BOOT_SECONDS} s"
	else
		not_ok "$1 (after ${BOOT_SECONDS} s: ${BOOT_WHY})"
	fi
}

# boot_transcript LOG: the transcript as plain text.  GRUB draws its menu
# with cursor moves (ESC[row;colH): each becomes a line break; other escape
# codes, CRs, trailing blanks and lines of only blanks and "|" are dropped.
boot_transcript() {
	tr -d '\r' <"$1" | sed 's/\x1b\[[0-9]*;[0-9]*H/\n/g' |
		sed 's/\x1b\[[0-9;?]*[A-Za-z]//g; s/\x1b[()][0-9A-Za-z]//g; s/\x1b[c78=>]//g; s/[[:space:]]*$//' |
		grep -v '^[|[:space:]]*$' || true
}
