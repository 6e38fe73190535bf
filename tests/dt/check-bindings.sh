#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# Check the cmshm devicetree binding and the overlays in dts/, printing one
# TAP line per check. Works from any directory; scratch files go to a
# temporary directory under build/dt/ (kept if CMSHM_DT_KEEP=1). Exit
# status: 0 if every check passed. Takes about half a minute, most of it
# on the real boards' trees; the first run also downloads two Debian kernel
# packages (about 100 MB, kept as DTBs only under build/dt/debian/).
#
# What is checked:
#  - the binding passes dt-doc-validate (the dt-schema meta-schemas);
#  - its example, extracted and wrapped by dt-extract-example, compiles with
#    dtc and passes dt-validate against the processed schema;
#  - the schema bites: broken copies of the example (extra property, no
#    memory-region, bad ring size or poll interval, wrong mailbox naming,
#    two regions, cmshm,rx-ack without "tx"/"rx" or with a value) are each
#    reported with the expected complaint, and the other legal shapes (one
#    bidirectional channel; polling; cmshm,rx-ack with "tx"/"rx") are not;
#  - every dts/*.dtso compiles with "dtc -@"; applied (fdtoverlay) onto the
#    minimal base tests/dt/overlay-base.dts (overlay-base-32.dts for the
#    32-bit SoCs; tests/vm/zynqmp/zcu102-qemu.dts for the emulated ZynqMP's
#    dts/qemu-zynqmp.dtso), the merged tree compiles
#    without dtc warnings, passes dt-validate, every cmshm node's
#    memory-region is a "no-map" child of /reserved-memory (no schema can
#    say that), and every cmshmN alias names a cmshm node;
#  - the board overlays applied onto the DTBs Debian ships for those boards
#    in its own kernel packages (tests/dt/check-boards.sh: Debian builds
#    them without __symbols__, so the labels the overlay uses are added the
#    way "dtc -@" would), with the same checks.
#
# Notes on dt-schema 2022.08 (Debian bookworm) found while writing this:
#  - Vendor prefixes are NOT checked out of tree. The registry is the
#    kernel's Documentation/devicetree/bindings/vendor-prefixes.yaml (a
#    "select: true" schema whose patternProperties list every known
#    "^vendor,.*" and forbid the rest); dt-schema does not ship it, and its
#    meta-schemas only ask that vendor properties have a type and a
#    description. So "cmshm,shared-memory", "cmshm,ring-size" and
#    "cmshm,poll-interval-us" pass here. In the kernel tree,
#    "make dt_binding_check" would flag the two properties ("does not match
#    any of the regexes") and checkpatch the compatible, until "cmshm" is
#    added to vendor-prefixes.yaml.
#  - dt-validate exits 0 when the tree violates the schema, and
#    dt-doc-validate exits 0 when $id does not match the file's path: both
#    only print. Any output from either counts as a failure here.
#  - dt-mk-schema -u crashes (KeyError), so it runs without -u; it finds the
#    core schemas shipped with dt-schema by itself. It skips a broken schema
#    with a message and exit status 0, so its stderr must be empty and the
#    output must contain our $id.
#  - dt-validate skips required-property errors on nodes with
#    status = "disabled", so the negative checks keep the node enabled.
#  - "memory-region" has no type in 2022.08, so tests/dt/memory-region-type.yaml
#    (test-only) types it; without it "maxItems: 1" cannot fail.
#  - dt-extract-example already wraps each example the way the kernel's
#    Documentation/devicetree/bindings/Makefile expects (the Makefile only
#    runs it, then cpp and dtc): "/dts-v1/; /plugin/;", a root node with
#    compatible/model and #address-cells = #size-cells = <1>, and an
#    "example-N" node (same cells) around the text. Our example has no
#    #include, so the cpp step is not needed.
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
binding_rel=misc/cmshm,shared-memory.yaml
binding=$top/Documentation/devicetree/bindings/$binding_rel
binding_id=http://devicetree.org/schemas/$binding_rel#
qemu_overlay=$top/dts/qemu-virt.dtso

