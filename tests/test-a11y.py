#!/usr/bin/python3
# test-a11y.py: every control of the real window has a name in the UI
# language, as a screen reader reads it (AT-SPI).
#
# Starts the real bosai-desk under the test's X display and D-Bus session
# (the accessibility bus starts on demand) in Japanese, with no
# BD_LOCALEDIR (so the build tree's translations must be found on their
# own) and a demo database of 20 reports; walks the accessibility tree of
# its window: as it opens, with the report editor open, and with the sync
# status popover open. Fails listing every control (buttons, toggles, combo
# boxes, entries, list items, spin buttons, check boxes, menu items…) that
# has no name, a GTK class name ("GtkSearchEntry") or English words
# ("Zoom In") for a name. TAP output.
#
# Usage: test-a11y.py BOSAI_DESK_BINARY

import re
import sys
import time

from atspi_app import App, name_of, pyatspi, role_of, run, tap, wait_for

CONTROL_ROLES = {
    pyatspi.ROLE_PUSH_BUTTON,
    pyatspi.ROLE_TOGGLE_BUTTON,
    pyatspi.ROLE_CHECK_BOX,
    pyatspi.ROLE_RADIO_BUTTON,
    pyatspi.ROLE_COMBO_BOX,
    pyatspi.ROLE_ENTRY,
    pyatspi.ROLE_PASSWORD_TEXT,
    pyatspi.ROLE_TEXT,
    pyatspi.ROLE_SPIN_BUTTON,
    pyatspi.ROLE_SLIDER,
    pyatspi.ROLE_LIST_ITEM,
    pyatspi.ROLE_MENU_ITEM,
    pyatspi.ROLE_CHECK_MENU_ITEM,
    pyatspi.ROLE_RADIO_MENU_ITEM,
    pyatspi.ROLE_PAGE_TAB,
    pyatspi.ROLE_LINK,
    pyatspi.ROLE_LIST,
    pyatspi.ROLE_LIST_BOX,
    pyatspi.ROLE_TREE_TABLE,
}

# GTK 4.8 names an unnamed accessible after its class.
CLASS_NAME = re.compile(r"^(Gtk|Adw|Shumate|Bd|Gdk)[A-Z][A-Za-z]*$")
# An English word: two ASCII letters or more.
ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")
# Words that are not English in a Japanese name.
ALLOWED_WORDS = {"km", "URL", "ID", "GPS", "CSV", "GeoJSON", "PDF", "OK",
                 "YYYY", "MM", "DD", "HH"}  # a date format: 確認日時（YYYY-MM-DD HH:MM）


def is_visible(node):
    try:
        return node.getState().contains(pyatspi.STATE_VISIBLE)
    except Exception:
        return False


def problem_with(name):
    if name.strip() == "":
        return "no name"
    if CLASS_NAME.match(name):
        return "a class name"
    words = [w for w in ENGLISH_WORD.findall(name) if w not in ALLOWED_WORDS]
    if words:
        return "English: " + " ".join(words)
    return None


def path_of(ancestors):
    parts = []
    for node in ancestors[1:]:
        name = name_of(node)
        if name and not CLASS_NAME.match(name):
            parts.append("%s “%s”" % (node.getRoleName(), name[:40]))
    return " > ".join(parts[-3:]) or "the window"


def context_of(node):
    """What a reader of the log needs to find the control: its tooltip
    (the accessible description) and the first text inside it."""
    bits = []
    try:
        if node.description:
            bits.append("description “%s”" % node.description[:60])
    except Exception:
        pass
    texts = find_all(node, lambda n: role_of(n) == pyatspi.ROLE_LABEL and name_of(n))
    if texts:
        bits.append("shows “%s”" % name_of(texts[0])[:40])
    return (" (" + ", ".join(bits) + ")") if bits else ""


