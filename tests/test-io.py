#!/usr/bin/env python3
# test-io.py
#
# Copyright 2026 The Bosai Desk Authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Import and export of reports (issue 12, part 5), the real binary as a
# user runs it: `bosai-desk --database DB --export FILE` writes GeoJSON,
# CSV and KML that GDAL (ogrinfo) opens with every field and the Japanese
# intact; export -> import gives the same reports (GeoJSON and CSV);
# `--import FILE` of other people's data fills in what may be missing,
# skips every kind of bad feature or row with its position and reason,
# keeps what is newer in the database, and exits 1 only when nothing could
# be read; a 50 MB file is read.
#
# Usage: test-io.py BOSAI_DESK BENCH_MKGEOJSON (TAP output)

import copy
import csv
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile

DESK, MKGEOJSON = sys.argv[1], sys.argv[2]
results = []


def check(name, ok, detail=''):
    results.append(ok)
    print('%s %d - %s' % ('ok' if ok else 'not ok', len(results), name))
    if detail and not ok:
        for line in str(detail).splitlines()[:60]:
            print('# ' + line)


def desk(db, *args):
    p = subprocess.run([DESK, '--database', db] + list(args), capture_output=True)
    return p.returncode, p.stdout.decode('utf-8', 'replace'), p.stderr.decode('utf-8', 'replace')


def rows(db, sql='SELECT count(*) FROM reports'):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def count(db):
    return rows(db)[0][0] if os.path.exists(db) else 0


def ogrinfo(path):
    p = subprocess.run(['ogrinfo', '-ro', '-al', path], capture_output=True)
    return p.returncode, p.stdout.decode('utf-8', 'replace') + p.stderr.decode('utf-8', 'replace')


def features(path):
    with open(path, encoding='utf-8') as f:
        data = json.load(f)
    out = {}
    for feature in data['features']:
        feature['properties'].pop('rev', None)
        feature['properties'].pop('seq', None)
        out[feature['id']] = feature
    return out


SHA = 'a' * 64
RICH = {
    'type': 'Feature', 'id': '7c9e6679-7425-40de-944b-e07fc1f90ae7',
    'geometry': {'type': 'Polygon', 'coordinates': [[[135.50, 34.70], [135.51, 34.70],
                                                     [135.51, 34.71], [135.50, 34.70]]]},
    'properties': {
        'point': [135.505, 34.703], 'ward': '271276', 'category': 'residential',
        'severity': 3, 'status': 'confirmed', 'title': '北区 梅田付近 床上浸水, "三棟"',
        'description': '一行目\n二行目、カンマ, と "引用"',
        'observed_at': '2026-12-06T09:00:00+09:00', 'created_at': '2026-12-06T09:05:00+09:00',
        'updated_at': '2026-12-06T09:10:00+09:00', 'reporter': '北区役所 防災担当',
        'counts': {'inundation_above_floor_houses': 3, 'inundation_above_floor_households': 4,
                   'inundation_above_floor_people': 9},
        'affected_households': 4, 'affected_people': 9,
        'attachments': [{'sha256': SHA, 'media_type': 'image/jpeg', 'name': '写真 1.jpg'},
                        {'sha256': 'b' * 64, 'media_type': 'image/png', 'name': '地図.png'}],
    }}


def feature(n, **props):
    f = copy.deepcopy(RICH)
    f['id'] = '00000000-0000-4000-8000-%012d' % n
    f['geometry'] = {'type': 'Point', 'coordinates': [135.50 + n * 1e-4, 34.70]}
    del f['properties']['point']
    f['properties']['title'] = '報告 %d' % n
    for k, v in props.items():
        if v is None:
            f['properties'].pop(k, None)
        else:
            f['properties'][k] = v
    return f


def write_json(path, obj):
    with open(path, 'w', encoding='utf-8') as f:
        json.dump(obj, f, ensure_ascii=False)


def collection(feats):
    return {'type': 'FeatureCollection', 'features': feats}


