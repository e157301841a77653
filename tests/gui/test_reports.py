"""Reports screen: choose a document, preview its pages, save the same document as a PDF, print
it; the preview is audited as a preview, the saved file and the printout as prints."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QLabel
from sqlalchemy import text

from pcso_desk.gui.screens.reports import ReportsScreen
from tests.factories import d, utc
from tests.gui import real_input
from tests.reports import page_texts

TODAY = date(2026, 11, 24)


class Dialogs:
    """Stands in for the file and print dialogs: answers as the test says, records the asks."""

    def __init__(self, folder: Path) -> None:
        self.save_to: str | None = str(folder / "chosen")
        self.print_to = folder / "printed.pdf"
        self.accept_print = True
        self.suggested: list[str] = []

    def save(self, _parent: Any, _title: str, suggested: str) -> str | None:
        self.suggested.append(suggested)
        return self.save_to

    def ask_print(self, printer: QPrinter, _parent: Any) -> bool:
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(self.print_to))
        return self.accept_print


def _content(services: Any, world: Any) -> None:
    priority = services["priorities"].create(
        {
            "title": "Parking on Mill Lane",
            "public_wording": "Stop parking on the pavement in Mill Lane.",
            "category": "parking",
            "neighbourhood_id": world.neighbourhood,
            "ward_id": world.ward,
            "agreed_on": d("2026-10-01"),
        }
    )
    services.priorities.add_action(
        priority.created[0], {"action_on": d("2026-10-20"), "public_text": "We gave 12 tickets."}
    )
    services.meetings.create(
        {
            "meeting_type": "pact",
            "title": "Riverside PACT",
            "public_title": "Riverside PACT",
            "venue": "Riverside Library",
            "starts_at": utc(2026, 12, 3, 18),
            "neighbourhood_id": world.neighbourhood,
        }
    )


def _screen(qtbot: Any, desk: Any, dialogs: Dialogs) -> ReportsScreen:
    screen = ReportsScreen(
        desk, today=lambda: TODAY, save=dialogs.save, ask_print=dialogs.ask_print
    )
    qtbot.addWidget(screen)
    screen.resize(1200, 800)
    screen.show()
    qtbot.waitExposed(screen)
    tab = screen.briefings
    qtbot.waitUntil(lambda: tab.save_button.isEnabled(), timeout=10_000)
    return screen


def _audited(services: Any) -> list[tuple[str, str]]:
    """(event, detail) of each briefing's audit entry, oldest first; a file by its name."""
    with services.ctx.store.read() as session:
        rows = session.execute(
            text("SELECT action, detail FROM audit_log WHERE kind = 'briefing' ORDER BY seq")
        )
        return [(action, detail.split(":")[0]) for action, detail in rows]


def _pages_shown(screen: ReportsScreen) -> list[QLabel]:
    return [
        label
        for label in screen.briefings.page_box.findChildren(QLabel)
        if label.accessibleName().startswith("Page ") and not label.pixmap().isNull()
    ]


def test_preview_then_save_writes_the_same_document(qtbot, desk, services, world, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _content(services, world)
    dialogs = Dialogs(tmp_path)
    screen = _screen(qtbot, desk, dialogs)
    tab = screen.briefings
    assert screen.tabText(0) == "Briefings and prints"
    assert tab.target.currentText() == "Ward: Riverside Central (RIV-C)"
    assert len(_pages_shown(screen)) == len(page_texts(tab.pdf or b"")) >= 1
    assert "page" in tab.status.text()

    real_input.click(tab.save_button)
    saved = tmp_path / "chosen.pdf"
    qtbot.waitUntil(saved.exists, timeout=10_000)
    assert page_texts(saved.read_bytes()) == page_texts(tab.pdf or b"")
    text = " ".join(page_texts(saved.read_bytes()))
    assert "Stop parking on the pavement in Mill Lane." in text and "Riverside PACT" in text
    assert dialogs.suggested == ["street-briefing-handout-ward-riverside-central-riv-c.pdf"]
    qtbot.waitUntil(lambda: tab.status.text() == f"Saved to {saved}.")
    assert _audited(services)[-2:] == [("preview", ""), ("print", "chosen.pdf")]


def test_print_paints_the_previewed_pages(qtbot, desk, services, world, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _content(services, world)
    dialogs = Dialogs(tmp_path)
    screen = _screen(qtbot, desk, dialogs)
    tab = screen.briefings
    real_input.click(tab.print_button)  # the print dialog answers as the test says
    qtbot.waitUntil(lambda: tab.status.text().startswith("Sent "), timeout=10_000)
    assert "to the printer" in tab.status.text()
    printed = PdfReader(io.BytesIO(dialogs.print_to.read_bytes()))
    assert len(printed.pages) == len(_pages_shown(screen))
    assert _audited(services)[-2:] == [("preview", ""), ("print", "for a printer")]

    dialogs.accept_print = False
    dialogs.print_to.unlink()
    real_input.click(tab.print_button)
    assert not dialogs.print_to.exists()
    assert _audited(services)[-1] == ("print", "for a printer")  # nothing more: not printed


def test_choosing_another_document_rebuilds_the_preview(
    qtbot, desk, services, world, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    _content(services, world)
    screen = _screen(qtbot, desk, Dialogs(tmp_path))
    tab = screen.briefings
    first = tab.pdf
    real_input.press(tab.document, Qt.Key.Key_Down)  # the large-print handout
    assert tab.document.currentIndex() == 1
    qtbot.waitUntil(lambda: tab.pdf != first and tab.save_button.isEnabled(), timeout=10_000)
    assert len(_pages_shown(screen)) > len(page_texts(first or b""))
    assert "large print" in tab.status.text()

    real_input.press(tab.document, Qt.Key.Key_Down)  # the meeting pack
    qtbot.waitUntil(lambda: "Meeting pack" in tab.status.text(), timeout=10_000)
    assert tab.target.currentText().endswith("Riverside PACT")
    assert "Sign-in sheet" in " ".join(page_texts(tab.pdf or b""))
    screen.grab().save("/tmp/shots/reports_briefings.png")


def test_nothing_to_make_disables_save_and_print(qtbot, desk, world, tmp_path) -> None:  # type: ignore[no-untyped-def]
    screen = ReportsScreen(desk, today=lambda: TODAY, save=Dialogs(tmp_path).save)
    qtbot.addWidget(screen)
    screen.resize(1200, 800)
    screen.show()
    qtbot.waitExposed(screen)
    tab = screen.briefings
    real_input.choose(tab.document, tab.document.itemText(3))  # KIN call list: the world has no KIN
    assert tab.document.currentIndex() == 3
    qtbot.waitUntil(lambda: "nothing to make" in tab.status.text(), timeout=10_000)
    assert not tab.save_button.isEnabled() and not tab.print_button.isEnabled()
    assert screen.add_tab(QLabel("Monthly packs"), "Monthly packs") == 1


def test_a_new_ward_appears_without_reopening(qtbot, desk, services, world, tmp_path) -> None:  # type: ignore[no-untyped-def]
    screen = _screen(qtbot, desk, Dialogs(tmp_path))
    tab = screen.briefings

    def labels() -> list[str]:
        return [tab.target.itemText(i) for i in range(tab.target.count())]

    assert "Ward: Riverside North (RIV-N)" not in labels()
    desk.write(
        lambda: services["wards"].create(
            {"name": "Riverside North", "code": "RIV-N", "neighbourhood_id": world.neighbourhood}
        )
    )
    qtbot.waitUntil(lambda: "Ward: Riverside North (RIV-N)" in labels(), timeout=10_000)
