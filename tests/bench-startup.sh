#!/usr/bin/env bash
# bench-startup.sh: how long bosai-desk takes to show its window, and how much
# memory it holds, against a floor and against GNOME Maps.
#
# Copyright 2026 The Bosai Desk Authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Under one Xvfb server and one D-Bus session bus started here, for each of
#   - bench-floor: a bare GtkApplicationWindow with a ShumateSimpleMap,
#   - bosai-desk with a database of 100,000 demo reports,
#   - gnome-maps,
# RUNS times each: launch, poll for the window every 10 ms (over one X
# connection: tests/bench-xwait.py) → launch-to-visible time; wait 3 s, read VmRSS from
# /proc/PID/status; stop it. Prints medians and ratios. A benchmark: it
# prints figures and does not pass or fail on them.
#
# Every run gets GSETTINGS_BACKEND=memory, fresh XDG_CACHE_HOME,
# XDG_CONFIG_HOME and XDG_DATA_HOME, and no network (its own empty network
# namespace when `unshare -n` works, i.e. as root).
#
# Environment: BUILDDIR (default build), RUNS (5), N_REPORTS (100000),
# SETTLE (seconds before reading VmRSS, 3), PROGRAMS (which to measure,
# default "floor bosai-desk gnome-maps").

set -uo pipefail
cd "$(dirname "$0")/.."

BUILDDIR=${BUILDDIR:-build}
RUNS=${RUNS:-5}
N_REPORTS=${N_REPORTS:-100000}
SETTLE=${SETTLE:-3}
TIMEOUT_MS=${TIMEOUT_MS:-30000}
PROGRAMS=${PROGRAMS:-floor bosai-desk gnome-maps}

APP="$BUILDDIR/src/app/bosai-desk"
FLOOR="$BUILDDIR/tests/bench-floor"
MAPS=$(command -v gnome-maps || true)
SCHEMA_DIR="$PWD/$BUILDDIR/resources"
DB_DIR="$PWD/$BUILDDIR/bench"
DB="$DB_DIR/startup-$N_REPORTS.sqlite"

for tool in Xvfb xdpyinfo dbus-daemon; do
  if ! command -v "$tool" >/dev/null; then
    echo "bench-startup: $tool is missing (make deps installs it)" >&2
    exit 1
  fi
done
for prog in "$APP" "$FLOOR"; do
  if [ ! -x "$prog" ]; then
    echo "bench-startup: $prog is not built (make build)" >&2
    exit 1
  fi
done

WORK=$(mktemp -d /tmp/bench-startup.XXXXXX)
XVFB_PID=
DBUS_PID=
CHILD_PID=

