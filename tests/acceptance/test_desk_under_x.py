"""PCSO Desk as a person meets it: its own process on an X screen, keyboard and mouse only.

Each test starts from a data folder that does not exist yet (or one the command line just
made), drives the app through the X server (tests/acceptance/harness.py) and checks what
happened from outside: window titles, the screen, and the store through `pcso-desk`.
"""

from __future__ import annotations

import csv
import re
import secrets
from pathlib import Path

import pytest

from tests.acceptance.harness import STEP_TIMEOUT, App, Harness, NotYet, Window

pytestmark = pytest.mark.acceptance

DEMO_PASSWORD = "demo-password"  # what `pcso-desk demo` gives every demo account
ADMIN = "station.admin"
ADMIN_PASSWORD = "kettle on the third floor"
MAIN = r"^PCSO Desk( — |$)"  # the main window; dialogs read "<their title> — PCSO Desk"
SIGN_IN = r"^Sign in to PCSO Desk"
WELCOME = r"^Welcome to PCSO Desk"
RECOVERY = r"^Your store's recovery code"
LOCK_NAVY = "#1f3a5f"  # the lock screen's cover (gui/lock.py LockScreen)
MESSAGE_RED = "#8c1d18"  # a form's message line (style.qss QLabel#formMessage)


# -- what a person does, step by step ---------------------------------------------------------


def set_up_station(app: App, team: dict[str, str] | None = None) -> Window:
    """First run: choose "Set up this station", create the admin, fill or skip the team."""
    choice = app.window(WELCOME)
    app.key(choice, "alt+s")  # &Set up this station
    form = app.window(r"^Create the first administrator account")
    app.type(form, ADMIN)  # the user name has the focus
    app.key(form, "Tab")
    app.type(form, ADMIN_PASSWORD)
    app.key(form, "Tab")
    app.type(form, ADMIN_PASSWORD)
    app.key(form, "Return")
    code = app.window(RECOVERY)  # the new store's recovery code, shown this once
    app.key(code, "Return")
    step = app.window(r"^Your team")
    if team is None:
        app.key(step, "alt+k")  # S&kip for now
    else:
        app.type(step, team["team"])  # the team name has the focus
        for field in ("district", "neighbourhood", "station", "wards"):
            app.key(step, "Tab")
            app.type(step, team[field])
        app.key(step, "alt+v")  # Sa&ve and continue
    return app.window(MAIN)


def sign_in(
    app: App, form: Window, user: str, password: str, main: str = MAIN, mine: bool = True
) -> Window:
    """Sign in on the sign-in form with the keyboard; the main window that opens."""
    app.key(form, "alt+u")  # &User name: its text is selected, typing replaces it
    app.type(form, user)
    app.key(form, "alt+p")  # &Password
    app.type(form, password)
    app.key(form, "Return")
    return app.window(main, mine=mine)


def exported(world: Harness, data_dir: Path, table: str, user: str) -> list[dict[str, str]]:
    """`pcso-desk --data-dir D --user U export TABLE --format csv --out F`: F's rows."""
    out = world.folder / f"{table}-{secrets.token_hex(3)}.csv"
    done = world.cli(
        data_dir, "export", table, "--format", "csv", "--out", str(out),
        user=user, password=DEMO_PASSWORD,
    )  # fmt: skip
    assert done.returncode == 0, f"export {table} as {user} failed: {done.stderr}"
    with out.open(encoding="utf-8-sig", newline="") as handle:
        assert handle.readline().strip() == "OFFICIAL-SENSITIVE"  # every export is marked
        return list(csv.DictReader(handle))


def lock_state(world: Harness, window: Window) -> tuple[float, int]:
    """(share of the window the lock's navy covers, width of the red message line)."""
    shot = world.x.screenshot()
    area = world.x.geometry(window)
    return shot.share(LOCK_NAVY, area), shot.span(MESSAGE_RED, area)


# -- the scenarios ---------------------------------------------------------------------------