def walk(node, ancestors, problems, seen):
    if node is None or not is_visible(node):
        return
    role = role_of(node)
    parent_role = role_of(ancestors[-1]) if ancestors else None
    # The parts of a composite control (a drop-down's button, a menu
    # button's toggle) are named by the composite, which is checked.
    part_of_composite = parent_role in (pyatspi.ROLE_COMBO_BOX, pyatspi.ROLE_PUSH_BUTTON,
                                        pyatspi.ROLE_TOGGLE_BUTTON, pyatspi.ROLE_SPIN_BUTTON,
                                        pyatspi.ROLE_ENTRY)
    if role in CONTROL_ROLES and not part_of_composite:
        name = name_of(node)
        problem = problem_with(name)
        if problem is not None:
            key = "%s [%s]%s in %s: %s" % (node.getRoleName(), name, context_of(node),
                                            path_of(ancestors), problem)
            if key not in seen:
                seen.add(key)
                problems.append(key)
    try:
        children = list(node)
    except Exception:
        children = []
    for child in children:
        walk(child, ancestors + [node], problems, seen)


def find_all(node, predicate, found=None):
    if found is None:
        found = []
    if node is None:
        return found
    try:
        if is_visible(node) and predicate(node):
            found.append(node)
        for child in node:
            find_all(child, predicate, found)
    except Exception:
        pass
    return found


def press(node):
    action = node.queryAction()
    for i in range(action.nActions):
        if action.getName(i) in ("click", "press", "activate"):
            return action.doAction(i)
    return action.doAction(0)


def check(what, root):
    problems = []
    walk(root, [], problems, set())
    tap(not problems, "every control is named in Japanese: " + what,
        ["unnamed or not in Japanese: " + p for p in problems])
    return problems


def main():
    bosai = App(sys.argv[1], "bd-test-a11y-", ["--demo-data", "20"])
    print("1..5")
    app = bosai.start()
    try:
        if app is None:
            tap(False, "the window is on the accessibility bus",
                ["the app printed:"] + bosai.log().splitlines()[-20:])
            return
        frame = wait_for(lambda: next((f for f in app if role_of(f) == pyatspi.ROLE_FRAME), None))
        title = name_of(frame) if frame is not None else None
        tap(title == "防災デスク", "the window is on the accessibility bus, titled 防災デスク",
            ["window title: %r" % title])
        if frame is None:
            return
        # The demo reports are listed.
        wait_for(lambda: len(find_all(frame, lambda n: role_of(n) == pyatspi.ROLE_LIST_ITEM)) >= 5)

        check("the window", frame)

        # The editor: the "new report" button of the header bar.
        new_buttons = find_all(frame, lambda n: role_of(n) == pyatspi.ROLE_PUSH_BUTTON
                               and name_of(n) == "新規報告")
        if new_buttons:
            press(new_buttons[0])
            time.sleep(1.5)
            check("the report editor", frame)
        else:
            tap(False, "every control is named in Japanese: the report editor",
                ["no push button named 新規報告"])

        # The sync status popover.
        sync_buttons = find_all(frame, lambda n: role_of(n) in (pyatspi.ROLE_PUSH_BUTTON,
                                                                 pyatspi.ROLE_TOGGLE_BUTTON)
                                and name_of(n).startswith("同期の状態"))
        def n_buttons():
            return len(find_all(app, lambda n: role_of(n) == pyatspi.ROLE_PUSH_BUTTON))

        if sync_buttons:
            before = n_buttons()
            press(sync_buttons[-1])
            # Its buttons (Preferences, Sync Now) are there once it is open.
            if wait_for(lambda: n_buttons() > before, timeout=10):
                check("the sync status popover", app)
            else:
                tap(False, "every control is named in Japanese: the sync status popover",
                    ["the popover did not open"])
        else:
            tap(False, "every control is named in Japanese: the sync status popover",
                ["no button whose name starts with 同期の状態"])
    finally:
        bosai.stop()


if __name__ == "__main__":
    run(main)
