/*
 * LD_PRELOAD for bench/bench.sh: fsync() and fdatasync() return at once.
 * The grub shell syncs nothing; grubinst syncs its undo record, the image
 * after each phase and the directory, so that a failure or a crash cannot
 * leave a half-written boot chain.  Timing grubinst with and without the
 * syncs shows what that durability costs on the machine measured.
 */
int fsync(int fd);
int fdatasync(int fd);

int fsync(int fd)
{
	(void)fd;
	return 0;
}

int fdatasync(int fd)
{
	(void)fd;
	return 0;
}
