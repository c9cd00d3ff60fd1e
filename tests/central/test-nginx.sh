#!/bin/bash
# test-nginx.sh
#
# Copyright 2026 The Bosai Desk Authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# bosai-central behind a real nginx on loopback that terminates TLS with a
# self-signed certificate (as src/central/nginx.conf describes): the API
# answers through TLS, absolute links name https://localhost:PORT (the
# forwarded headers are honoured), a report can be posted, and a client that
# does not trust the certificate is refused. When bosai-desk has --sync-once,
# a client told to trust the certificate (--ca-file) pulls the posted report
# and one that is not told fails with a TLS error. Fails (never skips) without
# nginx, openssl or curl: the Makefile installs them.
#
# Usage: test-nginx.sh BOSAI-CENTRAL [BOSAI-DESK]

set -u

CENTRAL=${1:-${BOSAI_CENTRAL:-}}
DESK=${2:-${BOSAI_DESK:-}}

fail () {
  echo "FAIL: $*" >&2
  exit 1
}

[ -x "$CENTRAL" ] || fail "bosai-central not found (got '$CENTRAL')"
NGINX=$(command -v nginx || ls /usr/sbin/nginx 2>/dev/null) || true
[ -n "$NGINX" ] && [ -x "$NGINX" ] || fail "nginx is missing: install nginx-light"
for tool in openssl curl python3; do
  command -v "$tool" >/dev/null || fail "$tool is missing"
done

# loopback only, never through a proxy
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
export NO_PROXY='*' no_proxy='*'

