#!/bin/bash
# test-ogrinfo.sh
#
# Copyright 2026 The Bosai Desk Authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# GDAL's OAPIF driver (gdal-bin) against a real bosai-central with 25
# reports: it must list the collections and read every report through the
# server's rel="next" links (pages of 10). Fails (never skips) without
# ogrinfo: the Makefile installs gdal-bin.

set -u

CENTRAL=${1:-${BOSAI_CENTRAL:-}}
N=25

fail () {
  echo "FAIL: $*" >&2
  exit 1
}

[ -x "$CENTRAL" ] || fail "bosai-central not found (got '$CENTRAL')"
command -v ogrinfo >/dev/null || fail "ogrinfo is missing: install gdal-bin"

# loopback only, never through a proxy
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
export NO_PROXY='*' no_proxy='*'

TMP=$(mktemp -d "${TMPDIR:-/tmp}/bd-ogrinfo-XXXXXX") || fail "no temporary folder"
PID=
cleanup () {
  if [ -n "$PID" ]; then kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; fi
  rm -rf "$TMP"
}
trap cleanup EXIT

DB=$TMP/central.sqlite
TOKEN=$("$CENTRAL" token add --database "$DB" --role hq --name ogrinfo | tail -n 1 | awk '{print $NF}')
[ ${#TOKEN} -eq 43 ] || fail "token add printed no token"

# 25 reports, imported in one transaction
{
  printf '{"type":"FeatureCollection","features":['
  for i in $(seq 1 $N); do
    [ "$i" -gt 1 ] && printf ','
    printf '{"type":"Feature","id":"00000000-0000-4000-8000-%012d",' "$i"
    printf '"geometry":{"type":"Point","coordinates":[135.%03d,34.6%d]},' $((400 + 5 * i)) $((i % 10))
    printf '"properties":{"ward":"271276","category":"fire","severity":2,"status":"new",'
    printf '"title":"Report %d","observed_at":"2026-01-01T09:00:00+09:00",' "$i"
    printf '"created_at":"2026-01-01T09:00:00+09:00","updated_at":"2026-01-01T09:00:00+09:00"}}'
  done
  printf ']}'
} > "$TMP/reports.geojson"
"$CENTRAL" import --database "$DB" --collection reports "$TMP/reports.geojson" >/dev/null ||
  fail "import failed"

"$CENTRAL" serve --database "$DB" --port 0 > "$TMP/serve.log" 2>&1 &
PID=$!
PORT=
for _ in $(seq 1 100); do
  PORT=$(sed -n 's|^listening on http://127\.0\.0\.1:\([0-9]*\)/$|\1|p' "$TMP/serve.log")
  [ -n "$PORT" ] && break
  sleep 0.1
done
[ -n "$PORT" ] || fail "the server did not start: $(cat "$TMP/serve.log")"

export GDAL_HTTP_HEADERS="Authorization: Bearer $TOKEN"
URL="OAPIF:http://127.0.0.1:$PORT"

ogrinfo -ro -al -so "$URL" > "$TMP/summary.txt" 2>&1 || fail "ogrinfo -so failed: $(cat "$TMP/summary.txt")"
for layer in reports shelters areas alerts; do
  grep -q "^Layer name: $layer\$" "$TMP/summary.txt" || fail "collection $layer not listed: $(cat "$TMP/summary.txt")"
done
grep -q '^ward: String' "$TMP/summary.txt" || fail "the reports' fields were not learnt"

ogrinfo -ro -al --debug on -oo PAGE_SIZE=10 "$URL" reports > "$TMP/features.txt" 2> "$TMP/debug.txt" ||
  fail "ogrinfo reports failed: $(tail -n 20 "$TMP/debug.txt")"
COUNT=$(grep -c '^OGRFeature(' "$TMP/features.txt")
[ "$COUNT" -eq $N ] || fail "ogrinfo read $COUNT reports, not $N"
for i in $(seq 1 $N); do
  grep -q "title (String) = Report $i\$" "$TMP/features.txt" || fail "report $i not read"
done
# it got there through the next links
grep -q 'offset=20' "$TMP/debug.txt" || fail "no next link followed to the third page"
grep -q "Authorization" "$TMP/serve.log" && fail "the server logged a token"

kill -TERM "$PID"
wait "$PID"
STATUS=$?
PID=
[ "$STATUS" -eq 0 ] || fail "the server exited with $STATUS"

echo "ok: ogrinfo listed 4 collections and read $COUNT reports in pages of 10"
