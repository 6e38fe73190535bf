# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# shellcheck shell=bash
# shellcheck disable=SC2154 # $schema $tmp $binding_id $here: check-bindings.sh
#
# Real-board part of tests/dt/check-bindings.sh, sourced by it (it uses its
# pass/fail, nodes, has_compat, check_regions, check_aliases, $schema,
# $binding_id and $tmp). Each board overlay of dts/ is applied onto the
# device trees Debian 12 ships for that board in its own kernel packages
# (fetched by tests/dt/fetch-dtbs.sh, cached under build/), one TAP line
# per overlay covering every matching DTB:
#  - fdtoverlay applies it;
#  - dt-validate (our processed schema) on the merged tree matches every
#    cmshm node against the binding and prints no complaint that it does
#    not print for the board's tree alone (Debian's trees have complaints
#    of their own, e.g. about sound-card string lists, under the core
#    schemas alone);
#  - the no-map and alias checks of the synthetic-base part.
#
# Debian's DTBs are built without "dtc -@": they have no __symbols__ node,
# so fdtoverlay cannot resolve an overlay's label references (&mu, &ipcc,
# &gic) against them, and the nodes behind those labels mostly have no
# phandle either. The check does what "dtc -@" would have done for those
# labels only: it decompiles the board's DTB, appends "LABEL: &{/path} { };"
# for each label in the overlay's __fixups__, and recompiles with -@, which
# adds the __symbols__ entry and a phandle. The path is found from the node
# name and compatible the label has in the kernel's dtsi (table below), and
# must match exactly one node, so a renamed or missing node fails the
# check. A DTB that does have __symbols__ is used as it is.

# board_label LABEL: "NODE-NAME COMPATIBLE" of LABEL in the kernel's dtsi.
board_label() {
	case $1 in
	mu)	echo "mailbox@30aa0000 fsl,imx8mm-mu" ;;	# imx8mm.dtsi
	ipcc)	echo "mailbox@4c001000 st,stm32mp1-ipcc" ;;	# stm32mp151.dtsi
	gic)	echo "interrupt-controller@f9010000 arm,gic-400" ;;	# zynqmp.dtsi
	*)	return 1 ;;
	esac
}

# Overlay, kernel of tests/vm/kernels.sh, DTBs in its package's DTB folder.
board_overlays=(
	"verdin-imx8mm-cmshm	6.1		freescale/imx8mm-verdin-*.dtb"
	"stm32mp157c-dk2-cmshm	6.1-armhf	stm32mp157c-dk2.dtb"
	"zcu102-cmshm		6.1		xilinx/zynqmp-zcu102-*.dtb"
)

# complaints DTB OUT: dt-validate's complaints about DTB (the "matched"
# reports dropped), with the file name replaced by "DTB", into OUT; the
# matched reports stay in OUT.m.
complaints() {
	dt-validate -M -s "$schema" "$1" >"$2.m" 2>&1
	awk -v f="$1" '
		/: matched on schema\(s\)$/ { m = 1; next }
		m && /^\t/ { next }
		{ m = 0; if (index($0, f ": ") == 1) $0 = "DTB: " substr($0, length(f) + 3); print }
	' "$2.m" >"$2"
}

# board_symbols DTB DTBO OUT.dtb LOG: OUT.dtb is DTB with the __symbols__
# that DTBO's fixups need (see above); 0 on success, else reasons in LOG.
board_symbols() {
	local dtb=$1 dtbo=$2 out=$3 log=$4 label want name compat path n

	if fdtget -l "$dtb" / 2>/dev/null | grep -qx __symbols__; then
		echo "# $(basename "$dtb"): has __symbols__, used as it is" >>"$board_info"
		cp "$dtb" "$out"
		return 0
	fi
	dtc -q -I dtb -O dts -o "$out.dts" "$dtb" || { echo "dtc cannot decompile $dtb" >>"$log"; return 1; }
	for label in $(fdtget -p "$dtbo" /__fixups__ 2>/dev/null); do
		if ! want=$(board_label "$label"); then
			echo "label $label: not in tests/dt/check-boards.sh's table" >>"$log"
			continue
		fi
		read -r name compat <<<"$want"
		path=$(compat_nodes "$dtb" "$compat" | awk -F/ -v n="$name" '$NF == n')
		n=$(echo "$path" | grep -c .)
		if [ "$n" -ne 1 ]; then
			echo "label $label: $n nodes named $name with compatible $compat" >>"$log"
			continue
		fi
		echo "$label: &{$path} { };" >>"$out.dts"
		echo "# $(basename "$dtb"): no __symbols__; &$label = $path" >>"$board_info"
	done
	[ ! -s "$log" ] || return 1
	dtc -q -@ -I dts -O dtb -o "$out" "$out.dts" 2>>"$log"
}

# board_check OVERLAY-NAME DTB LOG: the checks above for one DTB.
board_check() {
	local dtbo=$tmp/$1.dtbo dtb=$2 log=$3 w ncmshm

	w=$tmp/board.$1.$(basename "$2" .dtb)

	board_symbols "$dtb" "$dtbo" "$w.base.dtb" "$log" || return 1
	if ! fdtoverlay -i "$w.base.dtb" -o "$w.dtb" "$dtbo" >>"$log" 2>&1; then
		echo "fdtoverlay failed" >>"$log"
		return 1
	fi
	complaints "$w.base.dtb" "$w.base.val"
	complaints "$w.dtb" "$w.val"
	# New complaints: message lines not in the base's, with their detail.
	awk 'NR == FNR { if (!/^\t/) seen[$0] = 1; next }
	     !/^\t/ { keep = !($0 in seen) }
	     keep' "$w.base.val" "$w.val" >>"$log"
	ncmshm=$(compat_nodes "$w.dtb" cmshm,shared-memory | wc -l)
	[ "$ncmshm" -gt 0 ] || echo "no cmshm,shared-memory node" >>"$log"
	[ "$(grep -cxF "	$binding_id" "$w.val.m")" -eq "$ncmshm" ] ||
		echo "not every cmshm node matched $binding_id" >>"$log"
	check_regions "$w.dtb" "$w.reg" || cat "$w.reg" >>"$log"
	check_aliases "$w.dtb" "$w.alias" || cat "$w.alias" >>"$log"
	[ ! -s "$log" ]
}

for b in "${board_overlays[@]}"; do
	read -r name kernel glob <<<"$b"
	rel=dts/$name.dtso
	desc="$rel on Debian's $kernel $glob: applies, dt-validate adds no complaint, no-map region, aliases"
	log=$tmp/board.$name.log
	: >"$log"
	board_info=$log.info
	: >"$board_info"
	if [ ! -f "$tmp/$name.dtbo" ]; then
		echo "$rel did not compile (see above)" >"$log"
		fail "$desc" "$log"
		continue
	fi
	if ! dir=$("$here/fetch-dtbs.sh" "$kernel" 2>"$log"); then
		fail "$desc" "$log"
		continue
	fi
	: >"$log"
	count=0
	for dtb in "$dir"/$glob; do
		[ -f "$dtb" ] || continue
		count=$((count + 1))
		: >"$log.one"
		board_check "$name" "$dtb" "$log.one" ||
			sed "s|^|$(basename "$dtb"): |" "$log.one" >>"$log"
	done
	[ "$count" -gt 0 ] || echo "no $glob in $dir" >>"$log"
	if [ ! -s "$log" ]; then
		pass "$desc ($count DTBs)"
	else
		fail "$desc" "$log"
	fi
	sort -u "$board_info"
done
