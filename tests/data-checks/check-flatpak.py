#!/usr/bin/python3
# check-flatpak.py MANIFEST APP_ID
#
# Copyright 2026 The Bosai Desk Authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The Flatpak manifest cannot be built here (runtimes cannot be downloaded),
# so check what can be checked: it parses, names the right app and a pinned
# runtime, and every module is pinned. Prints TAP.

import json
import sys


def main():
    path, app_id = sys.argv[1], sys.argv[2]
    checks = []

    def check(ok, what):
        checks.append((bool(ok), what))

    with open(path, encoding='utf-8') as f:
        manifest = json.load(f)

    check(manifest.get('app-id') == app_id, 'app-id is ' + app_id)
    check(manifest.get('runtime') == 'org.gnome.Platform', 'runtime is org.gnome.Platform')
    check(manifest.get('sdk') == 'org.gnome.Sdk', 'sdk is org.gnome.Sdk')
    check(isinstance(manifest.get('runtime-version'), str) and manifest['runtime-version'],
          'runtime-version is set')
    if not app_id.endswith('.Devel'):
        check(str(manifest.get('runtime-version', '')).isdigit(),
              'a release build pins a numbered runtime-version')
    check(manifest.get('command') == 'bosai-desk', 'command is bosai-desk')
    finish_args = manifest.get('finish-args', [])
    for arg in ('--share=ipc', '--socket=wayland', '--socket=fallback-x11', '--device=dri'):
        check(arg in finish_args, 'finish-args has ' + arg)
    check(not any(a.startswith('--filesystem=host') or a == '--socket=x11' for a in finish_args),
          'finish-args are minimal (no host filesystem, no plain x11)')

    modules = manifest.get('modules', [])
    check(isinstance(modules, list) and modules, 'has modules')
    names = []
    for module in modules:
        if isinstance(module, str):
            check(False, 'module %s is inline, not a separate file' % module)
            continue
        name = module.get('name', '?')
        names.append(name)
        check('buildsystem' in module or 'build-commands' in module,
              'module %s has a build system' % name)
        for source in module.get('sources', []):
            kind = source.get('type')
            if kind == 'git':
                check('tag' in source or 'commit' in source,
                      'git source of %s has a tag or commit' % name)
                check('branch' not in source or 'commit' in source,
                      'git source of %s does not follow a branch' % name)
            elif kind in ('archive', 'file'):
                check('sha256' in source or 'sha512' in source,
                      '%s source of %s has a checksum' % (kind, name))
    check('libshumate' in names, 'libshumate is built (not in the GNOME runtime)')
    check(names and names[-1] == 'bosai-desk', 'the app module comes last')
    if names and names[-1] == 'bosai-desk':
        app = modules[-1]
        check(app.get('buildsystem') == 'meson', 'the app module uses meson')
        check({'type': 'dir', 'path': '..'} in app.get('sources', []),
              'the app module builds the source tree')

    print('1..%d' % len(checks))
    for i, (ok, what) in enumerate(checks, 1):
        print('%s %d %s' % ('ok' if ok else 'not ok', i, what))
    return 0 if all(ok for ok, _ in checks) else 1


if __name__ == '__main__':
    sys.exit(main())
