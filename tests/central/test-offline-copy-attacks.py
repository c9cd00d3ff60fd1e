#!/usr/bin/env python3
# test-offline-copy-attacks.py
#
# Copyright 2026 The Bosai Desk Authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Attacks on "Save This Area for Offline Use" (BdOfflineCopy, through
# offline-copy-tool), over real HTTP on loopback against a small server
# that counts every request:
#  - the copy killed with SIGKILL midway: the file passes SQLite's
#    integrity check and opens in GDAL, every tile in it is whole and the
#    server's byte for byte, and resuming fetches no tile twice beyond those
#    in flight at the kill;
#  - two copies into one file at once: the second is refused at once with
#    an error naming the file, the first finishes a correct file; a copy
#    while a reader (as the app showing the file) has it open;
#  - garbage for some tiles (not an image, cut short, a short body, 50 MB
#    with and without a length, 500, no answer): each counted failed by
#    reason, none stored, memory bounded, the copy finishes; and one
#    cancelled while a tile never answers ends at once.
#
# Usage: test-offline-copy-attacks.py OFFLINE_COPY_TOOL (TAP output)

import http.server
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mbtiles_util  # noqa: E402

TOOL = sys.argv[1]
BOUNDS = (135.45, 34.64, 135.55, 34.72)
ZOOMS = range(10, 17)
IN_FLIGHT = 4        # BD_OFFLINE_COPY_IN_FLIGHT
results = []


def check(name, ok, detail=''):
    results.append(bool(ok))
    print('%s %d - %s' % ('ok' if ok else 'not ok', len(results), name))
    if detail and not ok:
        for line in str(detail).splitlines():
            print('# ' + line)
    sys.stdout.flush()


ORDER = [(z, x, y) for z in ZOOMS for x, y in mbtiles_util.tiles_in(BOUNDS, z)]
ORIGINAL = {key: mbtiles_util.tile_png(*key) for key in ORDER}


