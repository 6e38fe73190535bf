# kmemleak, part 1 (debug kernels only; a no-op elsewhere).  Shell code for
# tests/vm/run-vm.sh's generated /init (busybox sh), to go just before the
# modules are loaded.  Reports what boot left behind and forgets it
# ("clear"), so that the check after the test reports only objects leaked
# from here on.
if [ -w /sys/kernel/debug/kmemleak ]; then
	echo scan >/sys/kernel/debug/kmemleak
	echo clear >/sys/kernel/debug/kmemleak
fi