n=0
failed=0

pass() {
	n=$((n + 1))
	echo "ok $n - $1"
}

# fail DESCRIPTION [FILE]: a "not ok" line, then FILE as TAP diagnostics.
fail() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
	if [ $# -gt 1 ] && [ -s "$2" ]; then
		sed 's/^/#   /' "$2"
	fi
}

skip() {
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}

# ---- tools ---------------------------------------------------------------
missing=
for t in dtc fdtoverlay fdtget; do
	command -v "$t" >/dev/null || missing="$missing device-tree-compiler"
done
for t in dt-doc-validate dt-extract-example dt-mk-schema dt-validate; do
	command -v "$t" >/dev/null || missing="$missing dt-schema"
done
if [ -n "$missing" ]; then
	# shellcheck disable=SC2086 # split the list on purpose
	pkgs=$(printf '%s\n' $missing | sort -u | tr '\n' ' ')
	cmd="apt-get install -y --no-install-recommends ${pkgs% }"
	if [ "$(id -u)" -eq 0 ]; then
		echo "# installing: $pkgs"
		if ! $cmd >&2; then
			apt-get update >&2 && $cmd >&2
		fi
	fi
	for t in dtc fdtoverlay fdtget dt-doc-validate dt-extract-example \
		 dt-mk-schema dt-validate; do
		if ! command -v "$t" >/dev/null; then
			echo "not ok 1 - tools present (run as root: $cmd)"
			exit 1
		fi
	done
fi

mkdir -p "$top/build/dt" || exit 1
tmp=$(mktemp -d "$top/build/dt/check.XXXXXX") || exit 1
# CMSHM_DT_KEEP=1 keeps the scratch directory for inspection.
[ "${CMSHM_DT_KEEP:-0}" = 1 ] || trap 'rm -rf "$tmp"' EXIT

# ---- the binding itself --------------------------------------------------
bindings=$tmp/bindings
mkdir -p "$bindings/misc"
cp "$binding" "$bindings/$binding_rel"
cp "$here/memory-region-type.yaml" "$bindings/"

# dt-doc-validate runs on the real file so $id is checked against its path.
if dt-doc-validate -u "$top/Documentation/devicetree/bindings" "$binding" \
		>"$tmp/doc.out" 2>&1 && [ ! -s "$tmp/doc.out" ]; then
	pass "dt-doc-validate: $binding_rel"
else
	fail "dt-doc-validate: $binding_rel" "$tmp/doc.out"
fi

if dt-doc-validate -u "$bindings" "$bindings/memory-region-type.yaml" \
		>"$tmp/doc2.out" 2>&1 && [ ! -s "$tmp/doc2.out" ]; then
	pass "dt-doc-validate: tests/dt/memory-region-type.yaml"
else
	fail "dt-doc-validate: tests/dt/memory-region-type.yaml" "$tmp/doc2.out"
fi

schema=$tmp/processed.json
if dt-mk-schema -j "$bindings" >"$schema" 2>"$tmp/mk.err" &&
		[ ! -s "$tmp/mk.err" ] && grep -qF "\"$binding_id\"" "$schema"; then
	pass "dt-mk-schema -j: processed schema contains $binding_rel"
else
	echo "(our \$id not in the processed schema, or messages above)" >>"$tmp/mk.err"
	fail "dt-mk-schema -j: processed schema contains $binding_rel" "$tmp/mk.err"
fi

# validate DTB OUT: 0 when dt-validate ran and printed nothing at all.
validate() {
	dt-validate -s "$schema" "$1" >"$2" 2>&1 && [ ! -s "$2" ]
}

