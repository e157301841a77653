"""Issue #22, points 2 and 3, as a person meets them: the real app under X, keys only.

A quick log with a pause in the contact name (the matches open), then Tab, keeps every
keystroke; a meeting entered as "02/12/2026 19:00" saves.
"""

from __future__ import annotations

import secrets
import subprocess
from pathlib import Path

import pytest

from tests.acceptance.harness import STEP_TIMEOUT, App, Harness, NotYet, Shot, Window
from tests.acceptance.test_desk_under_x import (
    DEMO_PASSWORD,
    SIGN_IN,
    exported,
    sign_in,
)

pytestmark = pytest.mark.acceptance

NOTE_NAVY = "#1f3a5f"  # a calm note (style.qss QLabel#formNote): the quick log's "Logged."
FOCUS_RING = "#2b6cb0"  # style.qss: the ring round the field that has the keyboard
ERROR_RED = "#b3261e"  # the quick log's refusals (gui/quick_log.py ERROR_INK), field errors
BUTTON_ROW = 40  # px: the quick log's bottom row, its hint and the Log and Close buttons
MESSAGE_STRIP = 110  # px over it: the summary's foot, the time, the message, the offer


def window_shot(world: Harness, window: Window, name: str | None = None) -> Shot:
    """A screenshot of one window (`xwd -id`), kept beside the test's evidence.

    The root window's picture (`xwd -root`) shows a dialog drawn with its own visual as
    black under Xvfb, which has no compositor to put it on the screen's picture.
    """
    done = subprocess.run(
        ["xwd", "-id", str(window.id), "-silent"], env=world.x.env, capture_output=True,
        timeout=30,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    shot = Shot.from_xwd(done.stdout)
    if name is not None:
        world.evidence.shots += 1
        shot.save_png(world.evidence.folder / f"{world.evidence.shots:02d}-{name}.png")
    return shot


def whole(shot: Shot) -> tuple[int, int, int, int]:
    return (0, 0, shot.width, shot.height)


def message_area(shot: Shot) -> tuple[int, int, int, int]:
    """The strip over the quick log's bottom row (Log is a navy button, and a ticked issue's
    box is navy too): the last fields and the message line under them, once the offer to
    add a contact (navy button text) has gone."""
    return (0, shot.height - BUTTON_ROW - MESSAGE_STRIP, shot.width, MESSAGE_STRIP)


def popups(app: App) -> list[str]:
    """The app's windows that are on screen now, titled or not (a drop-down's list is not)."""
    found = app.x.xdotool("search", "--onlyvisible", "--pid", str(app.pid), check=False)
    return found.split()


def test_quick_log_pause_in_the_contact_name_then_tab_keeps_every_keystroke(
    harness: Harness, demo_store: Path
) -> None:
    app = harness.start(demo_store)
    main = sign_in(app, app.window(SIGN_IN), "pcso", DEMO_PASSWORD)
    known = exported(harness, demo_store, "contacts", "sergeant")[0]["Name"]
    first, name = known[:3], f"{known[:3]}ra Newcomer {secrets.token_hex(2)}"
    summary = f"Acceptance {secrets.token_hex(4)}: parking on the verge by the school"

    app.key(main, "ctrl+l")
    quick = app.window(r"^Log engagement", timeout=STEP_TIMEOUT)
    before = set(popups(app))
    app.key(quick, "alt+o")  # C&ontact
    app.type(quick, first)

    def matches_open() -> str:
        opened = set(popups(app)) - before
        if not opened:
            raise NotYet("no list of matches on screen")
        return opened.pop()

    matches = harness.evidence.wait(matches_open, STEP_TIMEOUT, "the contact matches to open")
    window_shot(harness, quick, "quick-log-paused")
    window_shot(harness, Window(int(matches), "", app.pid), "quick-log-matches-open")
    harness.x.type(name[len(first) :])  # typed on while the matches are open
    harness.x.key("Tab")  # moves on to the issues
    harness.x.type("6")  # ticks parking
    harness.x.key("Tab")
    harness.x.type(summary)
    harness.x.key("ctrl+Return")  # the name was not picked: said, and "add" offered

    def offered() -> None:
        shot = window_shot(harness, quick)
        if shot.span(ERROR_RED, whole(shot)) < 150:
            raise NotYet("no refusal on the quick log's message line")

    harness.evidence.wait(offered, STEP_TIMEOUT, "the quick log to say it is not picked")
    window_shot(harness, quick, "quick-log-not-picked")
    harness.x.key("alt+a")  # &Add '...' as a new contact: adds them and logs

    def logged() -> dict[str, str]:
        rows = exported(harness, demo_store, "engagements", "sergeant")
        found = [r for r in rows if r["Summary"] == summary]
        if not found:
            raise NotYet(f"{len(rows)} engagements, none with the summary typed")
        return found[0]

    row = harness.evidence.wait(logged, 60, "the engagement typed in the quick log")
    assert row["Contacts"] == name, f"every keystroke of the name: {row['Contacts']!r}"
    assert row["Issues"].lower() == "parking", row["Issues"]

    def calm() -> None:
        shot = window_shot(harness, quick)
        red, navy = shot.span(ERROR_RED, whole(shot)), shot.span(NOTE_NAVY, message_area(shot))
        if red > 0 or navy < 150:
            raise NotYet(f"red text {red} px wide, navy text {navy} px wide over the buttons")

    harness.evidence.wait(calm, STEP_TIMEOUT, "'Logged.' in calm navy, no red")
    window_shot(harness, quick, "quick-log-logged")
    app.key(quick, "Escape")  # nothing typed any more: closes without asking
    assert app.quit(main) == 0


def open_new_meeting(app: App, main: Window) -> Window:
    app.key(main, "ctrl+5")  # Go → Meetings
    app.key(main, "alt+n")  # &New meeting
    return app.window(r"^New meeting", timeout=STEP_TIMEOUT)


def test_a_meeting_entered_as_02_12_2026_19_00_saves(harness: Harness, demo_store: Path) -> None:
    app = harness.start(demo_store)
    main = sign_in(app, app.window(SIGN_IN), "pcso", DEMO_PASSWORD)
    title = f"Acceptance PACT {secrets.token_hex(3)}"
    editor = open_new_meeting(app, main)
    # The fields in order: Type, Title, Public title, Venue, Starts; the editor opens with
    # the keyboard on Type.

    def drawn() -> Shot:
        shot = window_shot(harness, editor)
        if not shot.share(NOTE_NAVY, whole(shot)):  # the default button, Save, is navy
            raise NotYet("the editor is not drawn yet")
        return shot

    shot = harness.evidence.wait(drawn, STEP_TIMEOUT, "the meeting editor to be drawn")
    app.click(editor, 12, shot.height - 20)  # the blank corner: the window one types into
    app.key(editor, "Tab")  # an editor opens with the keyboard on its first field, Type

    def on_title() -> None:  # the keys reach the editor: its Title box has the focus ring
        shot = window_shot(harness, editor)
        if not shot.share(FOCUS_RING, whole(shot)):
            raise NotYet("no field of the editor has the keyboard")

    harness.evidence.wait(on_title, STEP_TIMEOUT, "the keyboard to reach the meeting editor")
    app.type(editor, title)
    app.key(editor, "Tab", "Tab")
    app.type(editor, "Village hall")
    app.key(editor, "Tab")
    app.type(editor, "02/12/2026 19:00")

    def accepted() -> None:  # checked as typed: "02/12/2026" alone has no time yet
        shot = window_shot(harness, editor)
        if shot.span(ERROR_RED, whole(shot)):
            raise NotYet("a field's error shows")

    harness.evidence.wait(accepted, STEP_TIMEOUT, "the typed start to be taken")
    window_shot(harness, editor, "meeting-typed-day-first")
    app.key(editor, "Return")  # in a text box: the dialog's default button, Save

    def saved() -> dict[str, str]:
        rows = exported(harness, demo_store, "meetings", "sergeant")
        found = [r for r in rows if r["Title"] == title]
        if not found:
            raise NotYet(f"{len(rows)} meetings, none titled {title!r}")
        return found[0]

    row = harness.evidence.wait(saved, 60, "the meeting typed with a day-first date")
    assert row["Starts"].startswith("2026-12-02 19:00"), row
    assert app.quit(main) == 0
