"""The Intelligence screen, driven by real input: a report is logged with no word of what it
said, its source waits to be told ("Not yet"), and the prompt clears once they are."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from pcso_desk.gui.editor import RecordEditor
from pcso_desk.gui.screens.intelligence import IntelligenceScreen, intelligence_screen
from tests.factories import d
from tests.gui import real_input
from tests.services.test_today import NOW

REFERENCE, TELL, TOLD = 1, 5, 6  # columns of the list


def _shown(qtbot: Any, desk: Any) -> IntelligenceScreen:
    screen = intelligence_screen(desk)
    qtbot.addWidget(screen)
    screen.resize(1300, 700)
    screen.show()
    qtbot.waitExposed(screen)
    return screen


def _opened(qtbot: Any, screen: Any, button: Any) -> RecordEditor:
    before = set(screen.findChildren(RecordEditor))
    real_input.click(button)
    [editor] = [e for e in screen.findChildren(RecordEditor) if e not in before]
    qtbot.waitExposed(editor)
    qtbot.waitUntil(lambda: editor.ready)
    return editor


def _cell(screen: Any, row: int, column: int) -> str:
    return str(screen.model.index(row, column).data() or "")


def _set_date(editor: RecordEditor, key: str, text: str) -> None:
    field = editor.form.editors[key].input
    real_input.press(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    real_input.type_text(field, text)


def test_log_a_report_then_tell_the_source(qtbot, desk, services, world) -> None:  # type: ignore[no-untyped-def]
    services["intelligence_reports"].create(
        {
            "force_reference": "INT/26/000001",
            "submitted_on": d("2026-05-01"),
            "category": "asb",
            "source_type": "business",
            "source_told_on": d("2026-05-10"),
        }
    )
    screen = _shown(qtbot, desk)
    qtbot.waitUntil(lambda: screen.model.rowCount() == 1)

    editor = _opened(qtbot, screen, screen.new_button)
    assert not {"notes", "content", "summary", "body"} & set(editor.form.editors)
    submitted = editor.form.editors["submitted_on"].input
    assert submitted.text() == date.today().strftime("%d/%m/%Y")  # submitted today, unless
    real_input.type_text(editor.form.editors["force_reference"].input, "INT/26/004512")
    _set_date(editor, "submitted_on", "03/06/2026")
    category = editor.form.editors["category"].input
    real_input.choose(category, "County lines")
    real_input.click(editor.buttons.button(QDialogButtonBox.StandardButton.Save))
    qtbot.waitUntil(lambda: screen.model.rowCount() == 2)
    (made,) = [
        r for r in services["intelligence_reports"].page().rows
        if r["force_reference"] == "INT/26/004512"
    ]  # fmt: skip
    assert (made["category"], made["tell_source_by"]) == ("county_lines", date(2026, 7, 1))
    row = screen.model.row_of(made["id"])
    assert _cell(screen, row, TELL) == "Wed 01 Jul 2026"
    assert _cell(screen, row, TOLD) == "Not yet"

    real_input.click(screen.waiting_only)  # only the sources still to be told
    qtbot.waitUntil(lambda: screen.model.rowCount() == 1)
    assert _cell(screen, 0, REFERENCE) == "INT/26/004512"

    real_input.click_row(qtbot, screen.table, lambda: screen.model.row_of(made["id"]))
    editor = _opened(qtbot, screen, screen.edit_button)
    _set_date(editor, "source_told_on", "20/06/2026")
    real_input.click(editor.buttons.button(QDialogButtonBox.StandardButton.Save))
    qtbot.waitUntil(lambda: screen.model.rowCount() == 0)  # the prompt has cleared
    assert services["intelligence_reports"].get(made["id"])["source_told_on"] == date(2026, 6, 20)
    real_input.click(screen.waiting_only)
    qtbot.waitUntil(lambda: screen.model.rowCount() == 2)


def test_today_prompts_until_the_source_is_told(qtbot, desk, services, world) -> None:  # type: ignore[no-untyped-def]
    from pcso_desk.gui.screens.today import today_screen

    ledger = services["intelligence_reports"]

    def report(reference: str, submitted: str, **more: Any) -> str:
        values = {"force_reference": reference, "submitted_on": d(submitted),
                  "category": "drugs", "source_type": "member_of_public",
                  "neighbourhood_id": world.neighbourhood, **more}  # fmt: skip
        return str(ledger.create(values).created[0])

    late = report("INT/26/000010", "2026-02-01")  # to tell by 1 March: overdue
    soon = report("INT/26/000011", "2026-02-14")  # by 14 March: within the week
    report("INT/26/000012", "2026-03-09")  # by 6 April: not yet on Today
    report("INT/26/000013", "2026-02-01", source_told_on=d("2026-02-20"))  # told
    report("INT/26/000014", "2026-02-01", source_type="officer")  # no one to tell
    opened: list[tuple[str, str]] = []
    screen = today_screen(desk, lambda kind, rid: opened.append((kind, rid)), now=lambda: NOW)
    qtbot.addWidget(screen)
    screen.resize(1030, 720)
    screen.show()
    qtbot.waitExposed(screen)
    section = screen.sections["sources"]
    qtbot.waitUntil(lambda: section.list.count() == 2)
    rows = [section.list.item(i).text() for i in range(section.list.count())]
    assert rows == [
        "⚠ INT/26/000010 (Drugs) — tell the source: overdue by 9 days",
        "INT/26/000011 (Drugs) — tell the source by Saturday",
    ]
    assert section.heading.accessibleName() == ("Intelligence: sources to tell what happened (2)")
    # Alt+I (the heading's letter) moves to the list, on its first line; Enter opens it.
    real_input.press_in_window(screen, "i", Qt.KeyboardModifier.AltModifier)
    real_input.press(section.list, Qt.Key.Key_Return)
    assert opened == [("intelligence_reports", late)]
    desk.write(lambda: ledger.update(late, {"source_told_on": d("2026-03-10")}))
    qtbot.waitUntil(lambda: section.list.count() == 1)
    desk.write(lambda: ledger.update(soon, {"source_told_on": d("2026-03-10")}))
    qtbot.waitUntil(lambda: section.collapsed)
    assert section.empty.text() == (
        "No source of intelligence is waiting to be told what happened."
    )
