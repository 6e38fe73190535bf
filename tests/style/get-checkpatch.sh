#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# Print the path of checkpatch.pl, extracting it (with spelling.txt and
# const_structs.checkpatch) from Debian's linux-source-6.1 package into
# build/checkpatch/ the first time. Nothing is installed on the system.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
dir=$top/build/checkpatch
cp=$dir/linux-source-6.1/scripts/checkpatch.pl
if [ ! -f "$cp" ]; then
	mkdir -p "$dir"
	(
		cd "$dir"
		rm -f linux-source-6.1_*.deb
		apt-get download linux-source-6.1 >/dev/null
		dpkg-deb --fsys-tarfile linux-source-6.1_*.deb |
			tar -xO ./usr/src/linux-source-6.1.tar.xz |
			tar -xJ linux-source-6.1/scripts/checkpatch.pl \
				linux-source-6.1/scripts/spelling.txt \
				linux-source-6.1/scripts/const_structs.checkpatch
		rm -f linux-source-6.1_*.deb
	) >&2
fi
echo "$cp"
