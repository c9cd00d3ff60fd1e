#!/bin/sh
# test-cli.sh — bosai-desk --import and --sync-once against a real
# bosai-central (TAP). Arguments: BOSAI_CENTRAL BOSAI_DESK
#
# Copyright 2026 The Bosai Desk Authors
# SPDX-License-Identifier: GPL-3.0-or-later

central=$1
export NO_PROXY="*" no_proxy="*"
desk=$2
dir=$(mktemp -d)
pid=
cleanup () { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
n=0
ok () { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n $2"; else echo "not ok $n $2"; fi; }

echo "1..12"
token=$("$central" token add --database "$dir/c.db" --role hq --name cli | tail -n 1 | awk '{print $NF}')
"$central" serve --database "$dir/c.db" --port 0 > "$dir/out" 2>&1 &
pid=$!
i=0
while [ ! -s "$dir/out" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
url=$(head -n 1 "$dir/out" | sed 's/^listening on //')

cat > "$dir/r.geojson" <<'JSON'
{"type":"FeatureCollection","features":[{"type":"Feature","id":"11111111-2222-4333-8444-555555555555","geometry":{"type":"Point","coordinates":[135.50,34.70]},"properties":{"ward":"271276","category":"road","title":"冠水","description":"現地確認中。","reporter":"北区","status":"new","severity":2,"observed_at":"2026-11-27T10:00:00+09:00","created_at":"2026-11-27T10:00:00+09:00","updated_at":"2026-11-27T10:00:00+09:00"}}]}
JSON

"$desk" --database "$dir/a.db" --import "$dir/r.geojson" > /dev/null
ok $? "import exits 0"
"$desk" --database "$dir/a.db" --server "$url" --token "$token" --sync-once
ok $? "sync-once pushes and exits 0"
BOSAI_TOKEN=$token "$desk" --database "$dir/b.db" --server "$url" --sync-once
ok $? "a second client pulls with BOSAI_TOKEN"
[ "$(sqlite3 "$dir/b.db" 'SELECT count(*) FROM reports')" = 1 ]
ok $? "the second client holds the report"

sed -i 's/冠水/冠水（更新）/' "$dir/r.geojson"
"$desk" --database "$dir/a.db" --server http://127.0.0.1:9 --token "$token" \
  --import "$dir/r.geojson" --sync-once 2> "$dir/err" > /dev/null
status=$?
[ $status -ne 0 ] && grep -q "cannot reach the server" "$dir/err"
ok $? "server down: non-zero exit with the reason"
[ "$(sqlite3 "$dir/a.db" 'SELECT count(*) FROM outbox')" = 1 ]
ok $? "server down: the local change is kept"
"$desk" --database "$dir/a.db" --server "$url" --token "$token" --sync-once &&
  [ "$(sqlite3 "$dir/a.db" 'SELECT count(*) FROM outbox')" = 0 ]
ok $? "the next sync-once catches up"

# the same title changed by both: B's --sync-once stops at the conflict
sed 's/冠水（更新）/冠水（A）/' "$dir/r.geojson" > "$dir/ra.geojson"
sed 's/冠水（更新）/冠水（B）/' "$dir/r.geojson" > "$dir/rb.geojson"
"$desk" --database "$dir/b.db" --server "$url" --token "$token" --sync-once &&
  "$desk" --database "$dir/a.db" --server "$url" --token "$token" --import "$dir/ra.geojson" --sync-once > /dev/null
ok $? "A changes the title and syncs"
"$desk" --database "$dir/b.db" --server "$url" --token "$token" --import "$dir/rb.geojson" \
  --sync-once 2> "$dir/err" > /dev/null
status=$?
[ $status -ne 0 ] && grep -q "settled" "$dir/err"
ok $? "B's change of the same title: non-zero exit naming the conflict"
[ "$(sqlite3 "$dir/b.db" "SELECT field FROM conflicts")" = title ] &&
  [ "$(sqlite3 "$dir/b.db" "SELECT title FROM reports")" = "冠水（B）" ] &&
  [ "$(sqlite3 "$dir/b.db" 'SELECT count(*) FROM outbox')" = 1 ]
ok $? "B keeps its own value, the server's is its base, the change waits"

# a hostile server: a change-feed page of 100,000 nested arrays (200 KB)
cat > "$dir/hostile.py" <<'PY'
import http.server, sys
page = ('{"type":"FeatureCollection","features":' + '[' * 100000 + ']' * 100000 +
        ',"next_since_seq":1}').encode()
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header('Content-Type', 'application/geo+json')
        self.send_header('Content-Length', str(len(page)))
        self.end_headers()
        self.wfile.write(page)
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(('127.0.0.1', 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
PY
/usr/bin/python3 "$dir/hostile.py" > "$dir/hostile.port" &
hostile=$!
i=0
while [ ! -s "$dir/hostile.port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
"$desk" --database "$dir/h.db" --server "http://127.0.0.1:$(cat "$dir/hostile.port")/" \
  --token "$token" --sync-once 2> "$dir/err" > /dev/null
status=$?
kill "$hostile" 2>/dev/null
[ $status -eq 1 ] && grep -q "malformed answer" "$dir/err"
ok $? "a feed page nested 100,000 deep: exit 1 with the reason, no crash (status $status)"
[ "$(sqlite3 "$dir/h.db" "SELECT count(*) FROM sync_state WHERE key = 'cursor'")" = 0 ]
ok $? "a feed page nested 100,000 deep: the cursor is not moved"