class Tiles(http.server.BaseHTTPRequestHandler):
    """The city's tile list and tiles; counts requests; some tiles hostile."""
    protocol_version = 'HTTP/1.1'
    hits = {}
    lock = threading.Lock()
    delay = 0.0
    hostile = {}          # (z, x, y) -> kind
    release = threading.Event()

    def send_body(self, body, content_type='image/png', status=200):
        self.send_response(status)
        self.send_header('Content-Type', content_type)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        try:
            self.answer()
        except (BrokenPipeError, ConnectionResetError):
            pass

    def answer(self):
        if self.path == '/tiles':
            port = self.server.server_port
            self.send_body(json.dumps({'tilesets': [{
                'name': 'city', 'bounds': list(BOUNDS), 'minzoom': min(ZOOMS),
                'maxzoom': max(ZOOMS), 'attribution': '大阪市', 'format': 'png',
                'overlay': False,
                'url': 'http://127.0.0.1:%d/tiles/city/{z}/{x}/{y}' % port}]}).encode(),
                'application/json')
            return
        parts = self.path.split('/')
        key = tuple(int(v) for v in parts[3:6])
        with Tiles.lock:
            Tiles.hits[key] = Tiles.hits.get(key, 0) + 1
        if Tiles.delay:
            time.sleep(Tiles.delay)
        kind = Tiles.hostile.get(key)
        body = ORIGINAL.get(key)
        if body is None:
            self.send_body(b'', status=404)
        elif kind is None:
            self.send_body(body)
        elif kind == 'not-image':
            self.send_body(b'<html><body>Service Unavailable</body></html>')
        elif kind == 'truncated':
            self.send_body(body[:len(body) // 2])
        elif kind == 'short-body':
            # says the whole length, sends half and hangs up
            self.send_response(200)
            self.send_header('Content-Type', 'image/png')
            self.send_header('Content-Length', str(len(body)))
            self.end_headers()
            self.wfile.write(body[:len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
        elif kind == 'huge':
            self.send_response(200)
            self.send_header('Content-Type', 'image/png')
            self.send_header('Content-Length', str(50 << 20))
            self.end_headers()
            chunk = body + b'\0' * (1 << 20)
            for _ in range(50):
                self.wfile.write(chunk[:1 << 20])
        elif kind == 'huge-chunked':
            self.send_response(200)
            self.send_header('Content-Type', 'image/png')
            self.send_header('Transfer-Encoding', 'chunked')
            self.end_headers()
            block = b'\0' * (1 << 20)
            for _ in range(50):
                self.wfile.write(b'%x\r\n' % len(block) + block + b'\r\n')
            self.wfile.write(b'0\r\n\r\n')
        elif kind == 'error':
            self.send_body(b'Internal Server Error', 'text/plain', status=500)
        elif kind == 'silent':
            Tiles.release.wait(120)
            self.close_connection = True

    def log_message(self, *args):
        pass


def reset(delay=0.0, hostile=None):
    with Tiles.lock:
        Tiles.hits = {}
    Tiles.delay = delay
    Tiles.hostile = hostile or {}


def tool_args(base, out, cancel_after=None):
    args = [TOOL, base, 'token', 'city', out, ','.join(str(v) for v in BOUNDS),
            str(min(ZOOMS)), str(max(ZOOMS))]
    if cancel_after:
        args.append(str(cancel_after))
    return args


def parse(text):
    values = {}
    for line in text.splitlines():
        key, _, value = line.partition(' ')
        values[key] = value
    return values


def run(base, out, cancel_after=None, env=None, timeout=120):
    """Runs the tool; returns (status, values, text, seconds, its max RSS in KB)."""
    start = time.monotonic()
    proc = subprocess.Popen(tool_args(base, out, cancel_after), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    texts = {}
    readers = [threading.Thread(target=lambda n=n, f=f: texts.__setitem__(n, f.read()))
               for n, f in (('out', proc.stdout), ('err', proc.stderr))]
    for t in readers:
        t.start()
    timer = threading.Timer(timeout, proc.kill)
    timer.start()
    _, status, usage = os.wait4(proc.pid, 0)
    timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    for t in readers:
        t.join()
    seconds = time.monotonic() - start
    return (proc.returncode, parse(texts['out']), texts['out'] + texts['err'], seconds,
            usage.ru_maxrss)


def read_tiles(path):
    with sqlite3.connect(path) as conn:
        return {(z, x, 2 ** z - 1 - row): bytes(data) for z, x, row, data in
                conn.execute('SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles')}


def integrity(path):
    with sqlite3.connect(path) as conn:
        return conn.execute('PRAGMA integrity_check').fetchone()[0]


def gdal_opens(path):
    if not shutil.which('gdalinfo'):
        return None
    info = subprocess.run(['gdalinfo', path], capture_output=True, text=True)
    return info.returncode == 0 and 'Driver: MBTiles' in info.stdout


def served():
    with Tiles.lock:
        return sum(Tiles.hits.values())


tmp = tempfile.mkdtemp(prefix='bd-copy-attacks-')
httpd = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Tiles)
httpd.daemon_threads = True
threading.Thread(target=httpd.serve_forever, daemon=True).start()
base = 'http://127.0.0.1:%d' % httpd.server_port
total = len(ORDER)
print('# %d tiles at zooms %d-%d' % (total, min(ZOOMS), max(ZOOMS)))
try:
    # ---------------------------------------------------- SIGKILL midway
    killed = os.path.join(tmp, 'killed.mbtiles')
    reset(delay=0.01)
    proc = subprocess.Popen(tool_args(base, killed), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while served() < total // 3 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.005)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    first_hits = dict(Tiles.hits)
    check('the copy is killed midway', proc.returncode == -signal.SIGKILL and
          total // 3 <= sum(first_hits.values()) < total, '%d of %d requested' %
          (sum(first_hits.values()), total))
    opens = gdal_opens(killed)
    if opens is None:
        check('GDAL opens the killed copy # SKIP gdalinfo missing', True)
    else:
        check('GDAL opens the killed copy as MBTiles', opens)
    check('the killed copy passes SQLite\'s integrity check', integrity(killed) == 'ok')
    kept = read_tiles(killed)
    check('every tile in it is whole and the server\'s, byte for byte',
          len(kept) > 0 and all(ORIGINAL[k] == v for k, v in kept.items()),
          '%d kept' % len(kept))
    check('all but those in flight at the kill were kept (%d of %d requested)'
          % (len(kept), len(first_hits)),
          len(first_hits) - IN_FLIGHT <= len(kept) <= len(first_hits))
    reset()
    status, values, text, _, _ = run(base, killed)
    again = [k for k in Tiles.hits if k in first_hits]
    check('resumed, the copy finishes', values.get('result') == 'ok' and
          int(values.get('skipped', '-1')) == len(kept) and
          int(values.get('fetched', '-1')) == total - len(kept), text)
    check('no tile fetched twice but those in flight at the kill (%d again)' % len(again),
          len(again) <= IN_FLIGHT and all(k not in kept for k in again) and
          max(Tiles.hits.values(), default=0) == 1, again)
    check('and the file is whole', read_tiles(killed) == ORIGINAL and integrity(killed) == 'ok')
    check('no lock left beside it', not os.path.exists(killed + '-lock') and
          not os.path.exists(killed + '-wal'), os.listdir(tmp))

    # ---------------------------------------------------- two writers
    both = os.path.join(tmp, 'both.mbtiles')
    reset(delay=0.01)
    first = subprocess.Popen(tool_args(base, both), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    while served() < 20 and first.poll() is None:
        time.sleep(0.005)
    status, values, text, seconds, _ = run(base, both)
    check('a second copy into the same file is refused at once, naming the file',
          status == 1 and values.get('result', '').startswith('error:') and both in text and
          'another copy' in text and seconds < 5, text)
    out, err = first.communicate(timeout=120)
    values = parse(out)
    check('the first copy finishes', values.get('result') == 'ok' and
          values.get('fetched') == str(total), out + err)
    check('and its file is whole', read_tiles(both) == ORIGINAL and integrity(both) == 'ok')
    reset()
    status, values, text, _, _ = run(base, both)
    check('after it, a copy into the file runs (nothing left to fetch)',
          values.get('result') == 'ok' and values.get('fetched') == '0', text)

    # a reader has the file open, as the app showing it as its offline map
    shown = os.path.join(tmp, 'shown.mbtiles')
    reset()
    run(base, shown, cancel_after=30)
    reader = sqlite3.connect('file:%s?mode=ro' % shown, uri=True, check_same_thread=False)
    seen = len(reader.execute('SELECT tile_data FROM tiles').fetchall())
    stop = threading.Event()
    reads = []
    errors = []

    def read_loop():
        while not stop.is_set():
            try:
                reads.append(reader.execute('SELECT COUNT (*) FROM tiles').fetchone()[0])
            except sqlite3.Error as e:
                errors.append(str(e))
            time.sleep(0.002)

    thread = threading.Thread(target=read_loop)
    thread.start()
    reset(delay=0.002)
    status, values, text, _, _ = run(base, shown)
    stop.set()
    thread.join()
    check('a copy into a file a reader has open finishes', values.get('result') == 'ok' and
          int(values.get('fetched', '0')) == total - seen, text)
    check('the reader read all along, without an error (%d reads)' % len(reads),
          len(reads) > 10 and not errors and reads == sorted(reads), errors[:3])
    check('and it sees every tile', reader.execute('SELECT COUNT (*) FROM tiles').fetchone()[0]
          == total)
    reader.close()
    check('the file is whole', read_tiles(shown) == ORIGINAL and integrity(shown) == 'ok')

    # ---------------------------------------------------- garbage
    kinds = ['not-image', 'truncated', 'short-body', 'huge', 'huge-chunked', 'error', 'silent']
    reasons = {'not-image': 'not-image', 'truncated': 'truncated', 'short-body': 'network',
               'huge': 'too-large', 'huge-chunked': 'too-large', 'error': 'status',
               'silent': 'timeout'}
    # spread out: never BD_OFFLINE_COPY_MAX_FAILURES in a row
    hostile = {ORDER[10 + 17 * i]: kind for i, kind in enumerate(kinds * 2)}
    garbage = os.path.join(tmp, 'garbage.mbtiles')
    reset(hostile=hostile)
    env = dict(os.environ, BD_TILE_TIMEOUT_MS='2000')
    status, values, text, seconds, rss = run(base, garbage, env=env, timeout=90)
    check('with garbage for %d tiles the copy finishes (%.1f s)' % (len(hostile), seconds),
          values.get('result') == 'ok' and seconds < 60, text)
    check('each is counted failed', values.get('failed') == str(len(hostile)) and
          int(values.get('fetched', '0')) == total - len(hostile), text)
    expected = {}
    for kind in hostile.values():
        expected[reasons[kind]] = expected.get(reasons[kind], 0) + 1
    got = {r: int(values.get('failed_' + r, '0')) for r in set(reasons.values())}
    check('with its reason', got == expected, 'got %s, expected %s' % (got, expected))
    stored = read_tiles(garbage)
    check('none of them is stored, every other tile is',
          set(stored) == set(ORDER) - set(hostile) and
          all(ORIGINAL[k] == v for k, v in stored.items()))
    print('# offline_copy_garbage_max_rss_kb %d' % rss)
    check('memory stays bounded (max RSS %d KB, 50 MB bodies refused)' % rss, rss < 80 * 1024)
    reset()
    status, values, text, _, _ = run(base, garbage)
    check('a later run fetches just those', values.get('result') == 'ok' and
          values.get('fetched') == str(len(hostile)) and read_tiles(garbage) == ORIGINAL, text)

    # every tile garbage: gives up, not forever
    reset(hostile={k: 'not-image' for k in ORDER})
    status, values, text, seconds, _ = run(base, os.path.join(tmp, 'all-bad.mbtiles'))
    check('a server of nothing but garbage: the copy gives up with a reason',
          values.get('result', '').startswith('error:') and 'usable' in text and
          int(values.get('failed', '0')) < 20 and values.get('fetched') == '0', text)

    # cancelled while tiles never answer (the default 30 s timeout)
    silent = {ORDER[i]: 'silent' for i in range(40, 43)}
    reset(hostile=silent)
    Tiles.release.clear()
    status, values, text, seconds, _ = run(base, os.path.join(tmp, 'cancel.mbtiles'),
                                        cancel_after=60)
    check('cancelled while tiles never answer, the copy ends at once (%.1f s)' % seconds,
          values.get('result') == 'cancelled' and seconds < 10, text)
    Tiles.release.set()
finally:
    Tiles.release.set()
    httpd.shutdown()
    shutil.rmtree(tmp, ignore_errors=True)

print('1..%d' % len(results))
sys.exit(0 if all(results) else 1)
