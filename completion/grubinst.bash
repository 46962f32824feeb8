# bash completion for grubinst(1): options, their values, and image files.

_grubinst() {
	local cur prev
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}

	case "$prev" in
	--target)
		mapfile -t COMPREPLY < <(compgen -W 'mbr partition' -- "$cur")
		return
		;;
	--loader)
		mapfile -t COMPREPLY < <(compgen -W 'grub-legacy grub2' -- "$cur")
		return
		;;
	--stage-dir | --grub2-dir)
		mapfile -t COMPREPLY < <(compgen -d -- "$cur")
		return
		;;
	--config)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return
		;;
	--disk)
		mapfile -t COMPREPLY < <(compgen -W 'hd1= hd2= hd3=' -- "$cur")
		compopt -o nospace 2>/dev/null
		return
		;;
	--root-by)
		mapfile -t COMPREPLY < <(compgen -W 'device uuid label partuuid' -- "$cur")
		return
		;;
	-p | --partition | --root-partition)
		mapfile -t COMPREPLY < <(compgen -W '1 2 3 4 5 6 7 8' -- "$cur")
		return
		;;
	--explain)
		mapfile -t COMPREPLY < <(compgen -W "$(seq 1 35)" -- "$cur")
		return
		;;
	# Paths inside the image, free text and entry numbers: nothing to offer.
	--kernel | --initrd | --append | --title | --timeout | --boot-dir | \
		--set-default | --once)
		COMPREPLY=()
		return
		;;
	esac

	if [[ "$cur" == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W '--partition --loader --grub2-dir --target --stage-dir
			--no-stage1_5 --force-lba --config --kernel --initrd --append
			--root-partition --root-by --title --timeout --serial --serial=
			--replace-menu --boot-dir --set-default --once --dry-run --verify --json
			--map --disk --explain --quiet --help --version -p -n -q -h -V' -- "$cur")
		return
	fi
	mapfile -t COMPREPLY < <(compgen -f -- "$cur")
}

complete -o filenames -F _grubinst grubinst
