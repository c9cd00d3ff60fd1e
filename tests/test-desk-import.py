#!/usr/bin/env python3
# test-desk-import.py
#
# Copyright 2026 The Bosai Desk Authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# `bosai-desk --database DB --import FILE` run as a user runs it (issue 9,
# defect 12): a large FeatureCollection is read one feature at a time, so
# the memory the import adds stays within three times the file's size
# (besides SQLite's page cache); a file over 512 MiB is refused without
# being read; a bad feature anywhere is skipped with its position and
# reason and the rest imported (issue 12, part 5); a fault of the database
# part-way leaves nothing of the file; the problems listed are bounded.
#
# Usage: test-desk-import.py BOSAI_DESK BENCH_MKGEOJSON (TAP output)

import json
import os
import sqlite3
import subprocess
import sys
import tempfile

DESK, MKGEOJSON = sys.argv[1], sys.argv[2]
# PRAGMA cache_size = -32000 (bd-store-schema.c): SQLite's page cache may
# fill up during a large import, whatever the file.
SQLITE_CACHE = 32000 * 1024
results = []


def check(name, ok, detail=''):
    results.append(ok)
    print('%s %d - %s' % ('ok' if ok else 'not ok', len(results), name))
    if detail and not ok:
        for line in detail.splitlines()[:60]:
            print('# ' + line)