TMP=$(mktemp -d "${TMPDIR:-/tmp}/bd-nginx-XXXXXX") || fail "no temporary folder"
PID=
NGINX_PID=
cleanup () {
  if [ -n "$NGINX_PID" ]; then kill "$NGINX_PID" 2>/dev/null; wait "$NGINX_PID" 2>/dev/null; fi
  if [ -n "$PID" ]; then kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; fi
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# A free loopback port (the kernel's choice; nginx binds it right after).
free_port () {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# --- the certificate ------------------------------------------------------
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
  -keyout "$TMP/key.pem" -out "$TMP/cert.pem" > "$TMP/openssl.log" 2>&1 ||
  fail "openssl could not make a certificate: $(cat "$TMP/openssl.log")"

# --- the server -----------------------------------------------------------
DB=$TMP/central.sqlite
TOKEN=$("$CENTRAL" token add --database "$DB" --role hq --name nginx-test | tail -n 1 | awk '{print $NF}')
[ ${#TOKEN} -ge 20 ] || fail "token add printed no token"

"$CENTRAL" serve --database "$DB" --port 0 > "$TMP/serve.log" 2>&1 &
PID=$!
UPSTREAM=
for _ in $(seq 1 100); do
  UPSTREAM=$(sed -n 's|^listening on http://127\.0\.0\.1:\([0-9]*\)/$|\1|p' "$TMP/serve.log")
  [ -n "$UPSTREAM" ] && break
  kill -0 "$PID" 2>/dev/null || break
  sleep 0.1
done
[ -n "$UPSTREAM" ] || fail "the server did not start: $(cat "$TMP/serve.log")"

# --- nginx ----------------------------------------------------------------
# The site of src/central/nginx.conf, with every path inside $TMP. The
# forwarded host is $http_host (with the port): the example listens on 443,
# where $host is enough; here the port is a random one.
write_conf () {
  cat > "$TMP/nginx.conf" <<CONF
worker_processes 1;
pid $TMP/nginx.pid;
error_log $TMP/error.log info;
events { worker_connections 256; }
http {
    access_log $TMP/access.log;
    client_body_temp_path $TMP/client_body;
    proxy_temp_path $TMP/proxy;
    fastcgi_temp_path $TMP/fastcgi;
    uwsgi_temp_path $TMP/uwsgi;
    scgi_temp_path $TMP/scgi;

    upstream bosai_central {
        server 127.0.0.1:$UPSTREAM;
        keepalive 32;
    }
    server {
        listen 127.0.0.1:$1 ssl;
        server_name localhost;
        ssl_certificate     $TMP/cert.pem;
        ssl_certificate_key $TMP/key.pem;
        ssl_protocols       TLSv1.2 TLSv1.3;

        client_max_body_size 1m;
        client_body_timeout 30s;
        client_header_timeout 15s;

        location / {
            proxy_pass http://bosai_central;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host \$http_host;
            proxy_set_header X-Forwarded-Proto \$scheme;
            proxy_set_header X-Forwarded-Host \$http_host;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_request_buffering on;
            proxy_read_timeout 60s;
            proxy_intercept_errors off;
        }
    }
}
CONF
}

PORT=
for _ in 1 2 3 4 5; do
  try=$(free_port) || fail "no free port"
  write_conf "$try"
  "$NGINX" -p "$TMP" -c "$TMP/nginx.conf" -g 'daemon off;' > "$TMP/nginx.out" 2>&1 &
  NGINX_PID=$!
  for _ in $(seq 1 50); do
    if curl -s -o /dev/null --cacert "$TMP/cert.pem" "https://localhost:$try/" 2>/dev/null; then
      PORT=$try
      break
    fi
    kill -0 "$NGINX_PID" 2>/dev/null || break
    sleep 0.1
  done
  [ -n "$PORT" ] && break
  kill "$NGINX_PID" 2>/dev/null; wait "$NGINX_PID" 2>/dev/null
  NGINX_PID=
done
[ -n "$PORT" ] || fail "nginx did not start: $(cat "$TMP/nginx.out" "$TMP/error.log" 2>/dev/null | tail -n 20)"
BASE=https://localhost:$PORT
AUTH="Authorization: Bearer $TOKEN"

# --- the API through TLS --------------------------------------------------
code=$(curl -sS -o "$TMP/collections.json" -w '%{http_code}' --cacert "$TMP/cert.pem" \
  -H "$AUTH" "$BASE/collections") || fail "curl through TLS failed"
[ "$code" = 200 ] || fail "GET /collections through nginx gave $code: $(cat "$TMP/collections.json")"
grep -q '"reports"' "$TMP/collections.json" || fail "no reports collection: $(cat "$TMP/collections.json")"
grep -q "\"$BASE/collections/reports" "$TMP/collections.json" ||
  fail "links do not name $BASE: $(head -c 600 "$TMP/collections.json")"
grep -q 'http://127\.0\.0\.1' "$TMP/collections.json" && fail "the upstream address leaked into links"

code=$(curl -sS -o /dev/null -w '%{http_code}' --cacert "$TMP/cert.pem" "$BASE/collections/reports/items")
[ "$code" = 401 ] || fail "no token through nginx gave $code, not 401"

# --- post reports (three, then page by 2 to see a next link) ---------------
post_report () {
  printf '{"type":"Feature","id":"%s",' "$1"
  printf '"geometry":{"type":"Point","coordinates":[135.50%d,34.69]},' "$2"
  printf '"properties":{"ward":"271276","category":"fire","severity":2,"status":"new",'
  printf '"title":"Through nginx %d","observed_at":"2026-09-01T09:00:00+09:00",' "$2"
  printf '"created_at":"2026-09-01T09:00:00+09:00","updated_at":"2026-09-01T09:00:00+09:00"}}'
}
for i in 1 2 3; do
  id=$(printf '6e61c000-0000-4000-8000-%012d' "$i")
  post_report "$id" "$i" > "$TMP/report$i.json"
  code=$(curl -sS -o "$TMP/post$i.out" -D "$TMP/post$i.hdr" -w '%{http_code}' --cacert "$TMP/cert.pem" \
    -H "$AUTH" -H 'Content-Type: application/geo+json' --data-binary "@$TMP/report$i.json" \
    "$BASE/collections/reports/items") || fail "POST through TLS failed"
  [ "$code" = 201 ] || fail "POST of a report through nginx gave $code: $(cat "$TMP/post$i.out")"
done
grep -qi "^location: $BASE/collections/reports/items/" "$TMP/post1.hdr" ||
  fail "Location does not name $BASE: $(cat "$TMP/post1.hdr")"

code=$(curl -sS -o "$TMP/page.json" -w '%{http_code}' --cacert "$TMP/cert.pem" -H "$AUTH" \
  "$BASE/collections/reports/items?since_seq=0&limit=2") || fail "GET items through TLS failed"
[ "$code" = 200 ] || fail "GET items gave $code: $(cat "$TMP/page.json")"
grep -q 'Through nginx 1' "$TMP/page.json" || fail "the posted report is not in the feed"
python3 - "$TMP/page.json" "$BASE" <<'PY' || fail "next link: $(head -c 800 "$TMP/page.json")"
import json, sys
page = json.load(open(sys.argv[1]))
nxt = [l["href"] for l in page["links"] if l.get("rel") == "next"]
assert nxt, "no next link"
assert nxt[0].startswith(sys.argv[2] + "/collections/reports/items?"), nxt[0]
PY
NEXT=$(python3 -c 'import json,sys; print([l["href"] for l in json.load(open(sys.argv[1]))["links"] if l.get("rel")=="next"][0])' "$TMP/page.json")
curl -sS -o "$TMP/page2.json" --cacert "$TMP/cert.pem" -H "$AUTH" "$NEXT" || fail "following next through TLS failed"
grep -q 'Through nginx 3' "$TMP/page2.json" || fail "the next page lacks the third report: $(head -c 600 "$TMP/page2.json")"

# a body over client_max_body_size is refused by nginx
head -c 1200000 /dev/zero | tr '\0' ' ' > "$TMP/big.json"
code=$(curl -sS -o /dev/null -w '%{http_code}' --cacert "$TMP/cert.pem" -H "$AUTH" \
  -H 'Content-Type: application/geo+json' --data-binary "@$TMP/big.json" "$BASE/collections/reports/items")
[ "$code" = 413 ] || fail "a 1.2 MB body gave $code, not 413"

# --- an untrusted certificate is refused ------------------------------------
if curl -sS -o /dev/null -H "$AUTH" "$BASE/collections" 2> "$TMP/untrusted.err"; then
  fail "curl without --cacert trusted the self-signed certificate"
fi
grep -qi 'certificate' "$TMP/untrusted.err" || fail "curl failed, but not on the certificate: $(cat "$TMP/untrusted.err")"

# --- the client (once bosai-desk has --sync-once and --ca-file) -------------
CLIENT=skipped
if [ -n "$DESK" ] && [ -x "$DESK" ] && "$DESK" --help-all 2>/dev/null | grep -q -- '--sync-once' &&
   "$DESK" --help-all 2>/dev/null | grep -q -- '--ca-file'; then
  export GSETTINGS_BACKEND=memory
  "$DESK" --database "$TMP/client-a.sqlite" --server "$BASE" --token "$TOKEN" \
    --ca-file "$TMP/cert.pem" --sync-once > "$TMP/client-a.log" 2>&1 ||
    fail "bosai-desk --sync-once with --ca-file failed: $(tail -n 20 "$TMP/client-a.log")"
  n=$(sqlite3 "$TMP/client-a.sqlite" \
      "SELECT count(*) FROM reports WHERE id LIKE '6e61c000-%'" 2>/dev/null || echo 0)
  [ "$n" = 3 ] || fail "the client pulled $n of the 3 posted reports"
  if "$DESK" --database "$TMP/client-b.sqlite" --server "$BASE" --token "$TOKEN" \
       --sync-once > "$TMP/client-b.log" 2>&1; then
    fail "bosai-desk --sync-once trusted the self-signed certificate without --ca-file"
  fi
  grep -qiE 'tls|certificate' "$TMP/client-b.log" ||
    fail "bosai-desk failed without --ca-file, but not with a TLS error: $(tail -n 5 "$TMP/client-b.log")"
  CLIENT=ok
fi

grep -q "$TOKEN" "$TMP/serve.log" "$TMP/access.log" 2>/dev/null && fail "a token was logged"

kill -TERM "$PID"; wait "$PID"; STATUS=$?; PID=
[ "$STATUS" -eq 0 ] || fail "the server exited with $STATUS"

echo "ok: TLS through nginx on port $PORT (collections, links, POST, paging, 413, untrusted refused); client sync: $CLIENT"