cleanup ()
{
  [ -n "$CHILD_PID" ] && kill -KILL "$CHILD_PID" 2>/dev/null
  [ -n "$DBUS_PID" ] && kill "$DBUS_PID" 2>/dev/null
  [ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null
  wait 2>/dev/null
  [ -n "${KEEP_WORK:-}" ] && echo "kept $WORK" >&2 || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now_ms ()
{
  local ns
  ns=$(date +%s%N)
  echo $((ns / 1000000))
}

# --- one Xvfb server ------------------------------------------------------
display=99
while [ -e "/tmp/.X11-unix/X$display" ] || [ -e "/tmp/.X$display-lock" ]; do
  display=$((display + 1))
done
Xvfb ":$display" -screen 0 1280x800x24 -nolisten tcp >"$WORK/xvfb.log" 2>&1 &
XVFB_PID=$!
export DISPLAY=":$display"
for _ in $(seq 100); do
  xdpyinfo >/dev/null 2>&1 && break
  sleep 0.05
done
if ! xdpyinfo >/dev/null 2>&1; then
  echo "bench-startup: Xvfb did not start:" >&2
  cat "$WORK/xvfb.log" >&2
  exit 1
fi

# --- one D-Bus session bus, on a socket path (reachable from another network
# namespace, unlike an abstract socket) ------------------------------------
DBUS_SESSION_BUS_ADDRESS="unix:path=$WORK/bus"
export DBUS_SESSION_BUS_ADDRESS
dbus-daemon --session --nofork --address="$DBUS_SESSION_BUS_ADDRESS" \
  >"$WORK/dbus.log" 2>&1 &
DBUS_PID=$!
for _ in $(seq 100); do
  [ -S "$WORK/bus" ] && break
  sleep 0.02
done

# No network: an empty network namespace when we may make one.
NONET=()
if [ "${ISOLATE_NETWORK:-1}" = 1 ] && unshare -n true 2>/dev/null; then
  NONET=(unshare -n)
  network_note="none (own network namespace)"
else
  network_note="not isolated (unshare -n not permitted); there is no internet here"
fi

common_env=(
  GSETTINGS_BACKEND=memory
  GSETTINGS_SCHEMA_DIR="$SCHEMA_DIR"
  GDK_BACKEND=x11
  GTK_A11Y=none
  NO_AT_BRIDGE=1
  LC_ALL=C.UTF-8
  LANGUAGE=
  DISPLAY="$DISPLAY"
  DBUS_SESSION_BUS_ADDRESS="$DBUS_SESSION_BUS_ADDRESS"
)

fresh_dirs ()
{
  local run_dir
  run_dir=$(mktemp -d "$WORK/run.XXXXXX")
  mkdir -p "$run_dir/cache" "$run_dir/config" "$run_dir/data"
  echo "$run_dir"
}

# --- the 100,000-report database, made once --------------------------------
mkdir -p "$DB_DIR"
if [ ! -f "$DB" ] || [ "$APP" -nt "$DB" ]; then
  rm -f "$DB" "$DB-wal" "$DB-shm"
  run_dir=$(fresh_dirs)
  echo "Making $DB ($N_REPORTS demo reports)..."
  t0=$(now_ms)
  if ! env "${common_env[@]}" XDG_CACHE_HOME="$run_dir/cache" \
       XDG_CONFIG_HOME="$run_dir/config" XDG_DATA_HOME="$run_dir/data" \
       "$APP" --database "$DB" --demo-data "$N_REPORTS" --quit-after-setup \
       >"$WORK/mkdb.log" 2>&1; then
    echo "bench-startup: could not make the database; bosai-desk is not measured:" >&2
    sed 's/^/    | /' "$WORK/mkdb.log" | tail -20 >&2
    rm -f "$DB" "$DB-wal" "$DB-shm"
  else
    echo "  made in $(( $(now_ms) - t0 )) ms"
  fi
fi
db_count=$(sqlite3 "$DB" 'SELECT count(*) FROM reports' 2>/dev/null || echo '?')

# --- measuring --------------------------------------------------------------

# measure NAME TITLE-REGEX CMD...: appends "ms rss_kb" lines to $WORK/NAME.
measure ()
{
  local name=$1 title=$2
  shift 2
  local run run_dir result state elapsed rss
  for run in $(seq "$RUNS"); do
    run_dir=$(fresh_dirs)
    result=$(env "${common_env[@]}" XDG_CACHE_HOME="$run_dir/cache" \
               XDG_CONFIG_HOME="$run_dir/config" XDG_DATA_HOME="$run_dir/data" \
               /usr/bin/python3 tests/bench-xwait.py --title "$title" \
                 --timeout $((TIMEOUT_MS / 1000)) --log "$run_dir/log" -- \
                 "${NONET[@]}" "$@")
    read -r state elapsed CHILD_PID <<<"$result"
    if [ "$state" != visible ]; then
      echo "  $name run $run: no visible window (${state:-poller failed} after ${elapsed:-?} ms); its output:" >&2
      sed 's/^/    | /' "$run_dir/log" | tail -20 >&2
      if [ "$state" = timeout ]; then stop_child; fi
      CHILD_PID=
      continue
    fi
    sleep "$SETTLE"
    rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$CHILD_PID/status" 2>/dev/null || true)
    if [ -z "$rss" ]; then
      echo "  $name run $run: exited before VmRSS could be read" >&2
      rss=NA
    fi
    printf '  %-12s run %d: %5d ms to visible, VmRSS %s kB\n' "$name" "$run" "$elapsed" "$rss"
    echo "$elapsed $rss" >>"$WORK/$name"
    stop_child
  done
}

# Stops $CHILD_PID (not our child any more: the poller started it) and waits
# until it has gone.
stop_child ()
{
  kill -TERM "$CHILD_PID" 2>/dev/null
  for _ in $(seq 100); do
    kill -0 "$CHILD_PID" 2>/dev/null || break
    sleep 0.02
  done
  kill -KILL "$CHILD_PID" 2>/dev/null
  for _ in $(seq 100); do
    kill -0 "$CHILD_PID" 2>/dev/null || break
    sleep 0.02
  done
  CHILD_PID=
}

median_col ()   # median_col FILE COLUMN
{
  awk -v c="$2" '$c != "NA" { print $c }' "$1" | sort -n |
    awk '{ v[NR] = $1 } END { if (NR == 0) print "NA";
          else if (NR % 2) print v[(NR + 1) / 2];
          else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo "Start-up benchmark: $RUNS runs each, Xvfb $DISPLAY 1280x800x24, network: $network_note"
echo "bosai-desk database: $DB ($db_count reports)"
echo

: >"$WORK/floor"
: >"$WORK/bosai-desk"
: >"$WORK/gnome-maps"
wanted () { case " $PROGRAMS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
if wanted floor; then
  measure floor '^Bench Floor$' "$FLOOR"
fi
if wanted bosai-desk && [ -f "$DB" ]; then
  measure bosai-desk '^(Bosai Desk|防災デスク)' "$APP" --database "$DB"
fi
if wanted gnome-maps; then
  if [ -n "$MAPS" ]; then
    measure gnome-maps '^Maps$' "$MAPS"
  else
    echo "  gnome-maps is not installed: skipped" >&2
  fi
fi

echo
printf '%-26s %18s %16s %6s\n' program "launch→visible ms" "VmRSS MB" runs
for name in floor bosai-desk gnome-maps; do
  t=$(median_col "$WORK/$name" 1)
  r=$(median_col "$WORK/$name" 2)
  n=$(wc -l <"$WORK/$name")
  case $name in
    floor) label="bench-floor (GTK+Shumate)" ;;
    bosai-desk) label="bosai-desk ($db_count reports)" ;;
    *) label=$name ;;
  esac
  if [ "$r" = NA ]; then rmb=NA; else rmb=$(awk -v r="$r" 'BEGIN { printf "%.1f", r / 1024 }'); fi
  printf '%-26s %18s %16s %6s\n' "$label" "$t" "$rmb" "$n"
  eval "T_${name//-/_}=\$t R_${name//-/_}=\$r"
done

compare ()   # compare A B
{
  local ta tb ra rb
  eval "ta=\$T_${1//-/_} tb=\$T_${2//-/_} ra=\$R_${1//-/_} rb=\$R_${2//-/_}"
  if [ "$ta" = NA ] || [ "$tb" = NA ] || [ "$ra" = NA ] || [ "$rb" = NA ]; then
    echo "$1 vs $2: not enough runs"
    return
  fi
  awk -v ta="$ta" -v tb="$tb" -v ra="$ra" -v rb="$rb" -v a="$1" -v b="$2" 'BEGIN {
    printf "%s / %s: time %.2fx (%+d ms), VmRSS %.2fx (%+.1f MB)\n",
      a, b, ta / tb, ta - tb, ra / rb, (ra - rb) / 1024 }'
}
echo
compare bosai-desk floor
compare bosai-desk gnome-maps
echo
echo "(launch→visible: from fork to the window being mapped, polled every 10 ms;"
echo " VmRSS read $SETTLE s after the window appeared; medians of $RUNS runs)"
