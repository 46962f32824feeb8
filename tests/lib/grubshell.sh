# shellcheck shell=bash
# Debian's grub shell, the tests' oracle, on any x86_64 kernel.
#
# /usr/sbin/grub is an i386 program.  A kernel built without IA32
# emulation cannot execute it ("Exec format error"); there it runs under
# qemu-i386 (Debian's qemu-user), which is slower but writes the same
# bytes.  The choice is made here, once per test script, and used by the
# oracle, the boot harness and the bench alike.  grubinst itself needs no
# 32-bit support: only this test oracle does.
#
# Source this file; sourcing only defines functions and variables.
#
#   grub_shell_detect        sets GRUB_SHELL_MODE (native, qemu-i386 or
#                            none), GRUB_SHELL (the command, an array) and,
#                            for none, GRUB_SHELL_WHY; 0 unless none
#   grub_shell IMG CMD...    runs the shell commands CMD... on IMG as (hd0);
#                            0 when the shell ran every command and none
#                            failed, 1 when one failed, 2 when the shell did
#                            not run at all; its output is in GRUB_SHELL_OUT
#   grub_shell_describe      one line for reports: how the shell ran

# Where grub-legacy ships no shell and no stage files (Debian 13 made it a
# transitional package to grub-pc), the Makefile makes both from the same
# GRUB 0.97-80 with tools/build-stages, into build/grub-0.97.
GRUB_BUILT_DIR=${GRUB_BUILT_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build/grub-0.97}

# The package's binary (else the built one): where to find the real program
# when the `grub` first on PATH is not one (a wrapper, or a stand-in in a
# test), or when there is no `grub` on PATH.
if [ -z "${GRUB_SHELL_BIN:-}" ]; then
	GRUB_SHELL_BIN=${GRUB_PKG_SHELL:-/usr/sbin/grub}
	if [ ! -e "$GRUB_SHELL_BIN" ] && [ -f "$GRUB_BUILT_DIR/grub" ]; then
		GRUB_SHELL_BIN=$GRUB_BUILT_DIR/grub
	fi
fi

# The stage files the tests install with the shell (tests/lib/boot.sh
# names the package's directory): the built ones where the package has none.
if [ ! -f "${GRUB_STAGE_DIR:-/usr/lib/grub/x86_64-pc}/stage2" ] && [ -f "$GRUB_BUILT_DIR/stage2" ]; then
	GRUB_STAGE_DIR=$GRUB_BUILT_DIR
fi

# _grub_shell_works CMD...: does CMD --version print the shell's banner?
_grub_shell_works() {
	"$@" --version 2>/dev/null </dev/null | grep -q '^grub (GNU GRUB 0\.97)'
}

_grub_shell_is_elf() {
	[ -f "$1" ] && [ "$(head -c 4 "$1" 2>/dev/null | od -An -c | tr -d ' ')" = '177ELF' ]
}

grub_shell_detect() {
	local onpath bin
	[ -n "${GRUB_SHELL_MODE:-}" ] && [ "$GRUB_SHELL_MODE" != none ] && return 0
	GRUB_SHELL=()
	GRUB_SHELL_WHY=
	onpath=$(command -v grub 2>/dev/null || true)
	if [ -n "$onpath" ] && _grub_shell_works "$onpath"; then
		GRUB_SHELL=("$onpath")
		GRUB_SHELL_MODE=native
		return 0
	fi
	# No `grub` on PATH (the built shell is not installed): the binary
	# itself, natively.
	if [ -z "$onpath" ] && _grub_shell_works "$GRUB_SHELL_BIN"; then
		GRUB_SHELL=("$GRUB_SHELL_BIN")
		GRUB_SHELL_MODE=native
		return 0
	fi
	# The emulator needs the ELF file itself, not a wrapper script.
	for bin in "$onpath" "$GRUB_SHELL_BIN"; do
		_grub_shell_is_elf "$bin" || continue
		if ! command -v qemu-i386 >/dev/null; then
			GRUB_SHELL_WHY="$bin cannot run natively and qemu-i386 is missing (tools/install-deps installs qemu-user)"
			break
		fi
		if _grub_shell_works qemu-i386 "$bin"; then
			GRUB_SHELL=(qemu-i386 "$bin")
			GRUB_SHELL_MODE=qemu-i386
			return 0
		fi
		GRUB_SHELL_WHY="neither $bin nor qemu-i386 $bin runs"
	done
	if [ -z "$GRUB_SHELL_WHY" ] && [ -n "$onpath" ]; then
		GRUB_SHELL_WHY="$onpath does not run and $GRUB_SHELL_BIN is no i386 program to emulate"
	elif [ -z "$GRUB_SHELL_WHY" ]; then
		GRUB_SHELL_WHY="no grub shell: neither $GRUB_SHELL_BIN (grub-legacy up to Debian 12: tools/install-deps) nor $GRUB_BUILT_DIR/grub (make, or tools/build-stages $GRUB_BUILT_DIR)"
	fi
	GRUB_SHELL_MODE=none
	return 1
}

grub_shell_describe() {
	grub_shell_detect
	case "$GRUB_SHELL_MODE" in
	native) echo "the grub shell ran natively (${GRUB_SHELL[*]})" ;;
	qemu-i386) echo "the grub shell ran under qemu-i386 (${GRUB_SHELL[1]}): this kernel cannot run i386 programs" ;;
	*) echo "no grub shell: $GRUB_SHELL_WHY" ;;
	esac
}

# grub_shell IMG CMD...: "device (hd0) IMG", the commands, "quit".  The
# shell exits 0 whatever happens, so its transcript is read instead: it
# must show the banner and the prompt for every command up to "quit" (else
# the shell never ran or died on the way), no "Error N" and no "failed",
# and "Done." after each setup.  --device-map=/dev/null: the shell probes
# no real disk.
grub_shell() {
	local img=${1:-} cmd n=0
	shift
	GRUB_SHELL_OUT=
	if ! grub_shell_detect; then
		GRUB_SHELL_OUT="the grub shell did not run: $GRUB_SHELL_WHY"
		return 2
	fi
	GRUB_SHELL_OUT=$( { printf 'device (hd0) %s\n' "$img"; printf '%s\n' "$@"; echo quit; } |
		"${GRUB_SHELL[@]}" --batch --no-floppy --device-map=/dev/null 2>&1)
	if ! grep -q '^ *GNU GRUB  version 0\.97' <<<"$GRUB_SHELL_OUT" ||
		[ "$(grep -c '^grub> ' <<<"$GRUB_SHELL_OUT")" -ne $(($# + 2)) ] ||
		! grep -q '^grub> quit$' <<<"$GRUB_SHELL_OUT"; then
		GRUB_SHELL_OUT="the grub shell did not run every command ($GRUB_SHELL_MODE): $GRUB_SHELL_OUT"
		return 2
	fi
	grep -q 'Error [0-9]\|failed$' <<<"$GRUB_SHELL_OUT" && return 1
	for cmd in "$@"; do
		case "$cmd" in setup*) n=$((n + 1)) ;; esac
	done
	[ "$(grep -c '^Done\.$' <<<"$GRUB_SHELL_OUT")" -eq "$n" ] || return 1
	return 0
}
