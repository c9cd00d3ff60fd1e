#!/usr/bin/env python3
# test-central-jma.py
#
# Copyright 2026 The Bosai Desk Authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# National warnings into bosai-central (issue 12, part 3):
# `bosai-central ingest-jma FILE…` writes alerts that GET
# /collections/alerts/items serves, a 訂正 replaces its thread, a 取消 ends
# it, a message is never taken in twice, 訓練 is kept apart, and bad files
# (entities, truncated, unknown area, 50 MB) are refused with nothing
# written. Then `serve --jma-feed` against a local HTTP server this test
# runs: If-Modified-Since is sent and answered 304, each message is fetched
# once (also across a restart), a 503 is retried next round, unwanted types
# and offices are never fetched, and a garbage feed is survived.
#
# Usage: test-central-jma.py BOSAI_CENTRAL DATA_DIR (TAP output)

import http.server
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

CENTRAL, DATA = sys.argv[1], sys.argv[2]
results = []


def check(name, ok, detail=''):
    results.append(ok)
    print('%s %d - %s' % ('ok' if ok else 'not ok', len(results), name))
    if detail and not ok:
        for line in str(detail).splitlines():
            print('# ' + line)
    sys.stdout.flush()


def sample(name):
    return os.path.join(DATA, name)


def ingest(db, *paths):
    proc = subprocess.run([CENTRAL, 'ingest-jma', '--database', db] + list(paths),
                          capture_output=True, text=True, timeout=60)
    return proc.returncode, proc.stdout + proc.stderr


def add_token(db):
    out = subprocess.run([CENTRAL, 'token', 'add', '--database', db, '--role', 'hq',
                          '--name', 'jma test'], capture_output=True, text=True, check=True)
    return out.stdout.split()[-1]


def count_features(db):
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT COUNT (*) FROM features WHERE collection = 'alerts'").fetchone()[0]


class Central:
    def __init__(self, db, extra=(), log=None):
        self.log = open(log, 'ab') if log else subprocess.DEVNULL
        self.proc = subprocess.Popen([CENTRAL, 'serve', '--database', db, '--port', '0']
                                     + list(extra), stdout=subprocess.PIPE,
                                     stderr=self.log)
        line = self.proc.stdout.readline().decode()
        assert line.startswith('listening on http://127.0.0.1:'), line
        self.base = line.split()[-1].rstrip('/')

    def alerts(self, token):
        request = urllib.request.Request(self.base + '/collections/alerts/items?limit=1000',
                                         headers={'Authorization': 'Bearer ' + token})
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(request, timeout=10) as answer:
            body = json.load(answer)
        return {f['properties']['event'] + '/' + f['properties']['status']: f
                for f in body['features']}

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=20)
        if self.log is not subprocess.DEVNULL:
            self.log.close()


def read(name):
    with open(sample(name), 'rb') as f:
        return f.read()


