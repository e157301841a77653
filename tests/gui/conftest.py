"""GUI fixtures: a Desk over the test's own store, dialogs answered by the test, not a person,
and the shared QApplication left as each test found it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import shiboken6
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication, QWidget


class Answers:
    """Stands in for QMessageBox: records questions and messages, answers as told."""

    def __init__(self) -> None:
        self.yes = True
        self.questions: list[str] = []
        self.messages: list[str] = []

    def ask(self, _parent: object, _title: str, question: str) -> bool:
        self.questions.append(question)
        return self.yes

    def inform(self, _parent: object, _title: str, message: str) -> None:
        self.messages.append(message)


def _address(widget: QWidget) -> int:
    return int(shiboken6.getCppPointer(widget)[0])


@pytest.fixture(autouse=True)
def _qapp_left_as_found(qapp: QApplication) -> Iterator[None]:
    """Every GUI test shares one QApplication, in any order (pytest-randomly), and with other
    files on the same worker: put back what a test changed in it, and close and delete the
    windows it left behind (with them go any event filters they installed on the app, such
    as an idle lock's). Torn down after the test's own fixtures (the desk, qtbot's widgets).
    """
    quits = qapp.quitOnLastWindowClosed()
    sheet, font, icon, style = qapp.styleSheet(), qapp.font(), qapp.windowIcon(), qapp.style()
    style_name = style.name()
    before = {_address(w) for w in qapp.topLevelWidgets()}
    yield
    while (popup := qapp.activePopupWidget()) is not None:
        popup.close()
    for window in qapp.topLevelWidgets():
        if not shiboken6.isValid(window) or _address(window) in before:
            continue
        if window.isVisible():
            window.close()
        if window.parentWidget() is None:
            window.deleteLater()
    qapp.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    qapp.processEvents()
    qapp.setQuitOnLastWindowClosed(quits)
    if qapp.styleSheet() != sheet:
        qapp.setStyleSheet(sheet)
    if qapp.style().name() != style_name:
        qapp.setStyle(style_name)
    if qapp.font() != font:
        qapp.setFont(font)
    if qapp.windowIcon().cacheKey() != icon.cacheKey():
        qapp.setWindowIcon(icon)


@pytest.fixture
def answers() -> Answers:
    return Answers()


@pytest.fixture
def desk(qtbot, services, data_paths, answers):  # type: ignore[no-untyped-def]
    from pcso_desk.gui.desk import Desk

    crashes: list[tuple[BaseException, str]] = []
    made = Desk(
        services,
        data_paths,
        ask=answers.ask,
        inform=answers.inform,
        crash=lambda error, where: crashes.append((error, where)),
    )
    made.crashes = crashes  # type: ignore[attr-defined]
    yield made
    qtbot.waitUntil(lambda: made.runner.idle, timeout=10_000)
    made.runner.shutdown()
    assert crashes == [], f"unexpected errors reached the crash dialog: {crashes}"
