# mbtiles_util.py
#
# Copyright 2026 The Bosai Desk Authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Small MBTiles files for the tests: 256 px PNG tiles, each of its own
# colour, made with zlib alone (no imaging library).

import math
import sqlite3
import struct
import zlib


def png(r, g, b, size=256):
    def chunk(kind, data):
        body = kind + data
        return struct.pack('>I', len(data)) + body + struct.pack('>I', zlib.crc32(body) & 0xffffffff)
    row = b'\x00' + bytes((r, g, b)) * size
    raw = row * size
    return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', size, size, 8, 2, 0, 0, 0))
            + chunk(b'IDAT', zlib.compress(raw, 6)) + chunk(b'IEND', b''))


def lonlat_to_tile(lon, lat, z):
    n = 2 ** z
    x = int((lon + 180.0) / 360.0 * n)
    lat_r = math.radians(lat)
    y = int((1.0 - math.asinh(math.tan(lat_r)) / math.pi) / 2.0 * n)
    return min(max(x, 0), n - 1), min(max(y, 0), n - 1)


def tiles_in(bounds, z):
    """(x, y) XYZ tiles covering bounds = (w, s, e, n) at zoom z."""
    x0, y0 = lonlat_to_tile(bounds[0], bounds[3], z)
    x1, y1 = lonlat_to_tile(bounds[2], bounds[1], z)
    return [(x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]


def tile_png(z, x, y):
    return png((x * 37 + z) % 256, (y * 53 + z) % 256, (z * 19) % 256)


def make(path, bounds=(135.40, 34.60, 135.60, 34.75), zooms=range(10, 13),
         attribution='大阪市', metadata=True, name='test'):
    """Writes an MBTiles file; returns {(z, x, y): bytes} (XYZ)."""
    tiles = {}
    conn = sqlite3.connect(path)
    conn.execute('CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER,'
                 ' tile_row INTEGER, tile_data BLOB)')
    conn.execute('CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row)')
    conn.execute('CREATE TABLE metadata (name TEXT, value TEXT)')
    if metadata and zooms:
        rows = [('name', name), ('format', 'png'), ('minzoom', str(min(zooms))),
                ('maxzoom', str(max(zooms))), ('attribution', attribution),
                ('bounds', ','.join('%.4f' % v for v in bounds)), ('type', 'baselayer')]
        conn.executemany('INSERT INTO metadata VALUES (?, ?)', rows)
    for z in zooms:
        for x, y in tiles_in(bounds, z):
            data = tile_png(z, x, y)
            tiles[(z, x, y)] = data
            conn.execute('INSERT INTO tiles VALUES (?, ?, ?, ?)', (z, x, 2 ** z - 1 - y, data))
    conn.commit()
    conn.close()
    return tiles
