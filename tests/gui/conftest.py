"""GUI fixtures: a Desk over the test's own store, dialogs answered by the test, not a person."""

from __future__ import annotations

import pytest


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


@pytest.fixture
def answers() -> Answers:
    return Answers()


@pytest.fixture
def desk(qtbot, services, data_paths, answers):  # type: ignore[no-untyped-def]
    from pcso_desk.gui.desk import Desk

    crashes: list[tuple[BaseException, str]] = []
    made = Desk(services, data_paths, ask=answers.ask, inform=answers.inform,
                crash=lambda error, where: crashes.append((error, where)))
    made.crashes = crashes  # type: ignore[attr-defined]
    yield made
    qtbot.waitUntil(lambda: made.runner.idle, timeout=10_000)
    made.runner.shutdown()
    assert crashes == [], f"unexpected errors reached the crash dialog: {crashes}"
