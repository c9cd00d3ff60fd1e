#!/bin/bash
# bench-central.sh
#
# Copyright 2026 The Bosai Desk Authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Benchmark of bosai-central and the client's first sync (run by
# `make bench`, not a test). It prints figures:
#
#  (a) a server database filled with N demo reports (bench-mkgeojson, then
#      `bosai-central import`);
#  (b) the floor: curl fetching every page of the change feed
#      (?since_seq=S&limit=1000, following next_since_seq) into files, plus
#      the sqlite3 shell importing the same rows (json_extract over the pages
#      read with readfile()); floor = the sum;
#  (c) a fresh client's first full sync (`bosai-desk --sync-once`, when the
#      build has it) and its ratio to the floor (target: within 2x);
#  (d) load: wrk with 50 connections for D seconds, reading pages of 100; and
#      a mix of change-feed pulls and PUT creations (If-None-Match: *).
#
# Usage: bench-central.sh BUILDDIR [N] [DURATION]
#   (BENCH_CENTRAL_N / BENCH_CENTRAL_DURATION in the environment also work)

set -u

BUILD=${1:-build}
N=${2:-${BENCH_CENTRAL_N:-100000}}
DURATION=${3:-${BENCH_CENTRAL_DURATION:-20}}
CENTRAL=$BUILD/src/central/bosai-central
DESK=$BUILD/src/app/bosai-desk
MKGEOJSON=$BUILD/tests/central/bench-mkgeojson
PAGE=1000

fail () {
  echo "bench-central: $*" >&2
  exit 1
}

[ -x "$CENTRAL" ] || fail "no $CENTRAL (build first)"
[ -x "$MKGEOJSON" ] || fail "no $MKGEOJSON (build first)"
for tool in curl sqlite3 wrk python3; do
  command -v "$tool" >/dev/null || fail "$tool is missing"
done

unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
export NO_PROXY='*' no_proxy='*' LC_ALL=C.UTF-8 GSETTINGS_BACKEND=memory

