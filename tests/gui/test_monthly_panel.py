"""The Monthly packs panel: choose an area and month, build, see where it went, open it."""

from __future__ import annotations

import os
import zipfile
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, QUrl

from pcso_desk.gui.screens.monthly import MonthlyPackPanel
from tests.gui import real_input
from tests.services.test_monthly import MONTH, Known, known  # noqa: F401 - the fixture


def make(qtbot, desk, folder: Path) -> MonthlyPackPanel:  # type: ignore[no-untyped-def]
    panel = MonthlyPackPanel(desk, today=date(2026, 4, 3))
    qtbot.addWidget(panel)
    panel.resize(640, 420)
    panel.show()
    qtbot.waitExposed(panel)
    qtbot.waitUntil(lambda: panel.area.count() > 0)
    real_input.clear_and_type(panel.folder, str(folder))
    assert panel.folder.text() == str(folder)
    return panel


def test_build_a_public_pack_and_open_its_folder(qtbot, desk, known: Known, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    panel = make(qtbot, desk, tmp_path)
    assert panel.area.currentText() == "Riverside SNT"
    assert panel.month.currentData() == MONTH and panel.month.currentText() == "March 2026"
    assert not panel.open_folder.isEnabled()
    opened: list[QUrl] = []
    panel.open_url = opened.append
    real_input.click(panel.build)
    qtbot.waitUntil(lambda: panel.open_folder.isEnabled(), timeout=10_000)
    target = tmp_path / f"riverside-snt-{MONTH}.zip"
    assert panel.status.text() == f"Saved 1 pack: {target.name} in {tmp_path}."
    assert f"riverside-snt-{MONTH}.pdf" in zipfile.ZipFile(target).namelist()
    if os.environ.get("PCSO_SHOTS"):
        panel.grab().save("/tmp/shots/monthly_panel.png")
    real_input.click(panel.open_folder)
    assert opened == [QUrl.fromLocalFile(str(tmp_path))]


def test_internal_packs_for_a_whole_district(qtbot, desk, known: Known, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    panel = make(qtbot, desk, tmp_path)
    real_input.press(panel.kind, Qt.Key.Key_End)  # the last choice: every neighbourhood
    qtbot.waitUntil(lambda: panel.area.currentText() == "Testshire North")
    real_input.click(panel.internal)
    assert panel.internal.isChecked()
    real_input.click(panel.build)
    qtbot.waitUntil(lambda: panel.open_folder.isEnabled(), timeout=10_000)
    assert (tmp_path / f"riverside-snt-{MONTH}-internal.zip").exists()
    assert panel.status.text() == f"Saved 1 pack: riverside-snt-{MONTH}-internal.zip in {tmp_path}."


def test_a_missing_folder_is_one_sentence(
    qtbot,
    desk,
    answers,
    known: Known,  # noqa: F811
    tmp_path: Path,
) -> None:  # type: ignore[no-untyped-def]
    panel = make(qtbot, desk, tmp_path / "nowhere")
    real_input.click(panel.build)
    qtbot.waitUntil(lambda: bool(answers.messages), timeout=10_000)
    assert answers.messages == [f"The folder '{tmp_path / 'nowhere'}' does not exist."]
    assert panel.build.isEnabled() and not panel.open_folder.isEnabled()


def test_the_status_names_priorities_left_out_of_a_public_pack(  # type: ignore[no-untyped-def]
    qtbot,
    desk,
    known: Known,  # noqa: F811
    tmp_path: Path,
) -> None:
    desk.services["priorities"].create(
        {
            "title": "Dealing from 14 Cromwell Road",
            "category": "drugs",
            "neighbourhood_id": known.world.neighbourhood,
            "agreed_on": date(2026, 3, 2),
        }
    )
    panel = make(qtbot, desk, tmp_path)
    real_input.click(panel.build)
    qtbot.waitUntil(lambda: panel.open_folder.isEnabled(), timeout=10_000)
    assert panel.status.text().endswith(
        "Left out, having no public wording (1): Dealing from 14 Cromwell Road."
    )
