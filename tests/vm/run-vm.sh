#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# run-vm.sh - boot one of Debian's stock kernels (arm64 or armhf) in QEMU with
# the cmshm device tree nodes, load modules, run one command in the guest,
# report its verdict.
# Run with --help for the interface.

set -euo pipefail

readonly PROG=run-vm.sh

# Exit codes (documented in --help).
readonly EX_DMESG=120 EX_MODULE=121 EX_NOSENTINEL=122 EX_REMOTE=123
readonly EX_TIMEOUT=124 EX_SETUP=125

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_dir=$(cd "$script_dir/../.." && pwd)

usage() {
	cat <<EOF
Usage: tests/vm/run-vm.sh [OPTIONS] [--] [GUEST COMMAND...]

Boots one of Debian's stock kernels (tests/vm/kernels.sh; fetched by
tests/vm/fetch-kernel.sh and cached in build/vm/debian) in a QEMU machine
of tests/vm/machines.sh under TCG, with a busybox initramfs:
  virt    (default) -M virt -m 512M, no network card, the kernel's QEMU
          binary and CPU (qemu-system-aarch64 -cpu cortex-a53 for arm64,
          qemu-system-arm -cpu cortex-a15 for armhf); QEMU's own device
          tree plus an overlay (default dts/qemu-virt.dtso); RAM at
          0x40000000.  The remote core is a host process (--remote).
  zynqmp  -M xlnx-zcu102 -smp 5 -m 1G (arm64 kernels): Linux on two of
          the Cortex-A53s, tests/vm/zynqmp/zcu102-qemu.dts plus an
          overlay (default dts/qemu-zynqmp.dtso); RAM at 0.  The remote
          core is the Cortex-R5F running --firmware; its UART (UART1) is
          saved and printed after the guest's console.
Overlays are merged on the host.  Guest RAM is a shared file in /dev/shm,
so host processes (--remote) can play the remote core or inspect it.  The
guest console is streamed to stdout (carriage returns removed) and the
last line printed by the harness is the verdict.

In the guest, /init:
  1. mounts proc, sysfs, devtmpfs on /dev, tmpfs on /tmp, debugfs on
     /sys/kernel/debug (if the kernel has it); installs busybox applets;
  2. loads each --module with insmod, in command-line order (a failure
     skips the command: exit code $EX_MODULE);
  3. runs GUEST COMMAND with /bin/sh -c in /data, stdin from /dev/null,
     stdout/stderr on the console (several words are joined with single
     spaces, like ssh; so quote a shell script as ONE word: -- 'exit 3').
     No command: "true";
  4. unloads the modules still loaded, in reverse order, with rmmod
     (failure: exit code $EX_MODULE; --no-rmmod skips this step);
  5. scans dmesg for WARNING:, BUG:, Oops, "cut here", "Call trace:",
     KASAN, UBSAN, "Unable to handle kernel", "Internal error:",
     "Kernel panic", "kernel BUG", refcount_t:, list_add/list_del
     corruption, "blocked for more than", RCU stalls; prints them (from the
     first hit on, at most 200 lines) and fails (exit code $EX_DMESG, unless
     the command already failed);
  6. prints "CMSHM-VM-RESULT: <code> <reason>" and powers off.