def test_first_start_sets_up_the_station_and_opens_today(harness: Harness) -> None:
    data = harness.folder / "station"
    assert not data.exists()
    app = harness.start(data)

    choice = app.window(WELCOME)
    assert app.title(choice).startswith("Welcome to PCSO Desk")
    team = {
        "team": "Quayside Safer Neighbourhood Team",
        "district": "Examplefield",
        "neighbourhood": "Quayside",
        "station": "Quayside Police Station",
        "wards": "Quayside Central, QSC\nLock Meadow",
    }
    main = set_up_station(app, team)
    assert app.title(main) == "PCSO Desk"
    assert app.quit(main) == 0

    check = harness.cli(data, "check", user=ADMIN, password=ADMIN_PASSWORD)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "Integrity check: ok" in check.stdout
    unsigned = harness.cli(data, "check")  # the store is encrypted: no key, no full check
    assert unsigned.returncode != 0 and "give --user" in unsigned.stderr, unsigned.stderr
    # The export is refused for the role only after the password was accepted: the account
    # typed into the app exists, with that password, as an administrator.
    contacts = harness.cli(
        data, "export", "contacts", "--format", "csv", "--out", str(harness.folder / "c.csv"),
        user=ADMIN, password=ADMIN_PASSWORD,
    )  # fmt: skip
    assert "An Admin account cannot export data" in contacts.stderr, contacts.stderr


