#!/bin/bash
# test-build-locale.sh: run by hand from the build tree, as the README says
# (LANGUAGE=ja LC_ALL=ja_JP.UTF-8 build/src/app/bosai-desk), the app finds
# the build's translations with no BD_LOCALEDIR; a copy of the binary
# outside a build tree does not look there. TAP output.
#
# Usage: test-build-locale.sh BOSAI_DESK_BINARY

set -u
app=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "1..2"
failed=0
summary_ja='災害の被害報告を地図上に記録します。'

if ! locale -a 2>/dev/null | grep -qi '^ja_JP\.utf-\?8$'; then
  echo "# the ja_JP.UTF-8 locale is missing (make deps generates it)"
  echo "not ok 1 --help in Japanese from the build tree"; failed=1
else
  out=$(env -u BD_LOCALEDIR LANGUAGE=ja LC_ALL=ja_JP.UTF-8 "$app" --help 2>&1)
  if echo "$out" | grep -qF "$summary_ja"; then
    echo "ok 1 --help in Japanese from the build tree"
  else
    echo "$out" | sed 's/^/# /'
    echo "not ok 1 --help in Japanese from the build tree"; failed=1
  fi
fi

# Outside a build tree (no meson-private beside src/app): the installed
# catalogues only, so the build's po folder is not used by accident.
mkdir -p "$tmp/src/app"
cp "$app" "$tmp/src/app/bosai-desk"
out=$(env -u BD_LOCALEDIR LANGUAGE=ja LC_ALL=ja_JP.UTF-8 "$tmp/src/app/bosai-desk" --help 2>&1)
if echo "$out" | grep -qF "$summary_ja" && [ ! -e /usr/share/locale/ja/LC_MESSAGES/bosai-desk.mo ] &&
   [ ! -e /usr/local/share/locale/ja/LC_MESSAGES/bosai-desk.mo ]; then
  echo "$out" | sed 's/^/# /'
  echo "not ok 2 a copy outside the build tree does not use the build's po folder"; failed=1
else
  echo "ok 2 a copy outside the build tree does not use the build's po folder"
fi

exit $failed
