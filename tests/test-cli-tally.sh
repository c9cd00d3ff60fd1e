#!/bin/bash
# bosai-desk --export-tally: the real binary, its exit codes and its CSV.
# Usage: test-cli-tally.sh BOSAI-DESK
set -u
desk="$1"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export LANGUAGE=C LC_ALL=C.UTF-8
n=0
fail=0
ok () { n=$((n+1)); echo "ok $n - $1"; }
not_ok () { n=$((n+1)); fail=1; echo "not ok $n - $1"; }
check () { if eval "$2"; then ok "$1"; else not_ok "$1"; fi; }
db="$dir/db.sqlite"

echo "1..13"
"$desk" --database "$db" --demo-data 300 --quit-after-setup >/dev/null 2>&1
check "demo database made" '[ -s "$db" ]'

"$desk" --database "$db" --export-tally "$dir/now.csv" >"$dir/out" 2>"$dir/err"
rc=$?
check "export as of now exits 0" '[ $rc -eq 0 ] && [ ! -s "$dir/err" ]'
check "header row, CRLF" '[ "$(head -1 "$dir/now.csv")" = $'"'"'edition,as_of,ward_code,ward_name,item,unit,value\r'"'"' ]'
check "25 columns x 46 items + header" '[ "$(wc -l < "$dir/now.csv")" -eq 1151 ]'
# the demo reports have counts: the city's casualties are not all zero
check "some counts in the city column" 'grep -q "^,[^,]*,271004,Osaka City,\"Casualties: Injured, slightly\",people,[1-9]" "$dir/now.csv"'

"$desk" --database "$db" --export-tally "$dir/old.csv" --as-of 2000-01-01T00:00:00+09:00 2>"$dir/err"
rc=$?
check "as of 2000: exit 0, every value 0" '[ $rc -eq 0 ] && ! grep -q ",[1-9][0-9.]*\r$" "$dir/old.csv" && grep -q "^,2000-01-01T00:00:00+09:00,271276,Kita," "$dir/old.csv"'

"$desk" --database "$db" --export-tally "$dir/bad.csv" --as-of "yesterday" 2>"$dir/err"
rc=$?
check "a bad time: exit 2, says why, no file" '[ $rc -eq 2 ] && grep -q "RFC 3339" "$dir/err" && [ ! -e "$dir/bad.csv" ]'

"$desk" --database "$db" --export-tally "$dir/no/such/dir/t.csv" 2>"$dir/err"
rc=$?
check "an unwritable file: exit 1, names it" '[ $rc -eq 1 ] && grep -q "no/such/dir/t.csv" "$dir/err"'

"$desk" --database "$db" --as-of 2026-12-06T14:00:00+09:00 2>"$dir/err"
rc=$?
check "--as-of without --export-tally: exit 2" '[ $rc -eq 2 ] && grep -q -- "--export-tally" "$dir/err"'

"$desk" --database "$db" --export-tally "$dir/e.csv" --edition 1 2>"$dir/err"
rc=$?
check "an edition never issued: exit 2" '[ $rc -eq 2 ] && grep -q "edition 1" "$dir/err"'

"$desk" --database "$db" --export-tally "$dir/e.csv" --edition 1 --as-of 2026-12-06T14:00:00+09:00 2>"$dir/err"
rc=$?
check "--edition with --as-of: exit 2" '[ $rc -eq 2 ]'

# an issued edition, as another bosai-desk would have stored it
sqlite3 "$db" "INSERT INTO tally_editions VALUES (1, '2026-12-06T14:00:00+09:00', 1796533200, '2026-12-06T05:01:00Z', 'hq');
               INSERT INTO tally_edition_values VALUES (1, '271284', 'road.sites', 7);
               INSERT INTO tally_edition_values VALUES (1, '271004', 'road.sites', 7);"
"$desk" --database "$db" --export-tally "$dir/e.csv" --edition 1 2>"$dir/err"
rc=$?
check "edition 1 re-exported as issued" '[ $rc -eq 0 ] && grep -q $'"'"'^1,2026-12-06T14:00:00+09:00,271284,Chuo,Other damage: Roads,sites,7\r$'"'"' "$dir/e.csv" && grep -q $'"'"'^1,2026-12-06T14:00:00+09:00,271276,Kita,Other damage: Roads,sites,0\r$'"'"' "$dir/e.csv"'

LANGUAGE=ja LC_ALL=ja_JP.UTF-8 "$desk" --database "$db" --export-tally "$dir/ja.csv" --edition 1 2>"$dir/err"
check "in Japanese: the form's names and units" 'grep -q $'"'"'^1,2026-12-06T14:00:00+09:00,271284,中央区,その他・道路,箇所,7\r$'"'"' "$dir/ja.csv"'
exit $fail
