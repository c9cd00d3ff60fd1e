#!/usr/bin/env python3
# test-central-tiles.py
#
# Copyright 2026 The Bosai Desk Authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Map tiles from bosai-central (issue 10, offline maps from the city):
# `tiles add|list|remove` (a corrupt, an empty and a foreign file refused
# with a clear message, nothing recorded), GET /tiles, a tile's bytes with
# the TMS flip, its ETag and 304, 404 and 400, and 401 without a token.
#
# Usage: test-central-tiles.py BOSAI_CENTRAL (TAP output)

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mbtiles_util  # noqa: E402

CENTRAL = sys.argv[1]
results = []


def check(name, ok, detail=''):
    results.append(ok)
    print('%s %d - %s' % ('ok' if ok else 'not ok', len(results), name))
    if detail and not ok:
        for line in str(detail).splitlines():
            print('# ' + line)


def central(*args):
    proc = subprocess.run([CENTRAL] + list(args), capture_output=True, text=True, timeout=60)
    return proc.returncode, proc.stdout + proc.stderr


def get(base, path, token=None, headers=None):
    """(status, headers, body)"""
    h = dict(headers or {})
    if token:
        h['Authorization'] = 'Bearer ' + token
    request = urllib.request.Request(base + path, headers=h)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=10) as answer:
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