TMP=$(mktemp -d "${TMPDIR:-/tmp}/bd-bench-central-XXXXXX") || fail "no temporary folder"
PID=
cleanup () {
  if [ -n "$PID" ]; then kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; fi
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

now () { date +%s.%N; }
elapsed () { python3 -c "import sys; print('%.2f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$1" "$2"; }

echo "bench-central: $N reports, load runs of ${DURATION}s; $(nproc) CPUs; $(uptime | sed 's/^ *//')"

# --- (a) fill the server --------------------------------------------------------
DB=$TMP/central.sqlite
TOKEN=$("$CENTRAL" token add --database "$DB" --role hq --name bench | tail -n 1 | awk '{print $NF}')
[ ${#TOKEN} -ge 20 ] || fail "token add printed no token"
AUTH="Authorization: Bearer $TOKEN"

t0=$(now)
"$MKGEOJSON" "$N" "$TMP/reports.geojson" || fail "bench-mkgeojson failed"
t1=$(now)
"$CENTRAL" import --database "$DB" --collection reports "$TMP/reports.geojson" > "$TMP/import.log" 2>&1 ||
  fail "import failed: $(cat "$TMP/import.log")"
t2=$(now)
T_GEN=$(elapsed "$t0" "$t1")
T_IMPORT=$(elapsed "$t1" "$t2")
rm -f "$TMP/reports.geojson"
echo "(a) generated $N reports in ${T_GEN}s, imported in ${T_IMPORT}s"

"$CENTRAL" serve --database "$DB" --port 0 > "$TMP/serve.log" 2>&1 &
PID=$!
PORT=
for _ in $(seq 1 200); do
  PORT=$(sed -n 's|^listening on http://127\.0\.0\.1:\([0-9]*\)/$|\1|p' "$TMP/serve.log")
  [ -n "$PORT" ] && break
  kill -0 "$PID" 2>/dev/null || break
  sleep 0.1
done
[ -n "$PORT" ] || fail "the server did not start: $(cat "$TMP/serve.log")"
URL=http://127.0.0.1:$PORT

# --- (b) the floor: curl + sqlite3 -------------------------------------------------
mkdir -p "$TMP/pages"
since=0
pages=0
t0=$(now)
while :; do
  pages=$((pages + 1))
  f=$TMP/pages/$(printf '%05d' "$pages").json
  curl -sS -f -o "$f" -H "$AUTH" "$URL/collections/reports/items?since_seq=$since&limit=$PAGE" ||
    fail "curl page $pages failed"
  next=$(head -c 200 "$f" | sed -n 's/.*"next_since_seq":\([0-9]*\).*/\1/p')
  returned=$(head -c 300 "$f" | sed -n 's/.*"numberReturned":\([0-9]*\).*/\1/p')
  [ -n "$next" ] && [ -n "$returned" ] || fail "page $pages has no next_since_seq"
  [ "$returned" -lt "$PAGE" ] && break
  since=$next
done
t1=$(now)
T_CURL=$(elapsed "$t0" "$t1")
BYTES=$(cat "$TMP/pages"/*.json | wc -c)

{
  echo "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
  echo "CREATE TABLE reports (rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, ward TEXT NOT NULL,"
  echo "  category TEXT NOT NULL, severity INTEGER NOT NULL, status TEXT NOT NULL, lat REAL NOT NULL,"
  echo "  lon REAL NOT NULL, title TEXT, description TEXT, observed_at TEXT, updated_at TEXT, rev INTEGER,"
  echo "  json TEXT NOT NULL);"
  echo "CREATE INDEX reports_ward ON reports (ward);"
  echo "BEGIN;"
  for f in "$TMP/pages"/*.json; do
    cat <<SQL
INSERT OR REPLACE INTO reports (id, ward, category, severity, status, lat, lon, title, description,
                                observed_at, updated_at, rev, json)
  SELECT json_extract(value, '\$.id'), json_extract(value, '\$.properties.ward'),
         json_extract(value, '\$.properties.category'), json_extract(value, '\$.properties.severity'),
         json_extract(value, '\$.properties.status'), json_extract(value, '\$.geometry.coordinates[1]'),
         json_extract(value, '\$.geometry.coordinates[0]'), json_extract(value, '\$.properties.title'),
         json_extract(value, '\$.properties.description'), json_extract(value, '\$.properties.observed_at'),
         json_extract(value, '\$.properties.updated_at'), json_extract(value, '\$.properties.rev'), value
    FROM json_each(readfile('$f'), '\$.features');
SQL
  done
  echo "COMMIT;"
} > "$TMP/import.sql"
t0=$(now)
sqlite3 "$TMP/floor.sqlite" < "$TMP/import.sql" > "$TMP/sqlite3.log" 2>&1 || fail "sqlite3: $(head -c 400 "$TMP/sqlite3.log")"
t1=$(now)
T_SQLITE=$(elapsed "$t0" "$t1")
ROWS=$(sqlite3 "$TMP/floor.sqlite" 'SELECT count(*) FROM reports')
[ "$ROWS" = "$N" ] || echo "warning: the floor imported $ROWS rows, not $N" >&2
T_FLOOR=$(python3 -c "import sys; print('%.2f' % (float(sys.argv[1]) + float(sys.argv[2])))" "$T_CURL" "$T_SQLITE")
echo "(b) floor: curl $pages pages ($((BYTES / 1048576)) MiB) in ${T_CURL}s + sqlite3 $ROWS rows in ${T_SQLITE}s = ${T_FLOOR}s"
rm -rf "$TMP/pages" "$TMP/import.sql"

# --- (c) a fresh client's first sync -------------------------------------------------
T_CLIENT=n/a
RATIO=n/a
CLIENT_ROWS=n/a
if [ -x "$DESK" ] && "$DESK" --help-all 2>/dev/null | grep -q -- '--sync-once'; then
  t0=$(now)
  if "$DESK" --database "$TMP/client.sqlite" --server "$URL" --token "$TOKEN" --sync-once \
       > "$TMP/client.log" 2>&1; then
    t1=$(now)
    T_CLIENT=$(elapsed "$t0" "$t1")
    RATIO=$(python3 -c "import sys; print('%.2f' % (float(sys.argv[1]) / float(sys.argv[2])))" "$T_CLIENT" "$T_FLOOR")
    CLIENT_ROWS=$(sqlite3 "$TMP/client.sqlite" 'SELECT count(*) FROM reports' 2>/dev/null || echo '?')
    echo "(c) client first sync: $CLIENT_ROWS reports in ${T_CLIENT}s = ${RATIO}x the floor (target <= 2x)"
  else
    T_CLIENT=failed
    echo "(c) client first sync FAILED: $(tail -n 5 "$TMP/client.log")"
  fi
else
  echo "(c) client first sync: skipped (this bosai-desk has no --sync-once yet)"
fi

# --- (d) load ------------------------------------------------------------------------
wrk_figures () {
  # requests/s, p99, non-2xx count from wrk's output
  local rps p99 bad
  rps=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$1")
  p99=$(sed -n 's/^ *99% *\([0-9.]*[a-z]*\).*/\1/p' "$1")
  bad=$(sed -n 's/^ *Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' "$1")
  echo "${rps:-?} ${p99:-?} ${bad:-0}"
}

wrk -t2 -c50 -d"${DURATION}s" --latency -H "$AUTH" \
  "$URL/collections/reports/items?limit=100" > "$TMP/wrk-read.txt" 2>&1 || fail "wrk failed: $(cat "$TMP/wrk-read.txt")"
read -r R_RPS R_P99 R_BAD < <(wrk_figures "$TMP/wrk-read.txt")
echo "(d1) read pages of 100, 50 connections: $R_RPS requests/s, p99 $R_P99, non-2xx $R_BAD"

LAST_SEQ=$(sqlite3 "$DB" 'SELECT max(seq) FROM features' 2>/dev/null || echo "$N")
[ -n "$LAST_SEQ" ] || LAST_SEQ=$N
cat > "$TMP/mix.lua" <<LUA
-- three change-feed pulls (since_seq near the end, as a client that is
-- nearly up to date) for every PUT creating a fresh report
local counter = 0
local threads = {}
local n_threads = 0
tid = 0  -- global: setup sets it in each thread's own Lua state

function setup (thread)
  n_threads = n_threads + 1
  thread:set("tid", n_threads)
  table.insert(threads, thread)
end

function init (args)
  math.randomseed(os.time() + tid * 7919)
  nonce = math.random(0, 0xffff)
end

local token = "$TOKEN"
local last_seq = $LAST_SEQ

function request ()
  counter = counter + 1
  if counter % 4 == 0 then
    local id = string.format("%08x-%04x-4000-8000-%012x", tid, nonce, counter)
    local body = '{"type":"Feature","id":"' .. id .. '",'
      .. '"geometry":{"type":"Point","coordinates":[135.5' .. (counter % 90 + 10) .. ',34.69]},'
      .. '"properties":{"ward":"271276","category":"fire","severity":2,"status":"new",'
      .. '"title":"Load ' .. counter .. '","observed_at":"2026-09-01T09:00:00+09:00",'
      .. '"created_at":"2026-09-01T09:00:00+09:00","updated_at":"2026-09-01T09:00:00+09:00"}}'
    return wrk.format("PUT", "/collections/reports/items/" .. id,
      { ["Authorization"] = "Bearer " .. token,
        ["Content-Type"] = "application/geo+json",
        ["If-None-Match"] = "*" }, body)
  end
  local since = last_seq - 100 + (counter % 100)
  return wrk.format("GET", "/collections/reports/items?since_seq=" .. since .. "&limit=100",
    { ["Authorization"] = "Bearer " .. token })
end

statuses = {}
function response (status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done (summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    local s = t:get("statuses")
    for k, v in pairs(s) do total[k] = (total[k] or 0) + v end
  end
  for k, v in pairs(total) do io.write(string.format("status %d: %d\n", k, v)) end
end
LUA
wrk -t2 -c50 -d"${DURATION}s" --latency -s "$TMP/mix.lua" "$URL" > "$TMP/wrk-mix.txt" 2>&1 ||
  fail "wrk (mix) failed: $(cat "$TMP/wrk-mix.txt")"
read -r M_RPS M_P99 M_BAD < <(wrk_figures "$TMP/wrk-mix.txt")
M_STATUS=$(grep '^status ' "$TMP/wrk-mix.txt" | sort | tr '\n' ' ')
echo "(d2) 3 feed pulls : 1 PUT, 50 connections: $M_RPS requests/s, p99 $M_P99, non-2xx $M_BAD ($M_STATUS)"
CREATED=$(curl -sS -H "$AUTH" "$URL/collections/reports/items?limit=1" | sed -n 's/.*"numberMatched":\([0-9]*\).*/\1/p')

kill -TERM "$PID"; wait "$PID"; STATUS=$?; PID=
[ "$STATUS" -eq 0 ] || echo "warning: the server exited with $STATUS" >&2

echo
echo "== bosai-central benchmark ($N reports, loopback, $(nproc) CPUs) =="
printf '%-46s %s\n' "generate $N demo reports (GeoJSON)" "${T_GEN} s"
printf '%-46s %s\n' "bosai-central import" "${T_IMPORT} s"
printf '%-46s %s\n' "floor: curl, $pages pages of $PAGE" "${T_CURL} s"
printf '%-46s %s\n' "floor: sqlite3 shell import of the pages" "${T_SQLITE} s"
printf '%-46s %s\n' "floor total" "${T_FLOOR} s"
printf '%-46s %s\n' "client first full sync (--sync-once)" "${T_CLIENT} s ($CLIENT_ROWS rows)"
printf '%-46s %s\n' "client / floor (target <= 2)" "$RATIO"
printf '%-46s %s\n' "load: read pages of 100, 50 conn, ${DURATION}s" "$R_RPS req/s, p99 $R_P99, non-2xx $R_BAD"
printf '%-46s %s\n' "load: 3 pulls : 1 PUT, 50 conn, ${DURATION}s" "$M_RPS req/s, p99 $M_P99, non-2xx $M_BAD"
printf '%-46s %s\n' "reports on the server afterwards" "${CREATED:-?}"
printf '%-46s %s\n' "machine load (uptime)" "$(uptime | sed 's/.*load average: //')"