print('1..32')
with tempfile.TemporaryDirectory() as tmp:
    P = lambda name: os.path.join(tmp, name)

    # A database: demo reports and one with every field (an area, photos, counts).
    src = P('src.sqlite')
    status, out, err = desk(src, '--demo-data', '300', '--quit-after-setup')
    write_json(P('rich.geojson'), collection([RICH]))
    status, out, err = desk(src, '--import', P('rich.geojson'))
    check('a report with every field is imported', status == 0 and '1 imported' in out, out + err)

    n = count(src)
    for ext in ('geojson', 'csv', 'kml'):
        status, out, err = desk(src, '--export', P('all.' + ext))
        check('--export FILE.%s writes %d reports' % (ext, n),
              status == 0 and ('%d reports exported' % n) in out, out + err)

    # GDAL reads each, every field and the Japanese intact.
    columns = open(P('all.csv'), encoding='utf-8').readline().strip().split(',')
    for ext in ('geojson', 'csv', 'kml'):
        status, text = ogrinfo(P('all.' + ext))
        count_ok = len(re.findall(r'^OGRFeature\(', text, re.M)) == n
        if ext == 'geojson':
            wanted = [c for c in ['id', 'ward', 'category', 'severity', 'status', 'title',
                                  'description', 'observed_at', 'created_at', 'updated_at',
                                  'reporter', 'counts', 'affected_households', 'affected_people',
                                  'attachments']]
        else:
            wanted = [c for c in columns if c != 'description' or ext == 'csv']
        missing = [c for c in wanted if not re.search(r'^  %s \(' % re.escape(c), text, re.M)]
        japanese = ('北区 梅田付近 床上浸水, "三棟"' in text and '北区役所 防災担当' in text
                    and '写真 1.jpg' in text and '二行目、カンマ, と "引用"' in text)
        check('ogrinfo reads the %s: %d features, every field, Japanese intact' % (ext, n),
              status == 0 and count_ok and not missing and japanese,
              'status %d, missing %s, japanese %s\n%s' % (status, missing, japanese, text[:1500]))
    status, text = ogrinfo(P('all.kml'))
    check('the KML has a Point per Placemark with its name',
          'POINT (135.505 34.703)' in text and 'Name (String) = 北区 梅田付近' in text, text[:800])

    # Export -> import gives the same reports.
    for ext in ('geojson', 'csv'):
        db = P('round-%s.sqlite' % ext)
        status, out, err = desk(db, '--import', P('all.' + ext))
        status2, out2, err2 = desk(db, '--export', P('again-%s.geojson' % ext))
        desk(db, '--export', P('again-%s.csv' % ext))
        same = features(P('all.geojson')) == features(P('again-%s.geojson' % ext))
        check('export -> import of %s gives the same %d reports' % (ext, n),
              status == 0 and ('%d imported, 0 skipped' % n) in out and count(db) == n and same,
              out + err)
    def csv_rows(path):
        with open(path, encoding='utf-8', newline='') as f:
            return sorted(csv.reader(f))
    check('... and the CSV of the CSV round trip has the same rows, field for field',
          csv_rows(P('all.csv')) == csv_rows(P('again-csv.csv'))
          and len(csv_rows(P('all.csv'))) == n + 1)

    # The command line's exit codes.
    status, out, err = desk(src, '--export', P('all.shp'))
    check('--export to an unknown extension: exit 1, said, nothing written',
          status == 1 and 'cannot tell the format' in err and not os.path.exists(P('all.shp')),
          out + err)
    status, out, err = desk(src, '--import', P('no-such-file.geojson'))
    check('--import of a missing file: exit 1', status == 1 and 'nothing was imported' in err,
          out + err)
    status, out, err = desk(src, '--export', os.path.join(tmp, 'no-dir', 'x.csv'))
    check('--export into a missing folder: exit 1', status == 1 and 'cannot export' in err,
          out + err)

    # Other people's data: what may be missing is filled in.
    bare = feature(1, created_at=None, updated_at=None, status=None)
    del bare['id']
    write_json(P('bare.geojson'), collection([bare]))
    db = P('bare.sqlite')
    status, out, err = desk(db, '--import', P('bare.geojson'))
    got = rows(db, 'SELECT id, json_extract(feature, "$.properties.status"),'
                   ' json_extract(feature, "$.properties.created_at"),'
                   ' json_extract(feature, "$.properties.updated_at") FROM reports')
    ok = (status == 0 and len(got) == 1 and re.fullmatch(r'[0-9a-f-]{36}', got[0][0])
          and got[0][1] == 'new' and got[0][2] and got[0][2] == got[0][3])
    check('no id, status or stamps: a new UUID, "new", the import time', ok, '%s %s' % (got, out + err))

    # Every kind of bad feature is skipped with its position and reason.
    bad = [
        ('not an object', 42),
        ('no geometry', dict(feature(2), geometry=None)),
        ('a LineString', dict(feature(3), geometry={'type': 'LineString', 'coordinates': [[135.5, 34.7], [135.6, 34.7]]})),
        ('outside the city', dict(feature(4), geometry={'type': 'Point', 'coordinates': [139.7, 35.6]})),
        ('an unknown ward', feature(5, ward='131016')),
        ('an unknown category', feature(6, category='volcano')),
        ('no severity', feature(7, severity=None)),
        ('severity 9', feature(8, severity=9)),
        ('a severity that is text', feature(9, severity='high')),
        ('a title too long', feature(10, title='長' * 201)),
        ('a date that is no date', feature(11, observed_at='昨日の夜')),
        ('a negative count', feature(12, counts={'inundation_above_floor_houses': -1})),
        ('a count of another category', feature(13, counts={'dead': 1})),
        ('properties that are a list', dict(feature(14), properties=[1, 2])),
        ('an id that is a number', dict(feature(15), id=15)),
        ('a photo with a bad checksum', feature(16, attachments=[{'sha256': 'xyz', 'media_type': 'image/jpeg', 'name': 'a.jpg'}])),
        ('updated before created', feature(17, updated_at='2026-12-06T08:00:00+09:00')),
        ('an unknown status', feature(18, status='lost')),
    ]
    good = [feature(100 + i) for i in range(5)]
    feats = good[:2] + [b for _, b in bad] + good[2:] + [good[0]]
    write_json(P('bad.geojson'), collection(feats))
    db = P('bad.sqlite')
    status, out, err = desk(db, '--import', P('bad.geojson'))
    lines = [l for l in err.splitlines() if l.startswith('feature ')]
    positions = [int(l.split(':')[0].split()[1]) for l in lines]
    expected = list(range(3, 3 + len(bad))) + [len(feats)]
    check('%d kinds of bad feature and a duplicate: 5 imported, %d skipped' % (len(bad), len(bad) + 1),
          status == 0 and '5 imported, %d skipped' % (len(bad) + 1) in out and count(db) == 5,
          out + err)
    check('... each named by its position, with a reason', positions == expected,
          '%s != %s\n%s' % (positions, expected, err))
    check('... the duplicate names the feature it repeats',
          ('feature %d: a duplicate of feature 1' % len(feats)) in err, err)

    # Nothing newer is lost: an older copy of a stored report is skipped.
    older = copy.deepcopy(good[0])
    older['properties']['title'] = '古い版'
    older['properties']['updated_at'] = '2026-12-06T09:06:00+09:00'
    write_json(P('older.geojson'), collection([older]))
    status, out, err = desk(db, '--import', P('older.geojson'))
    title = rows(db, "SELECT json_extract(feature, '$.properties.title') FROM reports WHERE id = '%s'" % older['id'])
    check('an older copy of a stored report is skipped, the newer kept',
          status == 1 and '0 imported, 1 skipped' in out and 'newer copy' in err
          and title == [('報告 100',)], '%s %s' % (title, out + err))

    # Nothing at all readable: exit 1.
    write_json(P('allbad.geojson'), collection([b for _, b in bad]))
    db = P('allbad.sqlite')
    status, out, err = desk(db, '--import', P('allbad.geojson'))
    check('only bad features: exit 1, nothing written', status == 1 and count(db) == 0
          and 'nothing could be read' in err, out + err)

    # Truncated files keep what was read before the break.
    text = json.dumps(collection(good), ensure_ascii=False)
    cut = text.index('報告 103')
    with open(P('cut.geojson'), 'w', encoding='utf-8') as f:
        f.write(text[:cut])
    db = P('cut.sqlite')
    status, out, err = desk(db, '--import', P('cut.geojson'))
    check('a GeoJSON file cut in feature 4: the 3 before imported, the break said',
          status == 0 and '3 imported, 0 skipped' in out and 'breaks off after feature 3' in err
          and count(db) == 3, out + err)
    with open(P('cut1.geojson'), 'w', encoding='utf-8') as f:
        f.write(text[:200])
    status, out, err = desk(P('cut1.sqlite'), '--import', P('cut1.geojson'))
    check('a GeoJSON file cut in its first feature: exit 1, nothing',
          status == 1 and count(P('cut1.sqlite')) == 0 and 'not GeoJSON' in err, out + err)

    # CSV: our columns from a clean export, then broken in every way.
    csv_lines = open(P('all.csv'), encoding='utf-8', newline='').read().split('\r\n')
    header, body = csv_lines[0], [l for l in csv_lines[1:] if l and '\n' not in l][:6]
    ncol = header.count(',') + 1

    def write_csv(name, lines, encoding='utf-8'):
        with open(P(name), 'wb') as f:
            f.write('\r\n'.join(lines).encode(encoding) + b'\r\n')

    # Shift_JIS: the header is ASCII, the rows are not UTF-8.
    with open(P('sjis.csv'), 'wb') as f:
        f.write((header + '\r\n').encode('ascii'))
        for l in body[:3]:
            f.write((l + '\r\n').encode('shift_jis', 'replace'))
    db = P('sjis.sqlite')
    status, out, err = desk(db, '--import', P('sjis.csv'))
    check('a Shift_JIS CSV: each line named, not UTF-8, nothing written, exit 1',
          status == 1 and count(db) == 0 and 'line 2 is not UTF-8' in err
          and 'line 4 is not UTF-8' in err and 'Shift_JIS' in err, out + err)

    stray = body[1].replace(',', ',ab"c', 1)
    wrong = body[2] + ',extra'
    short = ','.join(body[3].split(',')[:5])
    write_csv('broken.csv', [header, body[0], stray, wrong, short, body[4]])
    db = P('broken.sqlite')
    status, out, err = desk(db, '--import', P('broken.csv'))
    check('a stray quote, an extra and a missing column: lines 3, 4, 5 skipped, 2 imported',
          status == 0 and '2 imported, 3 skipped' in out and count(db) == 2
          and 'line 3: a quote inside a field' in err
          and 'line 4: %d fields where the first line names %d columns' % (ncol + 1, ncol) in err
          and 'line 5: 5 fields where' in err, out + err)
    after = body[5].replace(',', ',"ab"c', 1)
    unclosed = body[4].replace(',', ',"never closed', 1)
    write_csv('unclosed.csv', [header, body[0], after, body[1], unclosed, body[2]])
    db = P('unclosed.sqlite')
    status, out, err = desk(db, '--import', P('unclosed.csv'))
    check('text after a closing quote (line 3), a quote never closed (line 5): 2 imported',
          status == 0 and '2 imported, 2 skipped' in out and count(db) == 2
          and 'line 3: text after the closing quote' in err
          and 'line 5: a quoted field is never closed' in err, out + err)
    write_csv('noheader.csv', body[:2])
    status, out, err = desk(P('noheader.sqlite'), '--import', P('noheader.csv'))
    check('a CSV without our header: exit 1, said', status == 1 and 'not a CSV of reports' in err,
          out + err)
    open(P('empty.csv'), 'w').close()
    status, out, err = desk(P('empty.sqlite'), '--import', P('empty.csv'))
    check('an empty CSV: exit 1, said', status == 1 and 'it is empty' in err, out + err)
    # A foreign CSV with only some columns, in another order.
    write_csv('foreign.csv', ['title,lat,lon,ward,category,severity,observed_at',
                              '"淀川 堤防, 漏水",34.72,135.48,271233,river,4,'
                              '2026-12-06T10:00:00+09:00'])
    db = P('foreign.sqlite')
    status, out, err = desk(db, '--import', P('foreign.csv'))
    got = rows(db, "SELECT json_extract(feature, '$.properties.title'),"
                   " json_extract(feature, '$.properties.status') FROM reports")
    check('a CSV of some columns in another order: read, status "new"',
          status == 0 and got == [('淀川 堤防, 漏水', 'new')], '%s %s' % (got, out + err))
    bad_rows = [header] + [body[0].replace(body[0].split(',')[3], 'x', 1)]
    cols = header.split(',')
    r = body[1].split(',')
    r[cols.index('lat')] = 'north'
    bad_rows.append(','.join(r))
    write_csv('badcells.csv', bad_rows + [body[2]])
    status, out, err = desk(P('badcells.sqlite'), '--import', P('badcells.csv'))
    check('cells that are not numbers: the column and value said, the line skipped',
          status == 0 and '1 imported, 2 skipped' in out and 'line 2: ' in err
          and 'line 3: column “lat”: “north” is not a number' in err, out + err)
    # The bound on reasons.
    write_csv('many.csv', [header] + ['x,y'] * 500)
    status, out, err = desk(P('many.sqlite'), '--import', P('many.csv'))
    listed = [l for l in err.splitlines() if l.startswith('line ')]
    check('500 bad lines: 20 listed, the rest counted, exit 1',
          status == 1 and len(listed) == 20 and '… and 480 more problems' in err, err[-300:])

    # A 50 MB file, with bad features in it.
    big = P('big.geojson')
    subprocess.run([MKGEOJSON, '80000', big], check=True, stdout=subprocess.DEVNULL)
    data = json.load(open(big, encoding='utf-8'))
    for i in (10, 40000, 79999):
        data['features'][i]['geometry'] = None
    data['features'].append(data['features'][5])
    write_json(big, data)
    size = os.path.getsize(big)
    db = P('big.sqlite')
    status, out, err = desk(db, '--import', big)
    check('a %.0f MB file: 79,997 imported, 4 skipped' % (size / 1e6),
          size > 50e6 and status == 0 and '79997 imported, 4 skipped' in out
          and count(db) == 79997 and 'feature 80001: a duplicate of feature 6' in err,
          out + err[-500:])
    status, out, err = desk(db, '--export', P('big.csv'))
    db2 = P('big2.sqlite')
    status, out, err = desk(db2, '--import', P('big.csv'))
    check('... its CSV export imports again: 79,997', status == 0 and '79997 imported, 0 skipped' in out,
          out + err[-500:])

sys.exit(0 if all(results) else 1)