# validate_matched DTB OUT [COUNT]: dt-validate -M; its "matched on
# schema(s)" reports are set aside and the rest (complaints) goes to OUT.
# Returns 0 when OUT is empty and exactly COUNT nodes (default 1) matched
# the cmshm schema, so a pass never means "no schema was applied".
validate_matched() {
	local want=${3:-1} got

	dt-validate -M -s "$schema" "$1" >"$2.m" 2>&1
	echo $? >"$2.rc"
	awk '/: matched on schema\(s\)$/ { m = 1; next }
	     m && /^\t/ { next }
	     { m = 0; print }' "$2.m" >"$2"
	got=$(grep -cxF "	$binding_id" "$2.m")
	[ "$got" -eq "$want" ] ||
		echo "$got node(s) matched $binding_id, expected $want" >>"$2"
	[ "$(cat "$2.rc")" -eq 0 ] || echo "dt-validate exit status $(cat "$2.rc")" >>"$2"
	[ ! -s "$2" ]
}

# compile DTS DTB: dtc -@, warnings or errors into DTB.err; 0 when clean.
compile() {
	dtc -@ -I dts -O dtb -o "$2" "$1" 2>"$2.err" && [ ! -s "$2.err" ]
}

# ---- the example ---------------------------------------------------------
ex=$tmp/example.dts
if dt-extract-example "$binding" >"$ex" 2>"$tmp/ex.err" &&
		[ ! -s "$tmp/ex.err" ] && grep -q '"cmshm,shared-memory"' "$ex"; then
	pass "dt-extract-example: the example has a cmshm,shared-memory node"
else
	fail "dt-extract-example: the example has a cmshm,shared-memory node" "$tmp/ex.err"
fi

if compile "$ex" "$tmp/example.dtb"; then
	pass "dtc -@: the example compiles without warnings"
else
	fail "dtc -@: the example compiles without warnings" "$tmp/example.dtb.err"
fi

if validate_matched "$tmp/example.dtb" "$tmp/example.val"; then
	pass "dt-validate: the example passes the schema"
else
	fail "dt-validate: the example passes the schema" "$tmp/example.val"
fi

# variant NAME SED-SCRIPT: a copy of the example edited by SED-SCRIPT,
# compiled to $tmp/NAME.dtb. Fails (returns 1, reason in $tmp/NAME.val)
# when the edit did not apply or the copy does not compile.
variant() {
	sed -e "$2" "$ex" >"$tmp/$1.dts"
	if cmp -s "$ex" "$tmp/$1.dts"; then
		echo "edit '$2' did not change the example" >"$tmp/$1.val"
		return 1
	fi
	if ! compile "$tmp/$1.dts" "$tmp/$1.dtb"; then
		cp "$tmp/$1.dtb.err" "$tmp/$1.val"
		return 1
	fi
}

# must_reject NAME WHAT SED-SCRIPT EXPECTED: dt-validate must complain about
# the edited example, with EXPECTED (fixed string) in its output.
must_reject() {
	local desc="dt-validate rejects $2"

	if ! variant "$1" "$3"; then
		fail "$desc" "$tmp/$1.val"
	elif validate "$tmp/$1.dtb" "$tmp/$1.val"; then
		echo "dt-validate printed nothing" >"$tmp/$1.val"
		fail "$desc" "$tmp/$1.val"
	elif ! grep -qF -- "$4" "$tmp/$1.val"; then
		echo "(expected: $4)" >>"$tmp/$1.val"
		fail "$desc" "$tmp/$1.val"
	else
		pass "$desc"
	fi
}

# must_accept NAME WHAT SED-SCRIPT: the edited example must pass.
must_accept() {
	local desc="dt-validate accepts $2"

	if variant "$1" "$3" && validate_matched "$tmp/$1.dtb" "$tmp/$1.val"; then
		pass "$desc"
	else
		fail "$desc" "$tmp/$1.val"
	fi
}

# The edits below match the example's lines in the binding.
mr='memory-region = <&cmshm_region>;'
mb='mboxes = <&mu 2 0>, <&mu 3 0>;'
mn='mbox-names = "tx", "rx";'
rs='cmshm,ring-size = <65536>;'

must_reject bogus "an unknown property" \
	"s/$rs/$rs bogus-prop = <1>;/" "'bogus-prop' does not match any of the regexes"
must_reject no-region "a node without memory-region" \
	"/$mr/d" "'memory-region' is a required property"