def test_demo_opens_apart_from_the_real_store(harness: Harness) -> None:
    data = harness.folder / "station"
    app = harness.start(data)
    choice = app.window(WELCOME)
    app.focus(choice)
    width = app.x.geometry(choice)[2]
    app.click(choice, width // 2, 183)  # "Explore with demo data", under "Set up this station"
    form = app.window(SIGN_IN, timeout=180, mine=False)  # building the demo takes a while
    title = app.title(form)
    assert "DEMO" in title, f"the demo's sign-in form does not say DEMO: {title!r}"
    if form.pid != app.pid:
        harness.adopt(form)
    assert form.pid != app.pid, "the demo opened in the first app, not in its own"
    assert app.wait_exit() == 0, "the first app did not quit after opening the demo"

    main = sign_in(app, form, "pcso", DEMO_PASSWORD, r"^PCSO Desk — DEMO", mine=False)
    assert main.pid == form.pid

    demo = data / "demo"
    assert exported(harness, demo, "contacts", "sergeant"), "the demo store has no contacts"
    real = harness.cli(data, "check")  # choosing the demo set up no real store
    assert "There is no store" in real.stderr, real.stdout + real.stderr
    refused = harness.cli(
        data, "export", "contacts", "--format", "csv", "--out", str(harness.folder / "r.csv"),
        user="sergeant", password=DEMO_PASSWORD,
    )  # fmt: skip
    assert refused.returncode != 0, "a demo account can sign in to the real store"

    app.x.focus(main)
    app.x.key("ctrl+q")
    assert main.pid is not None
    harness.wait_gone(main.pid)


def test_lock_takes_the_typed_password(harness: Harness, demo_store: Path) -> None:
    app = harness.start(demo_store)
    main = sign_in(app, app.window(SIGN_IN), "pcso", DEMO_PASSWORD)

    def painted() -> float:
        navy, _red = lock_state(harness, main)  # the navigation pane is navy too
        if navy < 0.05:  # a CI run once read 0% here: the window was mapped, not yet drawn
            raise NotYet(f"{navy:.0%} navy: the navigation pane is not drawn yet")
        return navy

    before = harness.evidence.wait(painted, STEP_TIMEOUT, "the main window to be drawn")
    assert before < 0.4, f"the main window looks locked before Ctrl+Shift+L ({before:.0%} navy)"

    app.key(main, "ctrl+shift+l")

    def locked() -> float:
        navy, _red = lock_state(harness, main)
        if navy < 0.6:
            raise NotYet(f"{navy:.0%} of the window is the lock's navy")
        return navy

    harness.evidence.wait(locked, STEP_TIMEOUT, "the lock screen to cover the window")
    harness.evidence.screenshot("locked")

    app.type(main, "not-the-" + DEMO_PASSWORD)
    app.key(main, "Return")

    def refused() -> None:
        navy, red = lock_state(harness, main)
        if navy < 0.6:
            raise AssertionError(f"a wrong password unlocked the app ({navy:.0%} navy left)")
        if red < 150:  # "Checking…" is a short line; the refusal is a whole sentence
            raise NotYet(f"the message line is {red} px wide")

    harness.evidence.wait(refused, STEP_TIMEOUT, "the lock screen to refuse a wrong password")

    app.type(main, DEMO_PASSWORD)
    app.key(main, "Return")

    def unlocked() -> None:
        navy, _red = lock_state(harness, main)
        if navy > before + 0.05:
            raise NotYet(f"{navy:.0%} of the window is navy ({before:.0%} before locking)")

    harness.evidence.wait(unlocked, STEP_TIMEOUT, "the right password to unlock the window")
    app.key(main, "ctrl+l")  # blocked while locked: works again only once unlocked
    quick = app.window(r"^Log engagement", timeout=STEP_TIMEOUT)
    app.key(quick, "Escape")
    assert app.quit(main) == 0


def test_quick_log_from_the_keyboard_reaches_the_store(harness: Harness, demo_store: Path) -> None:
    app = harness.start(demo_store)
    main = sign_in(app, app.window(SIGN_IN), "pcso", DEMO_PASSWORD)
    summary = f"Acceptance {secrets.token_hex(4)}: fly-tipped sofa reported on Lantern Walk"

    app.key(main, "ctrl+l")
    quick = app.window(r"^Log engagement", timeout=STEP_TIMEOUT)
    app.key(quick, "alt+s")  # &Summary
    app.type(quick, summary)
    app.key(quick, "ctrl+Return")

    def logged() -> dict[str, str]:
        rows = exported(harness, demo_store, "engagements", "sergeant")  # a PCSO may not export
        found = [r for r in rows if r["Summary"] == summary]
        if not found:
            raise NotYet(f"{len(rows)} engagements, none with the summary typed")
        return found[0]

    row = harness.evidence.wait(logged, 60, "the engagement typed in the quick log")
    assert row["Channel"] == "patrol"  # the quick log's default
    assert row["Ward"], "the engagement was logged without the officer's own ward"
    app.key(quick, "Escape")
    assert app.quit(main) == 0


def test_second_start_asks_to_sign_in(harness: Harness) -> None:
    data = harness.folder / "station"
    app = harness.start(data)
    main = set_up_station(app)
    assert app.quit(main) == 0

    again = harness.start(data)
    first = again.window(f"{SIGN_IN}|{WELCOME}")
    assert again.title(first).startswith("Sign in to PCSO Desk"), again.title(first)
    main = sign_in(again, first, ADMIN, ADMIN_PASSWORD)
    assert again.quit(main) == 0


OVERDUE_PAPER = "#fdecea"  # Today's overdue section (gui/screens/today.py OVERDUE_PAPER)
TEAM_CASE = "41/77001/26"


def give_the_team_an_overdue_case(data_dir: Path) -> None:
    """Before the app starts: a victim case in the demo sergeant's neighbourhood, owned by a
    PCSO of that team, whose next contact was due long before any other (so it comes first)."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import select

    from pcso_desk.app import _close
    from pcso_desk.paths import DataPaths
    from pcso_desk.services.api import Door
    from pcso_desk.store import models as m

    services = Door(DataPaths.resolve(data_dir)).sign_in("sergeant", DEMO_PASSWORD)
    try:
        with services.ctx.store.read() as session:
            sergeant = session.get(m.Officer, services.ctx.officer_id)
            assert sergeant is not None and sergeant.neighbourhood_id
            hood = sergeant.neighbourhood_id
            pcso = session.scalar(
                select(m.Officer.id).where(
                    m.Officer.neighbourhood_id == hood, m.Officer.role == "pcso"
                )
            )
            ward = session.scalar(select(m.Ward.id).where(m.Ward.neighbourhood_id == hood))
        victim = services.contacts.create({"name": "Olive Overdue", "postcode": "AL1 3EX"})
        case = {
            "victim_id": victim.created[0], "crime_reference": TEAM_CASE,
            "offence_type": "Burglary dwelling", "officer_id": pcso, "ward_id": ward,
            "opened_at": datetime.now(UTC) - timedelta(days=3 * 365),
        }  # fmt: skip
        services["victim_cases"].create(case)
    finally:
        _close(services.ctx.store)


def wait_for_overdue_case_pane(harness: Harness, main: Window) -> None:
    """Until Victim care shows an overdue case's pane (its pink "next contact due" box, on
    the right half only; Today's pink section would span the window), so that the next key
    reaches the pane's focused button."""

    def case_pane_shown() -> None:
        x, y, width, height = harness.x.geometry(main)
        shot = harness.x.screenshot()
        left = shot.share(OVERDUE_PAPER, (x + 200, y + 100, width // 2 - 250, height - 150))
        right = shot.share(OVERDUE_PAPER, (x + width // 2 + 50, y + 100, width // 2 - 60, 300))
        if left > 0.001 or right < 0.02:
            raise NotYet(f"pink: {left:.1%} of the left half, {right:.1%} of the pane's top")

    harness.evidence.wait(case_pane_shown, STEP_TIMEOUT, "the case's detail pane")


def test_sergeants_today_shows_the_teams_overdue_victim_contacts_ready_to_record(
    harness: Harness, demo_store: Path
) -> None:
    give_the_team_an_overdue_case(demo_store)
    app = harness.start(demo_store)
    main = sign_in(app, app.window(SIGN_IN), "sergeant", DEMO_PASSWORD)

    def overdue_shown() -> float:
        share = harness.x.screenshot().share(OVERDUE_PAPER, harness.x.geometry(main))
        if share < 0.005:  # the red-framed section: the colleague's case is the team's
            raise NotYet(f"{share:.2%} of the window is the overdue section's pink")
        return share

    harness.evidence.wait(overdue_shown, STEP_TIMEOUT, "Today's overdue victim contacts")
    harness.evidence.screenshot("sergeant-today")
    app.key(main, "alt+v")  # Overdue &victim contacts: the list, on its first line
    app.key(main, "Return")  # opens the case in Victim care, "Record contact" focused

    wait_for_overdue_case_pane(harness, main)
    harness.evidence.screenshot("case-opened-from-today")
    app.key(main, "space")  # the focused button: no click, no tab
    # The dialog the focused button opens, for the case the line named (its title says so;
    # a dialog's own pixels do not show in this X server's screenshots of the root window).
    record = app.window(rf"^Record contact — {TEAM_CASE}", timeout=STEP_TIMEOUT)
    app.key(record, "Escape")


def window_shot(world: Harness, window: Window, name: str) -> Path:
    """A screenshot of one window by its own id. The search results are a tool-tip window,
    which the screenshot of the whole screen (xwd -root) showed black under Xvfb; its own
    image shows what it holds."""
    import subprocess

    from tests.acceptance.harness import Shot

    done = subprocess.run(
        ["xwd", "-id", str(window.id), "-silent"], env=world.x.env, capture_output=True,
        timeout=30,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    world.evidence.shots += 1
    return Shot.from_xwd(done.stdout).save_png(
        world.evidence.folder / f"{world.evidence.shots:02d}-{name}.png"
    )


def closed(world: Harness, title: str) -> None:
    """Wait for the window titled `title` to close."""
    import re

    def gone() -> None:
        left = [w.title for w in world.x.windows() if re.search(title, w.title)]
        if left:
            raise NotYet(f"{left} still open")

    world.evidence.wait(gone, STEP_TIMEOUT, f"the window /{title}/ to close")


def _a_case_and_a_postcode(demo_store: Path) -> tuple[str, str]:
    """An overdue victim case's crime reference and a postcode only one demo contact has, read from
    the demo store before the app starts (the command line lists neither)."""
    from collections import Counter
    from datetime import UTC, datetime

    from pcso_desk.services.values import ListQuery
    from tests.benchmarks.harness import open_signed_in

    services = open_signed_in(demo_store, "sergeant")
    try:
        cases = services["victim_cases"].page(ListQuery(limit=500)).rows
        contacts = services.contacts.page(ListQuery(limit=500)).rows
    finally:
        services.ctx.store.close()
    now = datetime.now(UTC)
    case = next(c for c in cases if c["next_contact_due"] and c["next_contact_due"] < now)
    counts = Counter(row["postcode"] for row in contacts if row["postcode"])
    postcode = next(code for code, seen in counts.items() if seen == 1)
    return str(case["crime_reference"]), str(postcode)


def test_ctrl_k_finds_a_victim_case_by_crime_ref_and_a_contact_by_a_postcode_without_space(
    harness: Harness, demo_store: Path
) -> None:
    reference, postcode = _a_case_and_a_postcode(demo_store)
    app = harness.start(demo_store)
    main = sign_in(app, app.window(SIGN_IN), "sergeant", DEMO_PASSWORD)

    app.key(main, "ctrl+k")
    app.type(main, reference)
    results = app.window(r"^Search results — ", timeout=STEP_TIMEOUT)
    window_shot(harness, results, "results-for-a-crime-reference")
    app.key(main, "Return")  # the exact reference is the first hit: its pane, ready to record
    wait_for_overdue_case_pane(harness, main)  # an overdue case (chosen so): its pane is pink
    app.key(main, "space")  # the focused "Record contact" button, for the case found
    record = app.window(rf"^Record contact — {re.escape(reference)}", timeout=STEP_TIMEOUT)
    harness.evidence.screenshot("case-opened-from-search")  # Victim care, the case chosen
    app.key(record, "Escape")
    closed(harness, r"^Record contact")

    compact = postcode.replace(" ", "").lower()  # "al13ab" for "AL1 3AB"
    app.key(main, "ctrl+k")  # the box's text is selected: typing replaces it
    app.type(main, compact)
    results = app.window(r"^Search results — ", timeout=STEP_TIMEOUT)
    window_shot(harness, results, "results-for-a-postcode-without-its-space")
    app.key(main, "Return")
    contact = app.window(r"^Edit contact", timeout=STEP_TIMEOUT)
    app.key(contact, "Escape")
    closed(harness, r"^Edit contact")
    assert app.quit(main) == 0
