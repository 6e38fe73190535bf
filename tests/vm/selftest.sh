#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# selftest.sh - checks of the VM harness (tests/vm/run-vm.sh) itself.
#
# Usage: tests/vm/selftest.sh
#
# Boots the guest about a dozen times (about 3 s each under TCG) and prints
# one TAP line per check ("ok N - ..." / "not ok N - ...") on stdout; the
# output of a failed harness run follows its "not ok" line as "# " comments.
# Needs what tests/vm/fetch-kernel.sh needs (it is run first).
# Exit status: 0 if every check passed, 1 otherwise.

set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_dir=$(cd "$script_dir/../.." && pwd)
run_vm=$script_dir/run-vm.sh

n=0
failures=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cmshm-vm-selftest.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

echo "1..22"

# report OK DESC [LOGFILE]
report() {
	n=$((n + 1))
	if [ "$1" -eq 1 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failures=$((failures + 1))
		if [ -n "${3:-}" ] && [ -f "$3" ]; then
			sed 's/^/# /' "$3" | tail -n 60
		fi
	fi
}

# vm NAME ARGS... : run the harness, output to $tmp/NAME.log, status in $st
vm() {
	local name=$1
	shift
	log=$tmp/$name.log
	set +e
	"$run_vm" "$@" >"$log" 2>&1
	st=$?
	set -e
}

# expect_status DESC WANT [EXTRA-CONDITION-RESULT]
expect_status() {
	local ok=0
	[ "$st" -eq "$2" ] && [ "${3:-1}" -eq 1 ] && ok=1
	report "$ok" "$1 (status $st, want $2)" "$log"
}

has() {
	grep -q -e "$1" "$log" && echo 1 || echo 0
}

# --- Kernel and selftest module ------------------------------------------

log=$tmp/fetch.log
ok=0
if env_file=$("$script_dir/fetch-kernel.sh" --env 2>"$log") && [ -f "$env_file" ]; then
	KERNEL_IMAGE='' KDIR='' BUSYBOX=''
	# shellcheck source=/dev/null
	. "$env_file"
	[ -f "$KERNEL_IMAGE" ] && [ -f "$KDIR/Makefile" ] && [ -f "$BUSYBOX" ] && ok=1
fi
report "$ok" "fetch-kernel.sh provides kernel image, kbuild tree and busybox" "$log"
[ "$ok" -eq 1 ] || { echo "Bail out! no kernel"; exit 1; }

mod_dir=$tmp/mod
mkdir -p "$mod_dir"
cp "$script_dir/selftest-mod/Kbuild" "$script_dir/selftest-mod/cmshm_vmtest.c" "$mod_dir/"
log=$tmp/modbuild.log
ok=0
make -C "$KDIR" M="$mod_dir" ARCH="$KARCH" CROSS_COMPILE="$KCROSS" \
	modules >"$log" 2>&1 && [ -f "$mod_dir/cmshm_vmtest.ko" ] && ok=1
report "$ok" "test module cross-builds against KDIR" "$log"
ko=$mod_dir/cmshm_vmtest.ko

# --- Interface -----------------------------------------------------------

vm help --help
expect_status "--help exits 0 and documents CMSHM_VM_MEM" 0 "$(has CMSHM_VM_MEM)"

vm usage --no-such-option
expect_status "unknown option is a setup error" 125 "$(has 'FAIL (125)')"

vm machine --machine no-such-machine
expect_status "unknown --machine is a setup error" 125 "$(has 'unknown --machine')"

vm firmware-virt --firmware "$ko"
expect_status "--firmware on the virt machine is a setup error" 125 \
	"$(has 'runs no firmware')"

# --- Verdicts ------------------------------------------------------------

t0=$SECONDS
vm true -- true
expect_status "guest command 'true' passes in $((SECONDS - t0)) s" 0 \
	"$(has '^CMSHM-VM-RESULT: 0 ok')"

vm exit3 -- 'exit 3'
expect_status "guest 'exit 3' gives harness status 3" 3

vm warn -- "echo 'WARNING: selftest warning' >/dev/kmsg"
expect_status "a WARNING in the kernel log fails the run" 120 \
	"$(has 'WARNING: selftest warning')"

vm warnignored --dmesg-ignore 'WARNING: selftest-ignored' -- \
	"echo 'WARNING: selftest-ignored' >/dev/kmsg"
expect_status "--dmesg-ignore skips a matching kernel log line" 0

vm nosentinel -- 'poweroff -f'
expect_status "guest dying before the result line fails the run" 122

vm timeout --timeout 5 -- 'sleep 600'
expect_status "--timeout kills a hung guest" 124

# --- Device tree ---------------------------------------------------------

cat >"$tmp/dt-check" <<'EOF'
#!/bin/sh
# Runs in the guest: checks the nodes of dts/qemu-virt.dtso.
dt=/sys/firmware/devicetree/base
rm=$dt/reserved-memory
bad=0
hex() { hexdump -v -e '1/1 "%02x"' "$1"; }
str() { tr '\0' ' ' <"$1"; }
want() {	# want DESCRIPTION ACTUAL EXPECTED
	if [ "$2" != "$3" ]; then
		echo "dt-check: $1: got '$2', want '$3'"
		bad=1
	fi
}
want "reserved-memory #size-cells" "$(hex "$rm/#size-cells")" 00000002
for r in cmshm0@5f000000:5f000000:00100000 cmshm1@5f100000:5f100000:00100000 \
	 cmshm2@5f200000:5f200000:00100000 doorbell@5f300000:5f300000:00010000; do
	node=${r%%:*}; rest=${r#*:}; base=${rest%%:*}; size=${rest#*:}
	want "$node reg" "$(hex "$rm/$node/reg")" "00000000${base}00000000${size}"
	[ -e "$rm/$node/no-map" ] || { echo "dt-check: $node: no no-map"; bad=1; }
done
grep -q '^5f000000-5f30ffff : reserved' /proc/iomem ||
	{ echo "dt-check: regions not reserved in /proc/iomem"; bad=1; }
mb=$(hex "$dt/test-mailbox/phandle")
want "test-mailbox compatible" "$(str "$dt/test-mailbox/compatible")" "cmshm,test-mailbox "
want "test-mailbox #mbox-cells" "$(hex "$dt/test-mailbox/#mbox-cells")" 00000001
want "test-mailbox memory-region" "$(hex "$dt/test-mailbox/memory-region")" \
	"$(hex "$rm/doorbell@5f300000/phandle")"
for i in 0 1 2; do
	want "cmshm-$i compatible" "$(str "$dt/cmshm-$i/compatible")" "cmshm,shared-memory "
	want "cmshm-$i memory-region" "$(hex "$dt/cmshm-$i/memory-region")" \
		"$(hex "$rm/cmshm$i@5f${i}00000/phandle")"
	want "alias cmshm$i" "$(str "$dt/aliases/cmshm$i")" "/cmshm-$i "
done
want "cmshm-0 mboxes" "$(hex "$dt/cmshm-0/mboxes")" "${mb}00000000${mb}00000001"
want "cmshm-0 mbox-names" "$(str "$dt/cmshm-0/mbox-names")" "tx rx "
want "cmshm-1 mboxes" "$(hex "$dt/cmshm-1/mboxes")" "${mb}00000002"
[ ! -e "$dt/cmshm-1/mbox-names" ] || { echo "dt-check: cmshm-1 has mbox-names"; bad=1; }
[ ! -e "$dt/cmshm-2/mboxes" ] || { echo "dt-check: cmshm-2 has mboxes"; bad=1; }
want "cmshm-2 poll interval" "$(hex "$dt/cmshm-2/cmshm,poll-interval-us")" 000001f4
[ "$bad" -eq 0 ] && echo "dt-check: all nodes as expected"
exit "$bad"
EOF
chmod 0755 "$tmp/dt-check"
vm dt --file "$tmp/dt-check" -- dt-check
expect_status "reserved regions, test mailbox, cmshm nodes and aliases in the guest DT" 0 \
	"$(has 'dt-check: all nodes as expected')"

vm nooverlay --no-overlay -- '! ls -d /sys/firmware/devicetree/base/cmshm-0'
expect_status "--no-overlay boots QEMU's own tree (no cmshm nodes)" 0

# --- Shared memory with a remote -----------------------------------------

cat >"$tmp/remote-shm.sh" <<EOF
set -eu
echo "\$CMSHM_VM_MEM" >"$tmp/memfile"
[ "\$CMSHM_VM_RAM_BASE" = 0x40000000 ] || { echo "remote: bad base"; exit 1; }
[ "\$(stat -c %s "\$CMSHM_VM_MEM")" = "\$CMSHM_VM_RAM_SIZE" ] ||
	{ echo "remote: bad size"; exit 1; }
off=\$((0x5f3000f0 - CMSHM_VM_RAM_BASE))
v=
for _ in \$(seq 600); do
	v=\$(od -An -tx4 -j "\$off" -N 4 "\$CMSHM_VM_MEM" | tr -d ' ')
	[ "\$v" != 12345678 ] || break
	sleep 0.05
done
[ "\$v" = 12345678 ] || { echo "remote: guest pattern not seen (\$v)"; exit 1; }
echo "remote: saw guest pattern 0x\$v at offset \$off"
printf '\\x0d\\xf0\\xfe\\xca' |
	dd of="\$CMSHM_VM_MEM" bs=1 seek=\$((off + 4)) conv=notrunc status=none
EOF
# shellcheck disable=SC2016 # expanded in the guest
guest_shm='devmem 0x5f3000f0 32 0x12345678
i=0
while [ $i -lt 300 ]; do
	v=$(devmem 0x5f3000f4 32)
	if [ "$v" = 0xCAFEF00D ]; then echo "guest: saw remote pattern $v"; exit 0; fi
	sleep 0.1
	i=$((i + 1))
done
echo "guest: no reply from the remote ($v)"
exit 1'
vm shm --remote "bash $tmp/remote-shm.sh" -- "$guest_shm"
report "$(has 'remote: saw guest pattern 0x12345678')" \
	"guest devmem write at 0x5f3000f0 seen by --remote at file offset 0x1f3000f0" "$log"
expect_status "--remote write seen by guest devmem at 0x5f3000f4" 0 \
	"$(has 'guest: saw remote pattern 0xCAFEF00D')"
ok=0
memfile=$(cat "$tmp/memfile" 2>/dev/null) && [ -n "$memfile" ] && [ ! -e "$memfile" ] && ok=1
report "$ok" "the RAM file is removed after the run"

# --- Remote process handling ---------------------------------------------

vm remotefail --remote 'echo remote failing; exit 1' -- 'sleep 1'
expect_status "a remote exiting 1 fails the run" 123

vm remoteterm --remote 'trap "exit 0" TERM; while :; do sleep 0.1; done' -- true
expect_status "a remote that exits 0 on SIGTERM passes" 0

t0=$SECONDS
vm remotekill --remote 'trap "" TERM; exec sleep 600' -- true
expect_status "a remote ignoring SIGTERM is killed and fails the run" 123 \
	"$([ $((SECONDS - t0)) -lt 30 ] && echo 1 || echo 0)"

# --- Modules -------------------------------------------------------------

# shellcheck disable=SC2016 # expanded in the guest
vm module --module "$ko" --module-args 'tag=42' --dmesg -- \
	'test "$(cat /sys/module/cmshm_vmtest/parameters/tag)" = 42'
expect_status "--module/--module-args load the module, it is unloaded after" 0 \
	"$(has 'cmshm_vmtest: unloaded')"

vm modulefail --module "$ko" --module-args 'fail=1' -- 'echo command-ran'
expect_status "insmod failure fails the run and skips the command" 121 \
	"$([ "$(has '^command-ran')" = 0 ] && echo 1 || echo 0)"

if [ "$n" -ne 22 ]; then
	echo "not ok $((n + 1)) - selftest ran $n checks, planned 22"
	failures=$((failures + 1))
fi
[ "$failures" -eq 0 ]