must_reject two-regions "two memory-region phandles" \
	"s/$mr/memory-region = <\&cmshm_region \&cmshm_region>;/" "memory-region: [[1], [1]] is too long"
must_reject ring-npot "a ring size that is not a power of two" \
	"s/$rs/cmshm,ring-size = <98304>;/" "cmshm,ring-size:0:0: 98304 is"
must_reject ring-small "a ring size below 256" \
	"s/$rs/cmshm,ring-size = <128>;/" "cmshm,ring-size:0:0: 128 is"
must_reject two-no-names "two mailboxes without mbox-names" \
	"/$mn/d" "'mbox-names' is a required property"
must_reject one-named "one mailbox with mbox-names" \
	"s/$mb/mboxes = <\&mu 2 0>;/" "mbox-names: False schema does not allow"
must_reject names-swapped "mbox-names in the wrong order" \
	"s/$mn/mbox-names = \"rx\", \"tx\";/" "'tx' was expected"
must_reject poll-with-mbox "cmshm,poll-interval-us together with mboxes" \
	"s/$rs/$rs cmshm,poll-interval-us = <1000>;/" "cmshm,poll-interval-us: False schema does not allow"
must_reject poll-short "cmshm,poll-interval-us below 50" \
	"/$mb/d; /$mn/d; s/$rs/$rs cmshm,poll-interval-us = <20>;/" "20 is less than the minimum of 50"
must_reject rx-ack-one-channel "cmshm,rx-ack with one bidirectional mailbox" \
	"s/$mb/mboxes = <\&mu 2 0>;/; /$mn/d; s/$rs/$rs cmshm,rx-ack;/" "'mbox-names' is a dependency of 'cmshm,rx-ack'"
must_reject rx-ack-polling "cmshm,rx-ack without a mailbox" \
	"/$mb/d; /$mn/d; s/$rs/$rs cmshm,rx-ack;/" "'mbox-names' is a dependency of 'cmshm,rx-ack'"
must_reject rx-ack-value "cmshm,rx-ack with a value" \
	"s/$rs/$rs cmshm,rx-ack = <1>;/" "cmshm,rx-ack: b'\\x00\\x00\\x00\\x01' is not of type 'boolean'"
must_accept rx-ack "cmshm,rx-ack with \"tx\" and \"rx\" mailboxes" \
	"s/$rs/$rs cmshm,rx-ack;/"
must_accept one-channel "one bidirectional mailbox without mbox-names" \
	"s/$mb/mboxes = <\&mu 2 0>;/; /$mn/d"
must_accept polling "no mailbox and cmshm,poll-interval-us = <1000>" \
	"/$mb/d; /$mn/d; s/$rs/$rs cmshm,poll-interval-us = <1000>;/"

# ---- the overlays --------------------------------------------------------
base64=$tmp/overlay-base.dtb
if ! compile "$here/overlay-base.dts" "$base64"; then
	fail "dtc -@: tests/dt/overlay-base.dts compiles" "$base64.err"
fi
base32=$tmp/overlay-base-32.dtb
if ! compile "$here/overlay-base-32.dts" "$base32"; then
	fail "dtc -@: tests/dt/overlay-base-32.dts compiles" "$base32.err"
fi
# The emulated ZynqMP's overlay goes onto the tree run-vm.sh boots it on.
zynqmp_rel=tests/vm/zynqmp/zcu102-qemu.dts
basezynqmp=$tmp/zcu102-qemu.dtb
if compile "$top/$zynqmp_rel" "$basezynqmp"; then
	pass "dtc: $zynqmp_rel (the emulated ZynqMP's tree) compiles with no warning"
else
	fail "dtc: $zynqmp_rel (the emulated ZynqMP's tree) compiles with no warning" \
		"$basezynqmp.err"
fi

# is_32bit DTBO: the overlay's reserved-memory has #address-cells = <1>,
# i.e. it is for a 32-bit SoC and goes onto overlay-base-32.dts.
is_32bit() {
	local f

	for f in $(fdtget -l "$1" / 2>/dev/null); do
		[ "$(fdtget -t u "$1" "/$f/__overlay__/reserved-memory" \
			'#address-cells' 2>/dev/null)" = 1 ] && return 0
	done
	return 1
}

