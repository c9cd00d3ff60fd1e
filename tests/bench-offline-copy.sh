#!/bin/bash
# bench-offline-copy.sh BUILDDIR
#
# Copyright 2026 The Bosai Desk Authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Tiles a second copied from bosai-central (loopback) into a local MBTiles
# file by BdOfflineCopy (4 requests in flight, batched transactions):
# the city centre at zooms 10-17 (about 2,100 PNG tiles of 1.2 KB).

set -euo pipefail
BUILDDIR=${1:-build}
HERE=$(cd "$(dirname "$0")" && pwd)
CENTRAL="$BUILDDIR/src/central/bosai-central"
TOOL="$BUILDDIR/tests/central/offline-copy-tool"
TMP=$(mktemp -d)
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$TMP"' EXIT

BOUNDS=135.45,34.64,135.55,34.72
python3 -c "
import sys; sys.path.insert(0, '$HERE/central')
import mbtiles_util
mbtiles_util.make('$TMP/city.mbtiles', bounds=($BOUNDS), zooms=range(10, 18))"
"$CENTRAL" tiles add --database "$TMP/central.sqlite" city "$TMP/city.mbtiles" >/dev/null
TOKEN=$("$CENTRAL" token add --database "$TMP/central.sqlite" --role hq --name bench | tail -1)
"$CENTRAL" serve --database "$TMP/central.sqlite" --port 0 >"$TMP/serve.out" 2>/dev/null &
PID=$!
for _ in $(seq 100); do grep -q listening "$TMP/serve.out" && break; sleep 0.05; done
BASE=$(awk '{print $3}' "$TMP/serve.out" | sed 's,/$,,')
"$TOOL" "$BASE" "$TOKEN" city "$TMP/offline.mbtiles" "$BOUNDS" 10 17 | grep -E '^(total|fetched|result|offline_copy_tiles_per_s)'