tmp = tempfile.mkdtemp(prefix='bd-tiles-')
server = None
try:
    db = os.path.join(tmp, 'central.sqlite')
    src = os.path.join(tmp, 'city.mbtiles')
    tiles = mbtiles_util.make(src)

    # refused files: nothing recorded
    corrupt = os.path.join(tmp, 'corrupt.mbtiles')
    with open(corrupt, 'wb') as f:
        f.write(os.urandom(8192))
    status, text = central('tiles', 'add', '--database', db, 'bad', corrupt)
    check('a corrupt file is refused', status == 1 and 'not an MBTiles file' in text
          and 'not an SQLite database' in text, text)
    empty = os.path.join(tmp, 'empty.mbtiles')
    open(empty, 'wb').close()
    status, text = central('tiles', 'add', '--database', db, 'bad', empty)
    check('an empty file is refused (no table of tiles)',
          status == 1 and 'no table of tiles' in text, text)
    no_tiles = os.path.join(tmp, 'no-tiles.mbtiles')
    mbtiles_util.make(no_tiles, zooms=[])
    status, text = central('tiles', 'add', '--database', db, 'bad', no_tiles)
    check('an MBTiles file holding no tiles is refused', status == 1 and 'holds no tiles' in text, text)
    damaged = os.path.join(tmp, 'damaged.mbtiles')
    shutil.copy(src, damaged)
    size = os.path.getsize(damaged)
    with open(damaged, 'r+b') as f:
        for page in range(4096, size, 4096):   # every b-tree page's header
            f.seek(page)
            f.write(b'\x0d\xff\xff\xff\xff\xff\xff\xff')
    status, text = central('tiles', 'add', '--database', db, 'bad', damaged)
    check('a damaged MBTiles file is refused', status == 1 and ('damaged' in text), text)
    status, text = central('tiles', 'add', '--database', db, '../x', src)
    check('a name with a slash is refused', status == 1 and 'cannot name' in text, text)
    status, text = central('tiles', 'list', '--database', db)
    check('nothing was recorded', status == 0 and text.strip() == '', text)
    check('no copy was left behind',
          not os.path.exists(os.path.join(db + '.tiles', 'bad.mbtiles')) and
          not os.path.exists(os.path.join(db + '.tiles', 'bad.mbtiles.part')))

    # added: a copy beside the database
    status, text = central('tiles', 'add', '--database', db, 'city', src)
    check('tiles add takes a good file', status == 0 and 'zoom 10–12' in text, text)
    check('the file is copied beside the database',
          os.path.exists(os.path.join(db + '.tiles', 'city.mbtiles')))
    status, text = central('tiles', 'add', '--database', db, 'city', src)
    check('a name is taken once', status == 1 and 'exists already' in text, text)
    no_meta = os.path.join(tmp, 'hazard.mbtiles')
    mbtiles_util.make(no_meta, metadata=False, zooms=[11])
    status, text = central('tiles', 'add', '--database', db, '--overlay', 'flood', no_meta)
    check('a file without metadata values: zooms and format from its tiles',
          status == 0 and 'png, zoom 11–11' in text, text)
    os.unlink(src)   # the copy is served, not the original
    status, text = central('tiles', 'list', '--database', db)
    lines = text.strip().splitlines()
    check('tiles list names both', status == 0 and len(lines) == 2 and lines[0].startswith('city\tbase\tpng\t10-12')
          and lines[1].startswith('flood\toverlay'), text)

    out = subprocess.run([CENTRAL, 'token', 'add', '--database', db, '--role', 'ward', '--ward',
                          '271276', '--name', 'tiles test'], capture_output=True, text=True, check=True)
    token = out.stdout.split()[-1]
    server = subprocess.Popen([CENTRAL, 'serve', '--database', db, '--port', '0'],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    line = server.stdout.readline().decode()
    base = line.split()[-1].rstrip('/')

    status, _, _ = get(base, '/tiles')
    check('GET /tiles without a token is 401', status == 401, status)
    status, _, _ = get(base, '/tiles/city/10/0/0')
    check('a tile without a token is 401', status == 401, status)
    status, headers, body = get(base, '/tiles', token)
    listing = json.loads(body) if status == 200 else {}
    sets = {s['name']: s for s in listing.get('tilesets', [])}
    city = sets.get('city', {})
    check('GET /tiles lists the sets', status == 200 and set(sets) == {'city', 'flood'}, body)
    check('a set has bounds, zooms, attribution, format, overlay and URL',
          city.get('minzoom') == 10 and city.get('maxzoom') == 12
          and city.get('attribution') == '大阪市' and city.get('format') == 'png'
          and city.get('overlay') is False and sets['flood']['overlay'] is True
          and [round(v, 2) for v in city.get('bounds', [])] == [135.4, 34.6, 135.6, 34.75]
          and city.get('url') == base + '/tiles/city/{z}/{x}/{y}', city)

    (z, x, y), data = sorted(tiles.items())[5]
    status, headers, body = get(base, '/tiles/city/%d/%d/%d' % (z, x, y), token)
    check('a tile answers its bytes (XYZ, the row flipped)', status == 200 and body == data,
          '%s %d' % (status, len(body)))
    check('a tile is image/png', headers.get('Content-Type') == 'image/png', headers)
    etag = headers.get('ETag', '')
    check('a tile has an ETag and Cache-Control',
          etag.startswith('"') and len(etag) > 10 and 'max-age' in headers.get('Cache-Control', ''),
          headers)
    status, headers, body = get(base, '/tiles/city/%d/%d/%d.png' % (z, x, y), token)
    check('y.png names the same tile', status == 200 and body == data, status)
    status, headers, body = get(base, '/tiles/city/%d/%d/%d' % (z, x, y), token,
                                {'If-None-Match': etag})
    check('If-None-Match with its ETag is 304', status == 304 and body == b'', status)
    status, _, _ = get(base, '/tiles/city/%d/%d/%d' % (z, x, y), token,
                       {'If-None-Match': '"other"'})
    check('another ETag is 200', status == 200, status)
    other = sorted(tiles.items())[6]
    status, h2, _ = get(base, '/tiles/city/%d/%d/%d' % other[0], token)
    check('two tiles have two ETags', status == 200 and h2.get('ETag') != etag, h2)
    status, _, _ = get(base, '/tiles/city/3/0/0', token)
    check('a tile the set lacks is 404', status == 404, status)
    status, _, _ = get(base, '/tiles/nosuch/10/0/0', token)
    check('a set that does not exist is 404', status == 404, status)
    for path in ('/tiles/city/10/1024/0', '/tiles/city/25/0/0', '/tiles/city/a/0/0',
                 '/tiles/city/10/-1/0', '/tiles/city/10/0/99999999999999999999'):
        status, _, _ = get(base, path, token)
        check('%s is 400' % path, status == 400, status)
    status, _, _ = get(base, '/tiles/city/10/0', token)
    check('a short tile path is 404', status == 404, status)

    # removed while serving: gone from the list and its tiles 404
    status, text = central('tiles', 'remove', '--database', db, 'city')
    check('tiles remove', status == 0 and not os.path.exists(os.path.join(db + '.tiles', 'city.mbtiles')),
          text)
    status, _, body = get(base, '/tiles', token)
    check('a removed set leaves the list', status == 200 and
          [s['name'] for s in json.loads(body)['tilesets']] == ['flood'], body)
    status, _, _ = get(base, '/tiles/city/%d/%d/%d' % (z, x, y), token)
    check('a removed set is 404', status == 404, status)
    status, text = central('tiles', 'remove', '--database', db, 'city')
    check('removing it twice says so', status == 1 and 'no tile set named' in text, text)
finally:
    if server:
        server.terminate()
        server.wait(timeout=20)
    shutil.rmtree(tmp, ignore_errors=True)

print('1..%d' % len(results))
sys.exit(0 if all(results) else 1)