Options:
  --module FILE.ko      Load this module in the guest (repeatable, in
                        order).  The host checks that its vermagic matches
                        the guest kernel.
  --module-args ARGS    Parameters for the PRECEDING --module, passed to
                        insmod after word splitting, e.g. 'ring=4096 dbg=1'.
  --no-rmmod            Do not unload the modules after the command.
  --file SRC[:DEST]     Copy a file or directory into the initramfs
                        (repeatable).  DEST is an absolute guest path;
                        default /bin/<name> for an executable regular file,
                        /data/<name> otherwise.  Permissions are kept.
  --remote 'COMMAND'    Start 'bash -c COMMAND' on the host in the
                        background, in its own session/process group,
                        after the RAM file exists and before QEMU starts
                        (repeatable).  stdin is /dev/null; stdout/stderr
                        are the harness's.  After the guest has powered off
                        (or timed out), each remote still running gets
                        SIGTERM (to its process group), then SIGKILL 5 s
                        later.  A remote must exit 0 when it saw no error,
                        also when it gets SIGTERM (trap it); any other
                        end (non-zero, killed by a signal) fails the run
                        (exit code $EX_REMOTE).
  --overlay FILE        Device tree overlay (.dtso/.dts source, compiled
                        with dtc -@, not preprocessed; or a compiled .dtbo).
                        The first --overlay replaces the default
                        dts/qemu-virt.dtso; repeat to apply more, in order.
  --no-overlay          Boot the machine's tree unchanged.
  --machine NAME        virt (default) or zynqmp (see above).
  --firmware FILE.elf   zynqmp: the Cortex-R5F's firmware, loaded at its
                        ELF addresses by QEMU's generic loader before the
                        kernel boots (the R5 stays off until started, see
                        tests/vm/zynqmp/cmshm_rpu_start.c, which takes
                        the ELF's entry point).
  --firmware-log FILE   Also save the firmware's UART output to FILE.
  --smp N               Guest CPUs (virt; default 2).
  --timeout SECONDS     Wall-clock limit for QEMU (default 600); on expiry
                        QEMU is killed and the run fails (exit code $EX_TIMEOUT).
  --append 'ARGS'       Extra kernel command line (appended to
                        "console=ttyAMA0 quiet panic=-1 log_buf_len=4M";
                        the console is the machine's: ttyAMA0, ttyPS0).
  --qemu-arg ARG        Extra QEMU argument (repeatable, one word each).
  --dmesg-ignore ERE    Kernel log lines matching this extended regex are
                        not counted by step 5 (repeatable).
  --dmesg               Print the whole dmesg at the end of the run.
  --log FILE            Also save the console log to FILE.
  --kernel NAME         Boot this kernel of tests/vm/kernels.sh (6.1,
                        6.1-armhf, 6.12, 6.12-rt; default \$CMSHM_KERNEL,
                        else 6.1), fetched with tests/vm/fetch-kernel.sh.
  --kernel-env FILE     Boot the kernel an env file describes (written by
                        fetch-kernel.sh or tests/debug-kernel/build.sh;
                        default \$CMSHM_VM_KERNEL_ENV; overrides --kernel).
  --keep                Keep the work directory (initramfs, dtb, console
                        log; its path is printed).  The RAM file is always
                        removed.
  -h, --help            This text.

Environment given to --remote commands:
  CMSHM_VM_MEM       path of the guest RAM file (/dev/shm/cmshm-vm.XXXXXX),
                     already created with its full size
  CMSHM_VM_RAM_BASE  guest physical address of file offset 0 (the
                     machine's RAM base): guest physical P is at file
                     offset P - CMSHM_VM_RAM_BASE
  CMSHM_VM_RAM_SIZE  size of the file in bytes
  CMSHM_VM_CONSOLE   path of the console log (grows while the guest runs)
  CMSHM_VM_WORKDIR   the harness's work directory
Environment read: CMSHM_VM_KERNEL_ENV (see --kernel-env), CMSHM_VM_SHM_DIR
  (folder of the RAM file, default /dev/shm), CMSHM_VM_BUILD (work folder
  parent, default build/vm), QEMU (default: the kernel's VM_QEMU).

Exit status:
  0    the command succeeded, modules loaded/unloaded, clean kernel log,
       all remotes exited 0
  N    the guest command's own non-zero exit status (reported first)
  $EX_DMESG  kernel log had warnings (step 5)
  $EX_MODULE  insmod or rmmod failed
  $EX_NOSENTINEL  no CMSHM-VM-RESULT line: the guest crashed, panicked or QEMU failed
  $EX_REMOTE  a --remote command failed
  $EX_TIMEOUT  --timeout expired
  $EX_SETUP  usage error or host-side setup failure
A one-line reason is printed on stderr ("run-vm.sh: FAIL (N): ...").
EOF
}

fail_setup() {
	echo "$PROG: FAIL ($EX_SETUP): $*" >&2
	exit "$EX_SETUP"
}

note() {
	echo "$PROG: $*" >&2
}

# Quote a string for a POSIX shell (the guest's busybox sh).
shq() {
	local s=${1//\'/\'\\\'\'}
	printf "'%s'" "$s"
}

# Options ------------------------------------------------------------------

modules=()
module_args=()
files=()
remotes=()
overlays=()
overlay_default=1
smp=2
timeout_s=600
append_extra=
qemu_extra=()
dmesg_ignore=()
print_dmesg=0
log_copy=
kernel_env=${CMSHM_VM_KERNEL_ENV:-}
kernel_name=${CMSHM_KERNEL:-}
keep=0
rmmod=1
machine=${CMSHM_VM_MACHINE:-virt}
firmware=
firmware_log=

need_arg() {
	[ "$2" -ge 2 ] || fail_setup "option $1 needs an argument (see --help)"
}

while [ $# -gt 0 ]; do
	case "$1" in
	--module) need_arg "$1" $#; modules+=("$2"); module_args+=(""); shift ;;
	--module-args)
		need_arg "$1" $#
		[ ${#modules[@]} -gt 0 ] || fail_setup "--module-args without a preceding --module"
		module_args[${#modules[@]}-1]=$2; shift ;;
	--no-rmmod) rmmod=0 ;;
	--file) need_arg "$1" $#; files+=("$2"); shift ;;
	--remote) need_arg "$1" $#; remotes+=("$2"); shift ;;
	--overlay)
		need_arg "$1" $#
		[ "$overlay_default" -eq 0 ] || overlays=()
		overlay_default=0; overlays+=("$2"); shift ;;
	--no-overlay) overlay_default=0; overlays=() ;;
	--smp) need_arg "$1" $#; smp=$2; shift ;;
	--machine) need_arg "$1" $#; machine=$2; shift ;;
	--firmware) need_arg "$1" $#; firmware=$2; shift ;;
	--firmware-log) need_arg "$1" $#; firmware_log=$2; shift ;;
	--timeout) need_arg "$1" $#; timeout_s=$2; shift ;;
	--append) need_arg "$1" $#; append_extra="$append_extra $2"; shift ;;
	--qemu-arg) need_arg "$1" $#; qemu_extra+=("$2"); shift ;;
	--dmesg-ignore) need_arg "$1" $#; dmesg_ignore+=("$2"); shift ;;
	--dmesg) print_dmesg=1 ;;
	--log) need_arg "$1" $#; log_copy=$2; shift ;;
	--kernel) need_arg "$1" $#; kernel_name=$2; shift ;;
	--kernel-env) need_arg "$1" $#; kernel_env=$2; shift ;;
	--keep) keep=1 ;;
	-h|--help) usage; exit 0 ;;
	--) shift; break ;;
	-*) fail_setup "unknown option $1 (see --help)" ;;
	*) break ;;
	esac
	shift
