#!/usr/bin/env python3
# test-central-import.py
#
# Copyright 2026 The Bosai Desk Authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# `bosai-central import` run as a user runs it (issue 9, defects 2 and 12):
# an empty file is refused, not a crash; a large FeatureCollection is read
# one feature at a time, so memory stays within three times the file's
# size; a bad feature anywhere refuses the whole file, and so does a fault
# of the database part-way (one transaction for the whole file).
#
# Usage: test-central-import.py BOSAI_CENTRAL BENCH_MKGEOJSON (TAP output)

import json
import os
import sqlite3
import subprocess
import sys
import tempfile

CENTRAL, MKGEOJSON = sys.argv[1], sys.argv[2]
results = []


def check(name, ok, detail=''):
    results.append(ok)
    print('%s %d - %s' % ('ok' if ok else 'not ok', len(results), name))
    if detail and not ok:
        for line in detail.splitlines():
            print('# ' + line)


def run_import(db, path, collection='reports'):
    """Exit status, stdout + stderr, and the peak resident size in bytes."""
    with tempfile.TemporaryFile() as out:
        child = subprocess.Popen([CENTRAL, 'import', '--database', db,
                                  '--collection', collection, path],
                                 stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode('utf-8', 'replace')
    return child.returncode, text, usage.ru_maxrss * 1024


def count_features(db):
    if not os.path.exists(db):
        return 0
    with sqlite3.connect(db) as conn:
        return conn.execute('SELECT COUNT (*) FROM features').fetchone()[0]


print('1..10')
with tempfile.TemporaryDirectory() as tmp:
    db = os.path.join(tmp, 'central.sqlite')

    # Defect 2: 0 bytes made json-glib complain, then a NULL dereference.
    empty = os.path.join(tmp, 'empty.geojson')
    open(empty, 'wb').close()
    status, text, _ = run_import(db, empty)
    check('an empty file exits 1', status == 1, 'status %d: %s' % (status, text))
    check('an empty file is "not valid JSON"',
          'not valid JSON' in text and 'CRITICAL' not in text, text)

    # Not a FeatureCollection; and JSON that json-glib alone would take.
    array = os.path.join(tmp, 'array.geojson')
    with open(array, 'w') as f:
        f.write('[1]')
    status, text, _ = run_import(db, array)
    check('a list is not a FeatureCollection',
          status == 1 and 'not a GeoJSON FeatureCollection' in text, text)
    lenient = os.path.join(tmp, 'lenient.geojson')
    with open(lenient, 'w') as f:
        f.write('{"type":"FeatureCollection","features":[]} /* comment */')
    status, text, _ = run_import(db, lenient)
    check('a comment is not JSON', status == 1 and 'not valid JSON' in text, text)

    # Defect 12: about 10 MB of reports, within 3x the file's size.
    big = os.path.join(tmp, 'big.geojson')
    subprocess.run([MKGEOJSON, '16000', big], check=True, stdout=subprocess.DEVNULL)
    size = os.path.getsize(big)
    status, text, peak = run_import(db, big)
    check('16,000 reports are imported',
          status == 0 and 'Imported 16000 features' in text, text)
    check('the peak memory stays under 3x the file (%.1f MB peak, %.1f MB file)'
          % (peak / 1e6, size / 1e6), peak < 3 * size)

    # All or nothing: a bad feature far into the file refuses all of it.
    with open(big) as f:
        collection = json.load(f)
    features = collection['features'][:1200]
    bad = dict(features[-1])
    bad['properties'] = dict(bad['properties'])
    del bad['properties']['severity']
    bad['id'] = '0b5d3c9e-6f1a-4c2e-9a7b-3d4e5f6a7b8c'
    collection['features'] = features + [bad]
    partial = os.path.join(tmp, 'partial.geojson')
    with open(partial, 'w') as f:
        json.dump(collection, f, ensure_ascii=False)
    fresh = os.path.join(tmp, 'fresh.sqlite')
    status, text, _ = run_import(fresh, partial)
    check('a feature with no severity refuses the whole file',
          status == 1 and 'severity' in text and count_features(fresh) == 0,
          'status %d, %d rows: %s' % (status, count_features(fresh), text))

    # All or nothing also when the database fails part-way: a trigger
    # refuses one id, placed after the first 500 features (a batch of the
    # old import, committed on its own; the first pass checks features,
    # not the database, so this fault is met while writing).
    collection['features'] = features[:1100]
    faulty_id = collection['features'][1050]['id']
    fault = os.path.join(tmp, 'fault.geojson')
    with open(fault, 'w') as f:
        json.dump(collection, f, ensure_ascii=False)
    faulty = os.path.join(tmp, 'faulty.sqlite')
    subprocess.run([CENTRAL, 'token', 'add', '--database', faulty, '--role', 'hq',
                    '--name', 'schema'], check=True, stdout=subprocess.DEVNULL)
    with sqlite3.connect(faulty) as conn:
        conn.execute("CREATE TRIGGER fault BEFORE INSERT ON features WHEN NEW.id = '%s'"
                     " BEGIN SELECT RAISE (ABORT, 'injected fault'); END" % faulty_id)
    status, text, _ = run_import(faulty, fault)
    rows = count_features(faulty)
    check('a database fault part-way exits 1', status == 1, 'status %d: %s' % (status, text))
    check('a database fault part-way leaves no feature imported (%d rows)' % rows,
          rows == 0, text)
    check('a database fault part-way is said: nothing imported, the feature, the fault',
          'nothing imported' in text and 'Feature 1051' in text and 'injected fault' in text,
          text)

sys.exit(0 if all(results) else 1)
