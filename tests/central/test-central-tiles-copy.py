#!/usr/bin/env python3
# test-central-tiles-copy.py
#
# Copyright 2026 The Bosai Desk Authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# "Save This Area for Offline Use" (BdOfflineCopy, through
# offline-copy-tool) against a real bosai-central: the local MBTiles file
# holds the server's tiles byte for byte and opens in GDAL; a cancelled copy
# keeps what it copied and a second run fetches only the rest; a list that
# points elsewhere is never followed; a refused token stops the copy.
#
# Usage: test-central-tiles-copy.py BOSAI_CENTRAL OFFLINE_COPY_TOOL (TAP output)

import http.server
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mbtiles_util  # noqa: E402

CENTRAL, TOOL = sys.argv[1], sys.argv[2]
BOUNDS = (135.45, 34.64, 135.55, 34.72)
results = []


def check(name, ok, detail=''):
    results.append(ok)
    print('%s %d - %s' % ('ok' if ok else 'not ok', len(results), name))
    if detail and not ok:
        for line in str(detail).splitlines():
            print('# ' + line)


def copy(base, token, out, zmin=10, zmax=15, cancel_after=None, name='city'):
    args = [TOOL, base, token, name, out, ','.join(str(v) for v in BOUNDS), str(zmin), str(zmax)]
    if cancel_after:
        args.append(str(cancel_after))
    proc = subprocess.run(args, capture_output=True, text=True, timeout=120)
    values = {}
    for line in proc.stdout.splitlines():
        key, _, value = line.partition(' ')
        values[key] = value
    return proc.returncode, values, proc.stdout + proc.stderr


def read_tiles(path):
    with sqlite3.connect(path) as conn:
        return {(z, x, 2 ** z - 1 - row): bytes(data) for z, x, row, data in
                conn.execute('SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles')}


class Counter(http.server.BaseHTTPRequestHandler):
    """Answers /tiles with a set on another host; counts every request."""
    hits = []
    other = None

    def do_GET(self):
        Counter.hits.append((self.server.server_port, self.path))
        if self.path == '/tiles':
            body = json.dumps({'tilesets': [{
                'name': 'city', 'bounds': list(BOUNDS), 'minzoom': 10, 'maxzoom': 12,
                'attribution': '', 'format': 'png', 'overlay': False,
                'url': 'http://127.0.0.1:%d/tiles/city/{z}/{x}/{y}' % Counter.other}]}).encode()
            self.send_response(200)
            self.send_header('Content-Type', 'application/json')
        else:
            body = mbtiles_util.png(1, 2, 3)
            self.send_response(200)
            self.send_header('Content-Type', 'image/png')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


tmp = tempfile.mkdtemp(prefix='bd-tiles-copy-')
server = None
try:
    db = os.path.join(tmp, 'central.sqlite')
    src = os.path.join(tmp, 'city.mbtiles')
    original = mbtiles_util.make(src, bounds=BOUNDS, zooms=range(10, 16))
    subprocess.run([CENTRAL, 'tiles', 'add', '--database', db, 'city', src], check=True,
                   capture_output=True)
    out = subprocess.run([CENTRAL, 'token', 'add', '--database', db, '--role', 'hq',
                          '--name', 'copy test'], capture_output=True, text=True, check=True)
    token = out.stdout.split()[-1]
    server = subprocess.Popen([CENTRAL, 'serve', '--database', db, '--port', '0'],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    base = server.stdout.readline().decode().split()[-1].rstrip('/')

    # a whole copy
    local = os.path.join(tmp, 'offline.mbtiles')
    status, values, text = copy(base, token, local)
    total = int(values.get('total', '0'))
    check('the copy completes', status == 0 and values.get('result') == 'ok', text)
    check('every tile of the area is fetched', total == len(original) and
          int(values.get('fetched', '-1')) == total and values.get('failed') == '0', text)
    copied = read_tiles(local)
    check('the local file holds the same tiles, byte for byte (TMS rows)', copied == original,
          '%d copied, %d original' % (len(copied), len(original)))
    with sqlite3.connect(local) as conn:
        meta = dict(conn.execute('SELECT name, value FROM metadata'))
    check('its metadata: format, zooms, bounds, attribution',
          meta.get('format') == 'png' and meta.get('minzoom') == '10' and meta.get('maxzoom') == '15'
          and meta.get('attribution') == '大阪市' and len(meta.get('bounds', '').split(',')) == 4, meta)
    if shutil.which('gdalinfo'):
        info = subprocess.run(['gdalinfo', local], capture_output=True, text=True)
        check('GDAL opens it as MBTiles', info.returncode == 0 and 'Driver: MBTiles' in info.stdout,
              info.stdout + info.stderr)
    else:
        check('GDAL opens it as MBTiles # SKIP gdalinfo missing', True)
    print('# offline_copy_tiles_per_s %s' % values.get('offline_copy_tiles_per_s'))

    # again: nothing fetched
    status, values, text = copy(base, token, local)
    check('a second run fetches nothing', values.get('result') == 'ok' and values.get('fetched') == '0'
          and int(values.get('skipped', '0')) == total, text)

    # cancelled, then resumed
    part = os.path.join(tmp, 'part.mbtiles')
    status, values, text = copy(base, token, part, cancel_after=60)
    fetched = int(values.get('fetched', '0'))
    check('a cancelled copy says so', values.get('result') == 'cancelled' and 60 <= fetched < total, text)
    kept = read_tiles(part)
    check('what it copied is kept', len(kept) == fetched and
          all(original[k] == v for k, v in kept.items()), '%d kept, %d fetched' % (len(kept), fetched))
    status, values, text = copy(base, token, part)
    check('resumed: only the rest is fetched', values.get('result') == 'ok'
          and int(values.get('skipped', '0')) == fetched
          and int(values.get('fetched', '0')) == total - fetched, text)
    check('and the file is whole', read_tiles(part) == original)

    # a zoom range: the clip to the set's zooms
    small = os.path.join(tmp, 'small.mbtiles')
    status, values, text = copy(base, token, small, zmin=3, zmax=11)
    check('zooms outside the set are left out', values.get('result') == 'ok' and
          set(z for z, _, _ in read_tiles(small)) == {10, 11}, text)

    # a refused token
    status, values, text = copy(base, 'not-a-token', os.path.join(tmp, 'x.mbtiles'))
    check('a refused token: no list, a clear error', status == 1 and '401' in values.get('result', ''),
          text)

    # a list pointing to another host is not followed
    other = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Counter)
    liar = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Counter)
    Counter.other = other.server_port
    for s in (other, liar):
        threading.Thread(target=s.serve_forever, daemon=True).start()
    status, values, text = copy('http://127.0.0.1:%d' % liar.server_port, token,
                                os.path.join(tmp, 'y.mbtiles'), zmax=12)
    check('a set on another host is not offered', status == 1 and values.get('sets') == '0', text)
    check('the other host got no request',
          [h for h in Counter.hits if h[0] == other.server_port] == [], Counter.hits)
    check('the city server got only its list',
          [h[1] for h in Counter.hits if h[0] == liar.server_port] == ['/tiles'], Counter.hits)
    other.shutdown()
    liar.shutdown()
finally:
    if server:
        server.terminate()
        server.wait(timeout=20)
    shutil.rmtree(tmp, ignore_errors=True)

print('1..%d' % len(results))
sys.exit(0 if all(results) else 1)
