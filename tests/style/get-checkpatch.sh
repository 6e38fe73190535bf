#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#
# Print the path of checkpatch.pl, extracting it (with spelling.txt and
# const_structs.checkpatch, which it reads from its own folder) from
# Debian's linux-source-6.1 package the first time, with
# tests/vm/linux-source.sh (into build/linux-source/). Nothing is installed
# on the system.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
src=$("$top"/tests/vm/linux-source.sh 6.1 scripts/checkpatch.pl \
	scripts/spelling.txt scripts/const_structs.checkpatch)
echo "$src/scripts/checkpatch.pl"
