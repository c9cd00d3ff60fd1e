#!/usr/bin/python3
# bench-xwait.py --title REGEX [--timeout S] [--interval S] [--log FILE] -- COMMAND...
#
# Copyright 2026 The Bosai Desk Authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# For tests/bench-startup.sh: opens ONE connection to the X server, starts
# COMMAND, and polls (every 10 ms) for a viewable top-level window whose
# title matches REGEX. Prints one line:
#
#   visible MS PID      the window appeared MS milliseconds after the start
#   exited MS STATUS    the command ended first
#   timeout MS PID      no window in time
#
# and leaves the command running (the caller measures and stops it).
#
# Why not `xdotool search` in a loop: Xvfb (21.1 here) now and then drops a
# new client's connection while another client connects and disconnects
# a hundred times a second, so the program under test sometimes failed
# with "cannot open display". One long-lived connection avoids that.

import argparse
import ctypes
import re
import subprocess
import sys
import time

IS_VIEWABLE = 2
ANY_PROPERTY_TYPE = 0
XA_WM_NAME = 39


class XWindowAttributes(ctypes.Structure):
    _fields_ = [
        ('x', ctypes.c_int), ('y', ctypes.c_int),
        ('width', ctypes.c_int), ('height', ctypes.c_int),
        ('border_width', ctypes.c_int), ('depth', ctypes.c_int),
        ('visual', ctypes.c_void_p), ('root', ctypes.c_ulong),
        ('class_', ctypes.c_int), ('bit_gravity', ctypes.c_int),
        ('win_gravity', ctypes.c_int), ('backing_store', ctypes.c_int),
        ('backing_planes', ctypes.c_ulong), ('backing_pixel', ctypes.c_ulong),
        ('save_under', ctypes.c_int), ('colormap', ctypes.c_ulong),
        ('map_installed', ctypes.c_int), ('map_state', ctypes.c_int),
        ('all_event_masks', ctypes.c_long), ('your_event_mask', ctypes.c_long),
        ('do_not_propagate_mask', ctypes.c_long),
        ('override_redirect', ctypes.c_int), ('screen', ctypes.c_void_p),
    ]


ERROR_HANDLER = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)


def load_xlib():
    x = ctypes.cdll.LoadLibrary('libX11.so.6')
    x.XOpenDisplay.restype = ctypes.c_void_p
    x.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x.XDefaultRootWindow.restype = ctypes.c_ulong
    x.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
    x.XInternAtom.restype = ctypes.c_ulong
    x.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    x.XQueryTree.argtypes = [ctypes.c_void_p, ctypes.c_ulong,
                             ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.c_ulong),
                             ctypes.POINTER(ctypes.POINTER(ctypes.c_ulong)),
                             ctypes.POINTER(ctypes.c_uint)]
    x.XGetWindowAttributes.argtypes = [ctypes.c_void_p, ctypes.c_ulong,
                                       ctypes.POINTER(XWindowAttributes)]
    x.XGetWindowProperty.argtypes = [
        ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_long, ctypes.c_long,
        ctypes.c_int, ctypes.c_ulong, ctypes.POINTER(ctypes.c_ulong),
        ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_ulong),
        ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.c_void_p)]
    x.XFree.argtypes = [ctypes.c_void_p]
    x.XSetErrorHandler.argtypes = [ERROR_HANDLER]
    x.XSetErrorHandler.restype = ctypes.c_void_p
    return x


def window_title(x, display, window, atoms):
    for atom in atoms:
        actual_type = ctypes.c_ulong()
        actual_format = ctypes.c_int()
        nitems = ctypes.c_ulong()
        after = ctypes.c_ulong()
        prop = ctypes.c_void_p()
        status = x.XGetWindowProperty(display, window, atom, 0, 1024, 0, ANY_PROPERTY_TYPE,
                                      ctypes.byref(actual_type), ctypes.byref(actual_format),
                                      ctypes.byref(nitems), ctypes.byref(after),
                                      ctypes.byref(prop))
        if status == 0 and prop.value:
            data = ctypes.string_at(prop.value, nitems.value) if actual_format.value == 8 else b''
            x.XFree(prop)
            if data:
                return data.decode('utf-8', 'replace')
    return None


def viewable_titles(x, display, root, atoms):
    root_ret = ctypes.c_ulong()
    parent = ctypes.c_ulong()
    children = ctypes.POINTER(ctypes.c_ulong)()
    n = ctypes.c_uint()
    titles = []
    if not x.XQueryTree(display, root, ctypes.byref(root_ret), ctypes.byref(parent),
                        ctypes.byref(children), ctypes.byref(n)):
        return titles
    try:
        for i in range(n.value):
            attrs = XWindowAttributes()
            if not x.XGetWindowAttributes(display, children[i], ctypes.byref(attrs)):
                continue
            if attrs.map_state != IS_VIEWABLE:
                continue
            title = window_title(x, display, children[i], atoms)
            if title is not None:
                titles.append(title)
    finally:
        if children:
            x.XFree(children)
    return titles


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--title', required=True, help='regular expression for the title')
    parser.add_argument('--timeout', type=float, default=30.0)
    parser.add_argument('--interval', type=float, default=0.01)
    parser.add_argument('--log', help="file for the command's output")
    parser.add_argument('command', nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ['--'] else args.command
    if not command:
        parser.error('no command')
    title = re.compile(args.title)

    x = load_xlib()
    display = x.XOpenDisplay(None)
    if not display:
        print('bench-xwait: cannot open the display', file=sys.stderr)
        return 2
    # A window may vanish between XQueryTree and the next request: ignore
    # the BadWindow errors that follow instead of exiting.
    handler = ERROR_HANDLER(lambda d, e: 0)
    x.XSetErrorHandler(handler)
    root = x.XDefaultRootWindow(display)
    atoms = [x.XInternAtom(display, b'_NET_WM_NAME', 0), XA_WM_NAME]

    t0 = time.monotonic()
    log = open(args.log, 'wb') if args.log else subprocess.DEVNULL
    proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    while True:
        elapsed_ms = int((time.monotonic() - t0) * 1000)
        if any(title.search(t) for t in viewable_titles(x, display, root, atoms)):
            print('visible %d %d' % (elapsed_ms, proc.pid), flush=True)
            return 0
        status = proc.poll()
        if status is not None:
            print('exited %d %d' % (elapsed_ms, status), flush=True)
            return 1
        if elapsed_ms > args.timeout * 1000:
            print('timeout %d %d' % (elapsed_ms, proc.pid), flush=True)
            return 1
        time.sleep(args.interval)


if __name__ == '__main__':
    sys.exit(main())