def run_import(db, path):
    """Exit status, stdout, stderr, and the peak resident size in bytes."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        child = subprocess.Popen([DESK, '--database', db, '--import', path],
                                 stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        out.seek(0)
        err.seek(0)
        return (os.waitstatus_to_exitcode(status),
                out.read().decode('utf-8', 'replace'),
                err.read().decode('utf-8', 'replace'),
                usage.ru_maxrss * 1024)


def count_reports(db):
    if not os.path.exists(db):
        return 0
    with sqlite3.connect(db) as conn:
        return conn.execute('SELECT count(*) FROM reports').fetchone()[0]


def write(path, collection):
    with open(path, 'w') as f:
        json.dump(collection, f, ensure_ascii=False)


print('1..14')
with tempfile.TemporaryDirectory() as tmp:
    # What the binary takes with nothing to import: libraries, the store.
    empty = os.path.join(tmp, 'empty.geojson')
    write(empty, {'type': 'FeatureCollection', 'features': []})
    status, out, err, baseline = run_import(os.path.join(tmp, 'base.sqlite'), empty)
    check('an empty FeatureCollection imports nothing, and succeeds',
          status == 0 and '0 imported, 0 skipped' in out, out + err)

    # Defect 12: about 10 MB of reports. The tree of the whole file took
    # 150 MB over the baseline (480 MB for a 38 MB file).
    big = os.path.join(tmp, 'big.geojson')
    subprocess.run([MKGEOJSON, '16000', big], check=True, stdout=subprocess.DEVNULL)
    size = os.path.getsize(big)
    db = os.path.join(tmp, 'big.sqlite')
    status, out, err, peak = run_import(db, big)
    check('16,000 reports are imported',
          status == 0 and '16000 imported, 0 skipped' in out and count_reports(db) == 16000,
          out + err)
    check('the import adds under 3x the file besides SQLite\'s cache '
          '(%.1f MB peak, %.1f MB baseline, %.1f MB file)'
          % (peak / 1e6, baseline / 1e6, size / 1e6),
          peak - baseline < 3 * size + SQLITE_CACHE)

    # Over the bound: refused from its size alone (a sparse file, never read).
    huge = os.path.join(tmp, 'huge.geojson')
    with open(huge, 'wb') as f:
        f.truncate(513 << 20)
    db = os.path.join(tmp, 'huge.sqlite')
    status, out, err, peak = run_import(db, huge)
    check('a file over 512 MiB is refused', status == 1 and 'larger than 512 MiB' in err,
          'status %d: %s' % (status, out + err))
    check('... without reading it (%.1f MB peak)' % (peak / 1e6),
          peak < baseline + (16 << 20) and count_reports(db) == 0)

    with open(big) as f:
        collection = json.load(f)
    features = collection['features'][:1200]

    # Other people's data: a bad feature far into the file is skipped.
    bad = dict(features[-1])
    bad['properties'] = dict(bad['properties'])
    del bad['properties']['severity']
    bad['id'] = '0b5d3c9e-6f1a-4c2e-9a7b-3d4e5f6a7b8c'
    partial = os.path.join(tmp, 'partial.geojson')
    write(partial, {'type': 'FeatureCollection', 'features': features + [bad]})
    db = os.path.join(tmp, 'partial.sqlite')
    status, out, err, _ = run_import(db, partial)
    check('a feature with no severity is skipped, the 1,200 others imported',
          status == 0 and '1200 imported, 1 skipped' in out and 'feature 1201: ' in err
          and count_reports(db) == 1200,
          'status %d, %d rows: %s' % (status, count_reports(db), out + err))

    # Every problem is found, also after the first: a bad feature, then an
    # id named twice further on.
    twice = [dict(f) for f in features[:10]]
    twice[4] = dict(twice[4], geometry=None)
    twice.append(twice[2])
    both = os.path.join(tmp, 'both.geojson')
    write(both, {'type': 'FeatureCollection', 'features': twice})
    db = os.path.join(tmp, 'both.sqlite')
    status, out, err, _ = run_import(db, both)
    check('each problem is said, a duplicate after a bad feature too',
          status == 0 and 'feature 5: ' in err and '9 imported, 2 skipped' in out
          and 'feature 11: a duplicate of feature 3' in err and twice[2]['id'] in err
          and count_reports(db) == 9,
          'status %d: %s' % (status, out + err))

    # A hostile file: a thousand bad features, twenty lines of them.
    hostile = []
    for feature in features[:1000]:
        feature = dict(feature, properties=dict(feature['properties']))
        del feature['properties']['severity']
        hostile.append(feature)
    many = os.path.join(tmp, 'many.geojson')
    write(many, {'type': 'FeatureCollection', 'features': hostile})
    db = os.path.join(tmp, 'many.sqlite')
    status, out, err, _ = run_import(db, many)
    lines = [line for line in err.splitlines() if line.startswith('feature ')]
    check('a thousand bad features: nothing read, exit 1, 20 listed',
          status == 1 and len(lines) == 20 and '0 imported, 1000 skipped' in out
          and count_reports(db) == 0,
          '%d lines: %s' % (len(lines), err))
    check('... and the rest counted', '… and 980 more problems' in err, err)

    # All or nothing also when the database fails part-way: a trigger
    # refuses one id.
    collection['features'] = features[:1100]
    faulty_id = features[1050]['id']
    fault = os.path.join(tmp, 'fault.geojson')
    write(fault, collection)
    faulty = os.path.join(tmp, 'faulty.sqlite')
    status, _, _, _ = run_import(faulty, empty)
    with sqlite3.connect(faulty) as conn:
        conn.execute("CREATE TRIGGER fault BEFORE INSERT ON reports WHEN NEW.id = '%s'"
                     " BEGIN SELECT RAISE (ABORT, 'injected fault'); END" % faulty_id)
    status, out, err, _ = run_import(faulty, fault)
    rows = count_reports(faulty)
    check('a database fault part-way exits 1, leaving nothing (%d rows)' % rows,
          status == 1 and rows == 0, 'status %d: %s' % (status, out + err))
    check('a database fault part-way is said: nothing imported, the feature, the fault',
          'nothing was imported' in err and 'feature 1051: ' in err and 'injected fault' in err,
          err)

    # Not GeoJSON reports.
    zero = os.path.join(tmp, 'zero.geojson')
    open(zero, 'wb').close()
    status, out, err, _ = run_import(os.path.join(tmp, 'zero.sqlite'), zero)
    check('an empty file is not GeoJSON reports',
          status == 1 and 'nothing was imported' in err and 'CRITICAL' not in err,
          'status %d: %s' % (status, out + err))
    trailing = os.path.join(tmp, 'trailing.geojson')
    with open(trailing, 'w') as f:
        json.dump({'type': 'FeatureCollection', 'features': features[:50]}, f)
        f.write(' /* comment */')
    db = os.path.join(tmp, 'trailing.sqlite')
    status, out, err, _ = run_import(db, trailing)
    check('JSON with a comment after the features: the features are kept, the break said',
          status == 0 and '50 imported' in out and 'breaks off after feature 50' in err
          and count_reports(db) == 50,
          'status %d: %s' % (status, out + err))

    # A file of one Feature is a file of one report.
    one = os.path.join(tmp, 'one.geojson')
    write(one, features[0])
    db = os.path.join(tmp, 'one.sqlite')
    status, out, err, _ = run_import(db, one)
    check('a single Feature is imported',
          status == 0 and '1 imported, 0 skipped' in out and count_reports(db) == 1,
          'status %d: %s' % (status, out + err))

sys.exit(0 if all(results) else 1)
