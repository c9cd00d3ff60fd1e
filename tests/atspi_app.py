# atspi_app.py: what the tests that drive the real window through AT-SPI
# share (test-a11y.py, test-task-steps.py): TAP output, a few AT-SPI
# look-ups, and starting bosai-desk in Japanese with the bridge on, on an
# offline map tile, with a crash check when it is stopped.

import math
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib

TIMEOUT = 30.0

try:
    import pyatspi
except ImportError as e:  # pragma: no cover
    print("1..0 # SKIP pyatspi is missing: %s" % e)
    sys.exit(0)

# TAP

counter = 0
failed = False


def tap(ok, what, details=()):
    global counter, failed
    counter += 1
    for line in details:
        print("# " + line)
    print(("ok %d %s" if ok else "not ok %d %s") % (counter, what))
    sys.stdout.flush()
    if not ok:
        failed = True


def note(text):
    print("# " + text)
    sys.stdout.flush()


def run(main):
    """Runs @main; a crash of the test itself is a failure. Exits."""
    try:
        main()
    except Exception:
        import traceback
        for line in traceback.format_exc().splitlines():
            print("# " + line)
        tap(False, "the test ran")
    sys.exit(1 if failed else 0)


# AT-SPI

def name_of(node):
    try:
        return node.name or ""
    except Exception:
        return ""


def role_of(node):
    try:
        return node.getRole()
    except Exception:
        return None


def wait_for(function, timeout=TIMEOUT, interval=0.2):
    end = time.monotonic() + timeout
    while True:
        value = function()
        if value:
            return value
        if time.monotonic() >= end:
            return None
        time.sleep(interval)


def find_app(pid):
    desktop = pyatspi.Registry.getDesktop(0)
    for app in desktop:
        try:
            if app is not None and app.get_process_id() == pid and app.childCount > 0:
                return app
        except Exception:
            pass
    return None


# The app

def write_tile(folder, z, lat, lon):
    """One plain 256×256 PNG tile at @lat, @lon: an offline base map (no
    network, and no "cannot open the offline map" toast)."""
    n = 2 ** z
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    raw = b"".join(b"\x00" + b"\xee\xee\xee" * 256 for _ in range(256))

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    png = (b"\x89PNG\r\n\x1a\n" +
           chunk(b"IHDR", struct.pack(">IIBBBBB", 256, 256, 8, 2, 0, 0, 0)) +
           chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    path = os.path.join(folder, str(z), str(x))
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, "%d.png" % y), "wb") as f:
        f.write(png)


class App:
    """bosai-desk in a folder of its own: Japanese, the AT-SPI bridge on
    (no NO_AT_BRIDGE, no GTK_A11Y=none), no BD_LOCALEDIR (the build tree's
    translations are found on their own), memory settings, one offline
    map tile."""

    def __init__(self, app_path, prefix, extra_args=()):
        self.tmp = tempfile.mkdtemp(prefix=prefix)
        self.db_path = os.path.join(self.tmp, "reports.sqlite")
        self.log_path = os.path.join(self.tmp, "app.log")
        tiles = os.path.join(self.tmp, "tiles")
        write_tile(tiles, 12, 34.6863, 135.5200)
        self.argv = [app_path, "--database", self.db_path] + list(extra_args) + \
                    ["--offline-map", tiles]
        self.env = dict(os.environ)
        for var in ("NO_AT_BRIDGE", "GTK_A11Y", "BD_LOCALEDIR", "LANGUAGE"):
            self.env.pop(var, None)
        self.env.update({
            "LANG": "ja_JP.UTF-8",
            "LC_ALL": "ja_JP.UTF-8",
            "LANGUAGE": "ja",
            "XDG_CONFIG_HOME": os.path.join(self.tmp, "config"),
            "XDG_DATA_HOME": os.path.join(self.tmp, "data"),
            "XDG_CACHE_HOME": os.path.join(self.tmp, "cache"),
            "GSETTINGS_BACKEND": "memory",
            "GDK_BACKEND": "x11",
        })
        self.proc = None

    def log(self):
        try:
            with open(self.log_path, "rb") as log:
                return log.read().decode("utf-8", "replace").strip()
        except OSError:
            return ""

    def start(self):
        """Starts it; returns its AT-SPI application, or None (it ended, or
        never reached the bus). The shared Xvfb sometimes refuses a
        connection while other UI tests start (as test-japanese.sh notes):
        that is not the app's doing, so such a launch is tried again."""
        app = None
        for attempt in range(3):
            with open(self.log_path, "wb") as log:
                self.proc = subprocess.Popen(self.argv, env=self.env, stdout=log,
                                             stderr=subprocess.STDOUT)
            app = wait_for(lambda: find_app(self.proc.pid) or self.proc.poll() is not None)
            if app is True and "cannot open display" in self.log() and attempt < 2:
                note("the display refused the connection: once more")
                time.sleep(1)
                continue
            break
        return None if app is True else app

    def stop(self):
        """Ends it and its folder; a TAP line says whether it had crashed."""
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        log = self.log()
        shutil.rmtree(self.tmp, ignore_errors=True)
        ok = self.proc.returncode in (0, -15)
        tap(ok, "the app ended without a crash",
            ["exit status %s" % self.proc.returncode] +
            (["the app printed:"] + log.splitlines()[-20:] if not ok else []))