print('1..31')
tmp = tempfile.mkdtemp(prefix='bd-jma-')
try:
    db = os.path.join(tmp, 'central.sqlite')
    token = add_token(db)

    # ---------------------------------------------------------------- files
    status, out = ingest(db, sample('vpww54-issue.xml'))
    check('a VPWW54 message is taken in', status == 0 and '2 alerts written' in out, out)
    copy = os.path.join(tmp, 'copy-of-issue.xml')
    shutil.copy(sample('vpww54-issue.xml'), copy)
    status, out = ingest(db, sample('vpww54-issue.xml'), copy)
    check('the same message, or the same file under another name, is not written twice',
          status == 0 and out.count('already taken in') == 2 and count_features(db) == 2, out)

    central = Central(db)
    try:
        alerts = central.alerts(token)
        rain = alerts.get('大雨警報/actual')
        check('GET /collections/alerts/items serves the warning',
              rain is not None and rain['properties']['active'] is True
              and rain['properties']['area_codes'] == ['271004']
              and rain['properties']['source'] == 'jma'
              and rain['properties']['info_type'] == 'VPWW54'
              and rain['geometry'] is None and rain['id'].startswith('jma-'), alerts)
        first_id = rain['id'] if rain else None

        status, out = ingest(db, sample('vpww54-correct.xml'))
        alerts = central.alerts(token)
        rain = alerts.get('大雨警報/actual')
        check('訂正 replaces the thread (same id, next revision, msg_type update)',
              status == 0 and rain['id'] == first_id and rain['properties']['rev'] == 2
              and rain['properties']['msg_type'] == 'update', (out, rain))
        thunder = alerts.get('雷注意報/actual')
        check('a kind the corrected message no longer names is lifted',
              thunder is not None and thunder['properties']['active'] is False
              and thunder['properties']['cancelled'] is False, thunder)
        check('the corrected message adds its new kind',
              alerts.get('洪水注意報/actual', {}).get('properties', {}).get('active') is True, alerts)

        status, out = ingest(db, sample('vxse53-issue.xml'), sample('vxse51-issue.xml'))
        alerts = central.alerts(token)
        quake = alerts.get('震源・震度に関する情報/actual')
        check('VXSE53 and VXSE51 become earthquake alerts of the seismic area',
              status == 0 and quake is not None and quake['properties']['max_intensity'] == '6弱'
              and quake['properties']['area_desc'] == '大阪府北部'
              and alerts.get('震度速報/actual') is not None, (out, alerts))
        status, out = ingest(db, sample('vxse53-cancel.xml'))
        alerts = central.alerts(token)
        quake2 = alerts.get('震源・震度に関する情報/actual')
        check('取消 ends the thread: kept, active false, cancelled true',
              status == 0 and quake2['id'] == quake['id']
              and quake2['properties']['active'] is False
              and quake2['properties']['cancelled'] is True
              and quake2['properties']['msg_type'] == 'cancel', (out, quake2))
        check('取消 of one information kind leaves the other (震度速報) alone',
              alerts['震度速報/actual']['properties']['active'] is True, alerts)

        status, out = ingest(db, sample('vpww54-exercise.xml'), sample('vpww54-test.xml'))
        alerts = central.alerts(token)
        check('訓練 and 試験 are kept apart with status exercise / test',
              status == 0 and '暴風警報/exercise' in alerts and '暴風警報/test' in alerts
              and '暴風警報/actual' not in alerts
              and alerts['大雨警報/actual']['properties']['rev'] == 2, alerts)

        status, out = ingest(db, sample('vtse41-issue.xml'), sample('vxko-yodogawa.xml'),
                             sample('vxww50-issue.xml'), sample('vpww53-emergency.xml'))
        alerts = central.alerts(token)
        check('tsunami, river flood, landslide and special warnings are taken in',
              status == 0 and all(k in alerts for k in (
                  '津波注意報/actual', '氾濫警戒情報/actual', '土砂災害警戒情報/actual',
                  '大雨特別警報/actual')), (out, list(alerts)))

        status, out = ingest(db, sample('vpww54-lift.xml'))
        alerts = central.alerts(token)
        check('解除 makes the warning inactive',
              status == 0 and alerts['大雨警報/actual']['properties']['active'] is False
              and alerts['大雨特別警報/actual']['properties']['active'] is False, out)
    finally:
        central.stop()

    before = count_features(db)
    status, out = ingest(db, sample('unknown-area.xml'))
    check('a message naming no area in the city is refused, clearly',
          status == 1 and 'names no area in Osaka City' in out, out)
    for name, words in (('hostile-entities.xml', 'DOCTYPE'),
                        ('hostile-external-dtd.xml', 'DOCTYPE'),
                        ('hostile-entity-ref.xml', 'entity'),
                        ('hostile-truncated.xml', 'not well-formed'),
                        ('unsupported-type.xml', 'are not taken')):
        status, out = ingest(db, sample(name))
        check('%s is refused (%s)' % (name, words), status == 1 and words in out, out)
    huge = os.path.join(tmp, 'huge.xml')
    with open(huge, 'wb') as f:
        f.truncate(50 * 1024 * 1024)
    started = time.monotonic()
    status, out = ingest(db, huge)
    check('a 50 MB file is refused before it is read',
          status == 1 and 'larger than 2 MiB' in out and time.monotonic() - started < 5, out)
    check('nothing was written by the refused files', count_features(db) == before)
    status, out = ingest(db, sample('vpww54-issue.xml'), sample('unknown-area.xml'))
    check('one bad file among good ones: exit 1, the good one still said',
          status == 1 and 'already taken in' in out and 'names no area' in out, out)

    fresh = os.path.join(tmp, 'fresh.sqlite')
    status, out = ingest(fresh, sample('vxse53-cancel.xml'))
    check('a 取消 of an event not held is refused', status == 1 and 'refers to no alert' in out, out)

    # ---------------------------------------------------------------- feed
    feed_db = os.path.join(tmp, 'feed.sqlite')
    feed_token = add_token(feed_db)
    state = {
        'feed': None,
        'last_modified': 'Sat, 05 Dec 2026 10:00:00 GMT',
        'requests': [],          # (path, If-Modified-Since)
        'fail_once': {'/data/20260703020000_0_VXWW50_270000.xml'},
        'lock': threading.Lock(),
    }
    files = {
        '/data/20260703010000_0_VPWW54_270000.xml': read('vpww54-issue.xml'),
        '/data/20260618080300_0_VXSE53_010000.xml': read('vxse53-issue.xml'),
        '/data/20260703010000_0_VPFD50_270000.xml': b'<never-fetched/>',
        '/data/20260703010000_0_VPWW54_260000.xml': b'<never-fetched/>',
        '/data/20260703020000_0_VXWW50_270000.xml': read('vxww50-issue.xml'),
        '/data/20260703030000_0_VPWW54_270000.xml': b'this is not XML at all',
        '/data/20260620031300_0_VTSE41_010000.xml': read('vtse41-issue.xml'),
    }

    def feed_xml(paths, port):
        entries = ''.join(
            '<entry><title>t</title><id>http://127.0.0.1:%d%s</id>'
            '<updated>2026-07-03T01:00:00Z</updated><author><name>%s</name></author>'
            '<link type="application/xml" href="http://127.0.0.1:%d%s"/>'
            '<content type="text">x</content></entry>'
            % (port, p, '京都地方気象台' if '260000' in p else '大阪管区気象台', port, p)
            for p in paths)
        return ('<?xml version="1.0" encoding="utf-8"?>'
                '<feed xmlns="http://www.w3.org/2005/Atom" lang="ja"><title>高頻度（随時）</title>'
                '<id>urn:test</id><updated>2026-07-03T01:00:00Z</updated>%s</feed>'
                % entries).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            ims = self.headers.get('If-Modified-Since')
            with state['lock']:
                state['requests'].append((self.path, ims))
                if self.path == '/feed.xml':
                    if ims == state['last_modified']:
                        self.send_response(304)
                        self.end_headers()
                        return
                    body = state['feed']
                    self.send_response(200)
                    self.send_header('Last-Modified', state['last_modified'])
                elif self.path in files:
                    if self.path in state['fail_once']:
                        state['fail_once'].discard(self.path)
                        self.send_response(503)
                        self.send_header('Content-Length', '0')
                        self.end_headers()
                        return
                    body = files[self.path]
                    self.send_response(200)
                else:
                    self.send_response(404)
                    self.send_header('Content-Length', '0')
                    self.end_headers()
                    return
            self.send_header('Content-Type', 'application/xml')
            self.send_header('Content-Length', str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    port = httpd.server_address[1]
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    first_paths = [p for p in files if 'VTSE41' not in p]
    state['feed'] = feed_xml(first_paths, port)

    def fetches(path):
        with state['lock']:
            return sum(1 for p, _ in state['requests'] if p == path)

    def wait_for(predicate, seconds=20):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if predicate():
                return True
            time.sleep(0.2)
        return False

    log = os.path.join(tmp, 'serve.log')
    args = ['--jma-feed', 'http://127.0.0.1:%d/feed.xml' % port, '--jma-interval', '1']
    central = Central(feed_db, args, log)
    try:
        vxww = '/data/20260703020000_0_VXWW50_270000.xml'
        wait_for(lambda: fetches(vxww) >= 2 and fetches('/feed.xml') >= 4)
        with state['lock']:
            feed_requests = [ims for p, ims in state['requests'] if p == '/feed.xml']
        check('the first poll has no If-Modified-Since, later polls send the Last-Modified',
              len(feed_requests) >= 4 and feed_requests[0] is None
              and state['last_modified'] in feed_requests, feed_requests)
        check('each relevant message is fetched once',
              fetches('/data/20260703010000_0_VPWW54_270000.xml') == 1
              and fetches('/data/20260618080300_0_VXSE53_010000.xml') == 1
              and fetches('/data/20260703030000_0_VPWW54_270000.xml') == 1,
              state['requests'])
        check('a 503 is retried next round, then never again', fetches(vxww) == 2, state['requests'])
        check('other types and other offices are never fetched',
              fetches('/data/20260703010000_0_VPFD50_270000.xml') == 0
              and fetches('/data/20260703010000_0_VPWW54_260000.xml') == 0, state['requests'])
        alerts = central.alerts(feed_token)
        check('the feed\'s messages are in the alerts collection',
              all(k in alerts for k in ('大雨警報/actual', '震源・震度に関する情報/actual',
                                        '土砂災害警戒情報/actual')), list(alerts))

        # A garbage feed: logged, survived, polled again.
        with state['lock']:
            state['feed'] = b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><link href='
            state['last_modified'] = 'Sat, 05 Dec 2026 10:01:00 GMT'
            n_before = len(state['requests'])
        wait_for(lambda: fetches('/feed.xml') >= 8 and len(state['requests']) >= n_before + 3)
        with open(log, encoding='utf-8', errors='replace') as f:
            text = f.read()
        check('a garbage feed is logged and the server keeps polling',
              'not well-formed' in text and central.proc.poll() is None, text)

        with state['lock']:
            state['feed'] = feed_xml(list(files), port)
            state['last_modified'] = 'Sat, 05 Dec 2026 10:02:00 GMT'
        tsunami = '/data/20260620031300_0_VTSE41_010000.xml'
        wait_for(lambda: fetches(tsunami) >= 1 and '津波注意報/actual' in central.alerts(feed_token))
        check('a new entry in a later feed is fetched and taken in',
              fetches(tsunami) == 1 and '津波注意報/actual' in central.alerts(feed_token))
    finally:
        central.stop()

    # A restart forgets Last-Modified but not what was fetched.
    n_feed = fetches('/feed.xml')
    central = Central(feed_db, args, log)
    try:
        wait_for(lambda: fetches('/feed.xml') >= n_feed + 3)
        check('after a restart no message is fetched again',
              all(fetches(p) == (2 if p == vxww else 0 if ('VPFD50' in p or '260000' in p) else 1)
                  for p in files), state['requests'])
    finally:
        central.stop()
    with sqlite3.connect(feed_db) as conn:
        outcomes = dict(conn.execute('SELECT url, outcome FROM jma_feed_entries'))
    check('fetched entries are remembered with their outcome',
          outcomes.get('http://127.0.0.1:%d/data/20260703030000_0_VPWW54_270000.xml' % port) == 'refused'
          and outcomes.get('http://127.0.0.1:%d%s' % (port, vxww)) == 'ingested', outcomes)
    httpd.shutdown()
finally:
    shutil.rmtree(tmp, ignore_errors=True)

sys.exit(0 if all(results) else 1)
