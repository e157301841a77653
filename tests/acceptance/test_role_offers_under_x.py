"""Only what the role may do is offered, seen from outside the app: a PCSO is never offered
Delete (issue #22's "Done when")."""

from __future__ import annotations

import pytest

from tests.acceptance.harness import STEP_TIMEOUT, Harness, NotYet
from tests.acceptance.test_desk_under_x import DEMO_PASSWORD, MAIN, SIGN_IN, exported, sign_in

pytestmark = pytest.mark.acceptance


def test_a_pcso_is_never_offered_delete(harness: Harness, demo_store) -> None:  # type: ignore[no-untyped-def]
    before = len(exported(harness, demo_store, "contacts", "sergeant"))
    app = harness.start(demo_store)
    main = sign_in(app, app.window(SIGN_IN), "pcso", DEMO_PASSWORD)
    app.key(main, "ctrl+2")  # Go → Contacts
    x, y, width, _height = harness.x.geometry(main)
    first_row = (x + 190, y + 192, (width - 170) // 3, 20)  # the row under the header

    def listed() -> None:
        blank = harness.x.screenshot().share("#ffffff", first_row)
        if blank > 0.97:
            raise NotYet(f"the list's first row is {blank:.0%} blank")

    harness.evidence.wait(listed, STEP_TIMEOUT, "the contacts list to fill")
    app.click(main, 190 + (width - 170) // 6, 202)  # the first contact (the header is at 172)
    harness.evidence.screenshot("pcso-contacts")

    app.key(main, "alt+d")  # &Delete: greyed out for a PCSO, so the keys do nothing
    app.key(main, "ctrl+l")  # the next thing asked for opens at once: nothing stood first
    quick = app.window(r"^Log engagement", timeout=STEP_TIMEOUT)
    titles = [w.title for w in harness.x.windows() if w.pid == app.pid]
    assert not [t for t in titles if t.startswith("Delete")], titles
    app.key(quick, "Escape")
    assert len(exported(harness, demo_store, "contacts", "sergeant")) == before
    assert app.quit(app.window(MAIN)) == 0
