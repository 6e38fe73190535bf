#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# Guest: unload and reload cmshm.ko while the remotes keep running.
# Usage: reload.sh MODULE.ko DEV...   (prints TAP lines)
ko=$1
shift
exec 3<>"$1"
if rmmod cmshm 2>/dev/null; then
	echo "not ok 1 - rmmod refused while a file is open"
else
	echo "ok 1 - rmmod refused while a file is open"
fi
exec 3<&-
rmmod cmshm && echo "ok 2 - rmmod once the file is closed" ||
	echo "not ok 2 - rmmod once the file is closed"
[ ! -e "$1" ] && echo "ok 3 - device nodes gone" ||
	echo "not ok 3 - device nodes gone"
insmod "$ko" && echo "ok 4 - insmod again" || echo "not ok 4 - insmod again"
cmshm-vmtest multi "$@"