# dt_index DTB: one line per node, "PATH<TAB>PHANDLE<TAB>COMPATIBLES"
# (phandle in decimal, 0 if none; compatibles separated by spaces), read
# from dtc's decompiled output in one pass: calling fdtget per node takes
# seconds on a real board's tree of a thousand nodes.
dt_index() {
	dtc -q -I dtb -O dts "$1" | awk '
		function hex(s,  i, v) {
			s = tolower(s); sub(/^0x/, "", s); v = 0
			for (i = 1; i <= length(s); i++)
				v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
			return v
		}
		/\{$/ {
			d++; name = $(NF - 1)
			p[d] = d == 1 ? "/" : (d == 2 ? "" : p[d - 1]) "/" name
			ph[d] = 0; co[d] = ""
			next
		}
		/^[ \t]*\};$/ { print p[d] "\t" ph[d] "\t" co[d]; d--; next }
		$1 == "phandle" { v = $3; gsub(/[<>;]/, "", v); ph[d] = hex(v) }
		$1 == "compatible" {
			v = $0; sub(/^[^"]*"/, "", v); sub(/";$/, "", v)
			gsub(/\\0/, " ", v); co[d] = v
		}'
}

# nodes DTB: every node path, one per line.
nodes() {
	dt_index "$1" | cut -f1
}

# compat_nodes DTB COMPATIBLE: the paths of the nodes compatible with it.
compat_nodes() {
	dt_index "$1" | awk -F '\t' -v c="$2" '
		{ n = split($3, a, " "); for (i = 1; i <= n; i++) if (a[i] == c) print $1 }'
}

# has_compat DTB NODE COMPATIBLE
has_compat() {
	fdtget -t s "$1" "$2" compatible 2>/dev/null | tr ' ' '\n' | grep -qxF "$3"
}

# check_regions DTB OUT: each cmshm node's memory-region is a no-map child
# of /reserved-memory; there is at least one cmshm node.
check_regions() {
	local dtb=$1 out=$2 node ph target count=0

	: >"$out"
	dt_index "$dtb" >"$out.index"
	for node in $(compat_nodes "$dtb" cmshm,shared-memory); do
		count=$((count + 1))
		ph=$(fdtget -t u "$dtb" "$node" memory-region 2>/dev/null)
		target=
		[ -z "$ph" ] ||
			target=$(awk -F '\t' -v ph="$ph" '$2 == ph { print $1 }' "$out.index")
		if [ -z "$target" ]; then
			echo "$node: memory-region does not resolve to a node" >>"$out"
		elif [ "${target%/*}" != /reserved-memory ]; then
			echo "$node: memory-region $target is not under /reserved-memory" >>"$out"
		elif ! fdtget "$dtb" "$target" no-map >/dev/null 2>&1; then
			echo "$node: memory-region $target has no no-map" >>"$out"
		fi
	done
	[ "$count" -gt 0 ] || echo "no cmshm,shared-memory node" >>"$out"
	[ ! -s "$out" ]
}

# check_aliases DTB OUT: every cmshmN alias names a cmshm node.
check_aliases() {
	local dtb=$1 out=$2 a path

	: >"$out"
	for a in $(fdtget -p "$dtb" /aliases 2>/dev/null); do
		case $a in cmshm*) ;; *) continue ;; esac
		path=$(fdtget -t s "$dtb" /aliases "$a")
		if ! has_compat "$dtb" "$path" cmshm,shared-memory; then
			echo "alias $a = \"$path\" is not a cmshm,shared-memory node" >>"$out"
		fi
	done
	[ ! -s "$out" ]
}

