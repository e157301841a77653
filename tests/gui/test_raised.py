"""What people raised, driven by real input: propose a priority from a line, see its evidence
on the priority, find it on the next meeting's agenda; and the review's before/after."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from PySide6.QtWidgets import QDialogButtonBox

from pcso_desk.gui.screens.priorities import ReviewDialog
from pcso_desk.gui.screens.raised import RaisedScreen
from tests.factories import utc
from tests.gui import real_input
from tests.gui.test_priorities import open_priority, show_screen
from tests.services.test_raised import TODAY, _meeting, _raised_world


def _show(qtbot: Any, desk: Any, **more: Any) -> RaisedScreen:
    screen = RaisedScreen(desk, today=lambda: TODAY, **more)
    qtbot.addWidget(screen)
    screen.resize(1200, 700)
    screen.show()
    qtbot.waitExposed(screen)
    qtbot.waitUntil(lambda: screen.digest is not None and screen.table.rowCount() > 0)
    return screen


def test_proposing_from_a_line_makes_a_priority_with_its_evidence_on_the_next_agenda(
    qtbot: Any, desk: Any, services: Any, world: Any, tmp_path: Path
) -> None:
    _raised_world(services, world)
    upcoming = _meeting(services, world, utc(2026, 12, 6, 19), "", status="planned")
    screen = _show(qtbot, desk)
    assert "since the PACT meeting of 1 November 2026" in screen.heading.text()
    first = [screen.table.item(0, c).text() for c in range(7)]
    assert first == [
        "Riverside Central",
        "Speeding / inconsiderate motoring",
        "3",
        "1",
        "1",
        "1",
        "0",
    ]
    assert not screen.propose_button.isEnabled()  # nothing chosen yet
    real_input.click_cell(screen.table, screen.table.model().index(0, 1))
    assert screen.propose_button.isEnabled()
    real_input.click(screen.propose_button)
    editor = screen.dialog
    assert editor is not None
    qtbot.waitExposed(editor)
    qtbot.waitUntil(lambda: editor.ready)
    values = editor.form.values()
    assert values["title"] == "Speeding / inconsiderate motoring in Riverside Central"
    assert values["ward_id"] == world.ward and values["category"] == "speeding"
    real_input.click(editor.buttons.button(QDialogButtonBox.StandardButton.Save))
    qtbot.waitUntil(lambda: screen.status.text().startswith("Proposed"))
    made = services["priorities"].page(services_query()).rows
    assert [(p["title"], p["evidence_count"]) for p in made] == [
        ("Speeding / inconsiderate motoring in Riverside Central", 3)
    ]
    assert made[0]["evidence"] == "3 raised it: 1 engagement, 1 meeting issue, 1 KIN suggestion"
    # The next meeting's agenda lists it among the priorities to agree
    pdf = services.documents.save_meeting_pack(upcoming, tmp_path / "pack.pdf")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())
    assert "You told us about speeding / inconsiderate motoring in Riverside Central" in text
    # The priority pane says who raised it, in counts
    priorities = show_screen(qtbot, desk)
    detail = open_priority(qtbot, priorities, made[0]["id"])
    assert detail.facts["evidence"].text() == made[0]["evidence"]


def services_query() -> Any:
    from pcso_desk.services.values import ListQuery

    return ListQuery(limit=50)


def test_the_pdf_for_the_meeting_is_saved_from_the_screen(
    qtbot: Any, desk: Any, services: Any, world: Any, tmp_path: Path
) -> None:
    _raised_world(services, world)
    out = tmp_path / "raised.pdf"
    screen = _show(qtbot, desk, save=lambda *_args: str(out))
    real_input.click(screen.pdf_button)
    qtbot.waitUntil(lambda: screen.status.text().startswith("Saved"))
    text = " ".join(p.extract_text() for p in PdfReader(out).pages)
    assert "What people raised: Riverside SNT" in text and "Zebedee" not in text


def test_a_date_typed_in_widens_the_digest(
    qtbot: Any, desk: Any, services: Any, world: Any
) -> None:
    _raised_world(services, world)
    screen = _show(qtbot, desk)
    real_input.type_text(screen.since, "1/9/2026")
    real_input.click(screen.show_button)
    qtbot.waitUntil(lambda: screen.table.item(0, 2).text() == "5")
    assert "since 1 September 2026" in screen.heading.text()


def test_the_review_form_shows_before_and_after(
    qtbot: Any, desk: Any, services: Any, world: Any, tmp_path: Path
) -> None:
    from tests.services.test_raised import _burglary_priority, _crimes, _engagement

    _crimes(services, world, tmp_path)
    priority = _burglary_priority(services, world)
    _engagement(services, world, utc(2026, 9, 1, 10), ["burglary"], world.ward)
    priorities = show_screen(qtbot, desk)
    detail = open_priority(qtbot, priorities, priority)
    detail.today = lambda: date(2026, 11, 20)
    real_input.click(detail.review_button)
    dialog = detail.dialog
    assert isinstance(dialog, ReviewDialog)
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: "Did it move the dial?" in dialog.dial.text())
    shown = dialog.dial.text()
    assert "Crimes (police.uk)" in shown and "Jun 2026 – Jul 2026 v Sep 2026 – Oct 2026" in shown
    assert "<td align='center'>5</td><td align='center'>2</td>" in shown
    assert "<td align='center'>0</td><td align='center'>1</td>" in shown  # times raised
