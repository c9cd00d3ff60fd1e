#!/usr/bin/python3
# summarize.py [--meson-rc N] [--failure WHAT] TESTLOG.json
#
# Copyright 2026 The Bosai Desk Authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Reads meson's testlog.json and prints one line per meson test, then the
# failed subtests, then exactly one summary line:
#
#   N passed, N failed[, N skipped]
#
# TAP subtests are counted one by one: "ok" passes (unless it carries a
# "# SKIP" directive: then it is skipped), "not ok" fails (with or without
# "# TODO": an incomplete test is not a pass). A meson test that crashed,
# timed out, bailed out or failed without any "not ok" line counts as one
# more failure. A test that is not TAP counts as one test.
#
# Exits 1 if anything failed, else 0.

import argparse
import json
import re
import sys

TAP_RESULT = re.compile(r'^(not ok|ok)\b\s*(\d+)?\s*(?:-\s*)?([^#]*)(?:#\s*(.*))?$')
TAP_PLAN = re.compile(r'^1\.\.(\d+)')
GOOD_RESULTS = ('OK', 'EXPECTEDFAIL')


def short_name(name):
    # "bosai-desk:core / store" -> "core/store"
    if ':' in name:
        name = name.split(':', 1)[1]
    return name.replace(' / ', '/')


def summarize_test(entry):
    """Returns (passed, failed, skipped, failed_subtests, note)."""
    stdout = entry.get('stdout') or ''
    result = entry.get('result', 'ERROR')
    passed = failed = skipped = 0
    failures = []
    is_tap = False
    bailed = None

    for line in stdout.splitlines():
        if TAP_PLAN.match(line):
            is_tap = True
            continue
        if line.startswith('Bail out!'):
            is_tap = True
            bailed = line
            continue
        m = TAP_RESULT.match(line)
        if not m:
            continue
        is_tap = True
        status, _, desc, directive = m.groups()
        directive = (directive or '').strip()
        if status == 'ok':
            if directive.upper().startswith('SKIP'):
                skipped += 1
            else:
                passed += 1
        else:
            failed += 1
            failures.append((desc.strip() or '(unnamed)') +
                            (' # ' + directive if directive else ''))

    note = ''
    if not is_tap:
        if result in GOOD_RESULTS:
            passed += 1
        elif result == 'SKIP':
            skipped += 1
        else:
            failed += 1
            note = '%s (exit status %s)' % (result, entry.get('returncode'))
    else:
        if bailed is not None and failed == 0:
            failed += 1
            failures.append(bailed)
        if result == 'SKIP' and passed + failed + skipped == 0:
            skipped += 1
        elif result not in GOOD_RESULTS and result != 'SKIP' and failed == 0:
            # Crashed, timed out or stopped short of its plan.
            failed += 1
            note = '%s (exit status %s) after %d subtests' % (
                result, entry.get('returncode'), passed + skipped)
    return passed, failed, skipped, failures, note


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('testlog')
    parser.add_argument('--meson-rc', type=int, default=0,
                        help='exit status of meson test')
    parser.add_argument('--failure', action='append', default=[],
                        help='a failure outside meson test (e.g. the build)')
    args = parser.parse_args()

    total_passed = total_failed = total_skipped = 0
    failed_lines = []
    entries = []

    for what in args.failure:
        total_failed += 1
        failed_lines.append('FAILED: ' + what)

    if not args.failure:
        try:
            with open(args.testlog, encoding='utf-8') as f:
                for line in f:
                    line = line.strip()
                    if line:
                        entries.append(json.loads(line))
        except (OSError, ValueError) as e:
            total_failed += 1
            failed_lines.append('FAILED: cannot read %s: %s' % (args.testlog, e))

    if entries:
        width = max(len(short_name(e.get('name', '?'))) for e in entries)
        print()
        print('Test results')
        print('------------')
    for entry in entries:
        name = short_name(entry.get('name', '?'))
        passed, failed, skipped, failures, note = summarize_test(entry)
        total_passed += passed
        total_failed += failed
        total_skipped += skipped
        label = 'FAIL' if failed else ('SKIP' if not passed and skipped else 'PASS')
        counts = '%d passed, %d failed' % (passed, failed)
        if skipped:
            counts += ', %d skipped' % skipped
        print('%-4s  %-*s  %s  (%.1f s)' % (label, width, name, counts,
                                          entry.get('duration', 0.0)))
        for failure in failures:
            failed_lines.append('FAILED: %s: %s' % (name, failure))
        if note:
            failed_lines.append('FAILED: %s: %s' % (name, note))

    if not args.failure and not entries and total_failed == 0:
        total_failed += 1
        failed_lines.append('FAILED: no tests ran')

    if args.meson_rc != 0 and total_failed == 0:
        total_failed += 1
        failed_lines.append('FAILED: meson test exited with status %d' % args.meson_rc)

    if failed_lines:
        print()
        for line in failed_lines:
            print(line)
    print()
    summary = '%d passed, %d failed' % (total_passed, total_failed)
    if total_skipped:
        summary += ', %d skipped' % total_skipped
    print(summary)
    return 1 if total_failed else 0


if __name__ == '__main__':
    sys.exit(main())