done
if [ $# -gt 0 ]; then
	guest_cmd="$*"
else
	guest_cmd=true
fi

[[ "$smp" =~ ^[1-8]$ ]] || fail_setup "--smp must be 1..8"
[[ "$timeout_s" =~ ^[1-9][0-9]*$ ]] || fail_setup "--timeout must be a positive integer"

# Host tools and kernel ------------------------------------------------------

if [ -z "$kernel_env" ]; then
	kernel_env=$("$script_dir/fetch-kernel.sh" ${kernel_name:+--kernel "$kernel_name"} --env) ||
		fail_setup "tests/vm/fetch-kernel.sh ${kernel_name:+--kernel $kernel_name }failed"
fi
[ -f "$kernel_env" ] || fail_setup "no kernel env file $kernel_env"
KERNEL_IMAGE='' BUSYBOX='' KRELEASE='' VM_QEMU='' VM_CPU='' VM_CONSOLE=''
# shellcheck source=/dev/null
. "$kernel_env"
# Env files older than kernels.sh describe Debian's arm64 kernel.
VM_QEMU=${VM_QEMU:-qemu-system-aarch64}
VM_CPU=${VM_CPU:-cortex-a53}
VM_CONSOLE=${VM_CONSOLE:-ttyAMA0}
[ -n "$KERNEL_IMAGE" ] || fail_setup "$kernel_env describes a kernel that is built for, not booted"
[ -f "$KERNEL_IMAGE" ] || fail_setup "kernel image '$KERNEL_IMAGE' (from $kernel_env) missing"
[ -f "$BUSYBOX" ] || fail_setup "busybox '$BUSYBOX' (from $kernel_env) missing"

# shellcheck source=tests/vm/machines.sh
. "$script_dir/machines.sh"
cmshm_machine "$machine" "$smp" || fail_setup "unknown --machine $machine"
[ -z "$MACH_ARCH" ] || [ "${KARCH:-arm64}" = "$MACH_ARCH" ] ||
	fail_setup "machine $machine boots $MACH_ARCH kernels, not ${KARCH:-?}"
[ "$overlay_default" -eq 0 ] || overlays=("$MACH_OVERLAY")
if [ -n "$firmware" ]; then
	[ "$MACH_REMOTE_UART" = 1 ] || fail_setup "machine $machine runs no firmware"
	[ -f "$firmware" ] || fail_setup "firmware $firmware not found"
fi
QEMU=${QEMU:-$VM_QEMU}
for tool in "$QEMU" dtc fdtoverlay cpio gzip timeout setsid truncate; do
	command -v "$tool" >/dev/null ||
		fail_setup "missing host tool $tool (run tests/vm/fetch-kernel.sh as root to install the packages)"
done

for i in "${!modules[@]}"; do
	m=${modules[$i]}
	[ -f "$m" ] || fail_setup "module $m not found"
	if command -v modinfo >/dev/null && [ -n "$KRELEASE" ]; then
		vm=$(modinfo -F vermagic "$m" 2>/dev/null | awk '{print $1}') || true
		[ "$vm" = "$KRELEASE" ] ||
			fail_setup "module $m was built for '${vm:-?}', the guest runs $KRELEASE (rebuild against KDIR from $kernel_env)"
	fi
done

# Work directory and cleanup -------------------------------------------------

build_dir=${CMSHM_VM_BUILD:-$repo_dir/build/vm}
mkdir -p "$build_dir/runs"
work=$(mktemp -d "$build_dir/runs/run.XXXXXX")
mem_file=
remote_pids=()

# State letter of a process (R, S, Z...), empty if gone.
proc_state() {
	local st
	st=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
	st=${st##*) }
	echo "${st%% *}"
}

stop_remotes() {
	local pid deadline alive
	for pid in "${remote_pids[@]}"; do
		kill -0 "$pid" 2>/dev/null && kill -TERM -- "-$pid" 2>/dev/null
	done
	deadline=$((SECONDS + 5))
	while :; do
		alive=0
		for pid in "${remote_pids[@]}"; do
			# A zombie (exited, not yet reaped) still answers
			# kill -0; look at its state instead.
			[ "$(proc_state "$pid")" = "" ] ||
			[ "$(proc_state "$pid")" = Z ] || alive=1
		done
		if [ "$alive" -eq 0 ] || [ "$SECONDS" -ge "$deadline" ]; then
			break
		fi
		sleep 0.1
	done
	for pid in "${remote_pids[@]}"; do
		kill -KILL -- "-$pid" 2>/dev/null || true
	done
}

# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	# timeout(1) passes SIGTERM on to QEMU.
	if [ -f "$work/qemu.pid" ] && [ ! -f "$work/qemu.status" ]; then
		kill -TERM "$(cat "$work/qemu.pid")" 2>/dev/null || true
		sleep 0.5
	fi
	[ ${#remote_pids[@]} -eq 0 ] || stop_remotes
	[ -z "$mem_file" ] || rm -f "$mem_file"
	if [ "$keep" -eq 1 ]; then
		note "work directory kept: $work"
	else
		rm -rf "$work"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'note "FAIL (130): interrupted"; exit 130' INT
trap 'note "FAIL (143): terminated"; exit 143' TERM

# Initramfs ------------------------------------------------------------------

# shellcheck source=tests/vm/vm-initramfs.sh
. "$script_dir/vm-initramfs.sh"

# Device tree ----------------------------------------------------------------

dtb=$work/machine.dtb
if [ -n "$MACH_BASE_DTS" ]; then
	dtc -q -I dts -O dtb -o "$work/qemu.dtb" "$MACH_BASE_DTS" \
	    2>"$work/dtc-base.log" ||
		fail_setup "dtc $MACH_BASE_DTS failed: $(head -n 3 "$work/dtc-base.log" | tr '\n' ' ')"
else
	"$QEMU" "${MACH_QEMU_ARGS[0]}" "${MACH_QEMU_ARGS[1]},dumpdtb=$work/qemu.dtb" \
		"${MACH_QEMU_ARGS[@]:2}" -m "$MACH_MEM" "${qemu_extra[@]}" \
		-nographic >"$work/dumpdtb.log" 2>&1 ||
		fail_setup "qemu dumpdtb failed: $(tail -n 1 "$work/dumpdtb.log")"
fi
dtbos=()
for i in "${!overlays[@]}"; do
	o=${overlays[$i]}
	[ -f "$o" ] || fail_setup "overlay $o not found"
	case "$o" in
	*.dtbo) dtbos+=("$o") ;;
	*)
		out=$work/overlay$i.dtbo
		# These checks cannot see the base tree from inside an overlay
		# and warn about correct code.
		dtc -q -@ -Wno-ranges_format -Wno-avoid_default_addr_size \
		    -Wno-alias_paths -I dts -O dtb -o "$out" "$o" \
		    2>"$work/dtc$i.log" ||
			fail_setup "dtc $o failed: $(head -n 3 "$work/dtc$i.log" | tr '\n' ' ')"
		dtbos+=("$out") ;;
	esac
done
if [ ${#dtbos[@]} -gt 0 ]; then
	fdtoverlay -i "$work/qemu.dtb" -o "$dtb" "${dtbos[@]}" 2>"$work/fdtoverlay.log" ||
		fail_setup "fdtoverlay failed: $(head -n 3 "$work/fdtoverlay.log" | tr '\n' ' ')"
else
	# Repack: QEMU's dump is a 1 MiB blob (mostly free space), and the
	# guest kernel hangs silently, before earlycon, when booted with it.
	dtc -q -I dtb -O dtb -o "$dtb" "$work/qemu.dtb" ||
		fail_setup "cannot repack $work/qemu.dtb"
fi

# Shared RAM file and remotes --------------------------------------------------

shm_dir=${CMSHM_VM_SHM_DIR:-/dev/shm}
mem_file=$(mktemp "$shm_dir/cmshm-vm.XXXXXX") || fail_setup "cannot create a file in $shm_dir"
truncate -s "$MACH_RAM_SIZE" "$mem_file"
console=$work/console.log
: >"$console"
fw_console=$work/firmware-uart.log

export CMSHM_VM_MEM=$mem_file CMSHM_VM_RAM_BASE=$MACH_RAM_BASE \
	CMSHM_VM_RAM_SIZE=$MACH_RAM_SIZE CMSHM_VM_CONSOLE=$console \
	CMSHM_VM_WORKDIR=$work
for r in "${remotes[@]}"; do
	setsid bash -c "$r" </dev/null &
	remote_pids+=($!)
done

# QEMU -----------------------------------------------------------------------

qemu_cmd=("$QEMU" "${MACH_QEMU_ARGS[@]}" -m "$MACH_MEM"
	-object "memory-backend-file,id=ram0,size=$MACH_MEM,mem-path=$mem_file,share=on"
	-machine memory-backend=ram0
	-nographic -no-reboot
	-kernel "$KERNEL_IMAGE" -initrd "$initrd" -dtb "$dtb"
	-append "console=$MACH_CONSOLE quiet panic=-1 log_buf_len=4M$append_extra")
if [ "$MACH_REMOTE_UART" = 1 ]; then
	: >"$fw_console"
	qemu_cmd+=(-serial mon:stdio -serial "file:$fw_console")
fi
[ -z "$firmware" ] || qemu_cmd+=(-device "loader,file=$firmware")
qemu_cmd+=("${qemu_extra[@]}")
printf '%q ' "${qemu_cmd[@]}" >"$work/qemu-cmdline.txt"

start=$SECONDS
# timeout(1) runs QEMU in its own process group (so a Ctrl-C reaches only
# this script, whose trap then stops it); its status lands in qemu.status.
# Everything runs in the background so that traps fire while waiting.
(
	timeout -k 5 "$timeout_s" "${qemu_cmd[@]}" </dev/null 2>&1 &
	echo $! >"$work/qemu.pid"
	st=0
	wait $! || st=$?
	echo "$st" >"$work/qemu.status"
) | sed -u 's/\r$//' | tee "$console" &
wait $! || true
qemu_status=$(cat "$work/qemu.status" 2>/dev/null) || qemu_status=255
elapsed=$((SECONDS - start))

# Verdict --------------------------------------------------------------------

reasons=()
code=0
add_fail() {
	[ "$code" -ne 0 ] || code=$1
	reasons+=("$2")
}

if [ "$qemu_status" -eq 124 ] || [ "$qemu_status" -eq 137 ]; then
	add_fail "$EX_TIMEOUT" "timeout: QEMU killed after ${timeout_s}s"
fi
result=$(grep -a -o 'CMSHM-VM-RESULT: [0-9]\+.*' "$console" | tail -n 1) || true
if [[ "$result" =~ ^CMSHM-VM-RESULT:\ ([0-9]+)\ (.*)$ ]]; then
	guest_code=${BASH_REMATCH[1]}
	[ "$guest_code" -eq 0 ] || add_fail "$guest_code" "guest: ${BASH_REMATCH[2]}"
else
	add_fail "$EX_NOSENTINEL" "no CMSHM-VM-RESULT line on the console (guest crash/panic or QEMU error; QEMU status $qemu_status)"
fi

if [ ${#remote_pids[@]} -gt 0 ]; then
	stop_remotes
	for i in "${!remote_pids[@]}"; do
		set +e
		wait "${remote_pids[$i]}"
		st=$?
		set -e
		[ "$st" -eq 0 ] || add_fail "$EX_REMOTE" "remote $((i + 1)) ($(printf '%.40s' "${remotes[$i]}")) exited with $st"
	done
	remote_pids=()
fi

if [ -s "$fw_console" ]; then
	echo "run-vm: ---- remote core's console (firmware UART) ----"
	sed 's/\r$//' "$fw_console"
	echo "run-vm: ---- end of remote core's console ----"
fi
if [ -n "$log_copy" ]; then
	cp "$console" "$log_copy" || note "cannot write $log_copy"
fi
if [ -n "$firmware_log" ]; then
	cp "$fw_console" "$firmware_log" 2>/dev/null ||
		note "cannot write $firmware_log"
fi

if [ "$code" -eq 0 ]; then
	note "PASS (${elapsed}s)"
else
	msg=$(printf '%s; ' "${reasons[@]}")
	note "FAIL ($code): ${msg%; } (${elapsed}s)"
fi
exit "$code"
