#!/bin/sh
# with-keyring.sh COMMAND [ARG…] — runs COMMAND in a private D-Bus session
# with its own gnome-keyring (unlocked, files in a temporary folder), so that
# tests can store and read secrets without touching the user's keyring.
#
# Copyright 2026 The Bosai Desk Authors
# SPDX-License-Identifier: GPL-3.0-or-later

set -eu

dir=$(mktemp -d "${TMPDIR:-/tmp}/bd-keyring-XXXXXX")
trap 'rm -rf "$dir"' EXIT
mkdir -m 700 "$dir/run" "$dir/data" "$dir/config" "$dir/cache"
export HOME="$dir" XDG_RUNTIME_DIR="$dir/run" XDG_DATA_HOME="$dir/data" \
  XDG_CONFIG_HOME="$dir/config" XDG_CACHE_HOME="$dir/cache"

# gnome-keyring-daemon --unlock makes and unlocks the login keyring with the
# password on stdin; it leaves the session bus when the session ends.
dbus-run-session -- sh -c '
  printf "%s" bosai-test | gnome-keyring-daemon --unlock --components=secrets > /dev/null || {
    echo "Bail out! gnome-keyring-daemon did not start"; exit 1; }
  i=0
  until dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
          org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2> /dev/null |
        grep -q "boolean true"; do
    i=$((i + 1))
    if [ "$i" -ge 200 ]; then
      echo "Bail out! no Secret Service on the test bus"; exit 1
    fi
    sleep 0.05
  done
  exec "$@"' sh "$@"
