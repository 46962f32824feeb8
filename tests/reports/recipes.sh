# shellcheck shell=bash
# The catalogue of tests/reports.test: one function per image, each
# building it in $1 from the test libraries, with fixed names, times and
# identifiers, so that every report about it is the same on every run.
# A recipe's name is the name of its expected reports,
# tests/reports/NAME.verify and tests/reports/NAME.install.

# The tree every image starts from: busybox, an init script, a fake
# kernel of a fixed version, and a menu for (hd0,0).
_reports_root() {
	local dir=$T_TMP/reports-root
	[ -d "$dir" ] && return 0
	mini_root "$dir" && rm "$dir/boot/vmlinuz" &&
		fake_kernel "$dir/boot/vmlinuz-6.1.0-1-amd64" 6.1.0-1-amd64 &&
		sed -i 's|/boot/vmlinuz |/boot/vmlinuz-6.1.0-1-amd64 |' "$dir/boot/grub/grub.conf" &&
		find "$dir" -exec touch -h -d "@$IMG_EPOCH" {} +
}

# clean: the tutorial's layout with its menu, GRUB installed.
recipe_clean() {
	_reports_root && mini_image "$1" "$T_TMP/reports-root" 16 &&
		"$GRUBINST" -q "$1"
}

# fresh: the same before the install (sector 0 without boot code).
recipe_fresh() {
	_reports_root && mini_image "$1" "$T_TMP/reports-root" 16
}

# overhang: the tutorial's mistake, a filesystem larger than its
# partition (mke2fs given the size of the disk, not of the partition).
recipe_overhang() {
	_reports_root && mini_image "$1" "$T_TMP/reports-root" 16 &&
		sfdisk -q --no-reread --no-tell-kernel "$1" 2>/dev/null <<<'label: dos
label-id: 0x0badc0de
start=63, size=30000, type=83, bootable'
}

# typo: a menu whose kernel line names a file that is not there.
recipe_typo() {
	recipe_clean "$1" && set_conf "$1" "timeout 0
title typo
root (hd0,0)
kernel /boot/vmlinuz-6.1.0-1-amd6 root=/dev/sda1"
}

# nomenu: GRUB installed, then its menu removed: stage2 finds none.
recipe_nomenu() {
	recipe_clean "$1" && in_fs "$1" 1 "rm /boot/grub/menu.lst" "rm /boot/grub/grub.conf"
}