# filter_mailbox DTB IN OUT: copy dt-validate output IN to OUT without the
# complaints about cmshm,test-mailbox nodes. That node belongs to the
# test-only mailbox driver, which has no binding; only cmshm nodes matter
# here. dt-validate names a node only by its last path component, so a
# complaint is dropped only when that name belongs to a test-mailbox node
# and to no other node in the tree, i.e. it identifies the node's path.
filter_mailbox() {
	local dtb=$1 names="" node name

	nodes "$dtb" >"$3.nodes"
	for node in $(compat_nodes "$dtb" cmshm,test-mailbox); do
		name=${node##*/}
		if [ "$(awk -F/ -v n="$name" '$NF == n' "$3.nodes" | wc -l)" -eq 1 ]; then
			names="$names $name"
		fi
	done
	awk -v dtb="$(cd "$(dirname "$dtb")" && pwd)/$(basename "$dtb")" \
	    -v names="$names" '
		BEGIN { n = split(names, skip, " ") }
		/^\t/ { if (!dropping) print; next }
		{
			dropping = 0
			for (i = 1; i <= n; i++)
				if (index($0, dtb ": " skip[i] ": ") == 1)
					dropping = 1
			if (!dropping) print
		}' "$2" >"$3"
}

qemu_seen=0
for dtso in "$top"/dts/*.dtso; do
	[ -e "$dtso" ] || continue
	rel=dts/$(basename "$dtso")
	name=$(basename "$dtso" .dtso)
	[ "$dtso" = "$qemu_overlay" ] && qemu_seen=1
	dtbo=$tmp/$name.dtbo

	# Standalone, dtc cannot know the target's cell sizes or the
	# phandles left to fixups and warns about them: shown, not failed.
	if dtc -@ -I dts -O dtb -o "$dtbo" "$dtso" 2>"$dtbo.err"; then
		pass "dtc -@: $rel compiles"
		sed 's/^/# (standalone warning) /' "$dtbo.err"
	else
		fail "dtc -@: $rel compiles" "$dtbo.err"
		continue
	fi

	merged=$tmp/$name.merged.dtb
	base=$base64 base_rel=tests/dt/overlay-base.dts
	if [ "$name" = qemu-zynqmp ]; then
		base=$basezynqmp base_rel=$zynqmp_rel
	elif is_32bit "$dtbo"; then
		base=$base32 base_rel=tests/dt/overlay-base-32.dts
	fi
	if fdtoverlay -i "$base" -o "$merged" "$dtbo" >"$merged.err" 2>&1 &&
	   dtc -I dtb -O dtb -o /dev/null "$merged" 2>>"$merged.err" &&
	   [ ! -s "$merged.err" ]; then
		pass "$rel applies onto $base_rel; dtc has no warning on the result"
	else
		fail "$rel applies onto $base_rel; dtc has no warning on the result" \
			"$merged.err"
		continue
	fi

	ncmshm=$(compat_nodes "$merged" cmshm,shared-memory | wc -l)
	validate_matched "$merged" "$merged.raw" "$ncmshm"
	filter_mailbox "$merged" "$merged.raw" "$merged.val"
	[ "$ncmshm" -gt 0 ] || echo "no cmshm,shared-memory node" >>"$merged.val"
	if [ "$ncmshm" -gt 0 ] && [ ! -s "$merged.val" ]; then
		pass "dt-validate: $rel merged passes the schema"
	else
		fail "dt-validate: $rel merged passes the schema" "$merged.val"
	fi

	if check_regions "$merged" "$merged.reg"; then
		pass "$rel: every cmshm memory-region is a no-map /reserved-memory node"
	else
		fail "$rel: every cmshm memory-region is a no-map /reserved-memory node" \
			"$merged.reg"
	fi

	if check_aliases "$merged" "$merged.alias"; then
		pass "$rel: every cmshmN alias names a cmshm node"
	else
		fail "$rel: every cmshmN alias names a cmshm node" "$merged.alias"
	fi
done

# ---- the board overlays on Debian's own board trees ----------------------
# shellcheck source=tests/dt/check-boards.sh
. "$here/check-boards.sh"

if [ "$qemu_seen" -eq 0 ]; then
	skip "dts/qemu-virt.dtso: cmshm nodes validated against the schema" \
		"dts/qemu-virt.dtso does not exist yet"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
