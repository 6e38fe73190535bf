# kmemleak, part 2 (debug kernels only; a no-op elsewhere).  Shell code for
# tests/vm/run-vm.sh's generated /init (busybox sh), to go after the modules
# are unloaded and before the kernel log is scanned.  Any unreferenced object
# fails the run with 120 (fail() is the /init's).  kmemleak ignores objects
# younger than 5 s, hence the sleep; the second scan drops objects that were
# only transiently unreferenced.
if [ -w /sys/kernel/debug/kmemleak ]; then
	sleep 6
	echo scan >/sys/kernel/debug/kmemleak
	echo scan >/sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak >/tmp/kmemleak.txt
	if [ -s /tmp/kmemleak.txt ]; then
		n=$(grep -c 'unreferenced object' /tmp/kmemleak.txt)
		echo "run-vm: ---- kmemleak: $n unreferenced object(s) ----"
		head -n 200 /tmp/kmemleak.txt
		echo "run-vm: ---- end of kmemleak ----"
		fail 120 "kmemleak: $n unreferenced object(s)"
	else
		echo "run-vm: kmemleak: no leaks"
	fi
fi
