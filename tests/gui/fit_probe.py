"""Opens every editor and dialog of the app, as the app's own QApplication shows them, and
prints where each one and its buttons land on the screen (JSON), for tests/gui/test_fit.py,
which runs it as its own process on a 1366×768 screen at 100% and 150% (QT_SCALE_FACTOR).

    python -m tests.gui.fit_probe DATA_FOLDER
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QAbstractButton, QApplication, QScrollArea, QWidget


def _rect(widget: QWidget) -> list[int]:
    top_left = widget.mapToGlobal(QPoint(0, 0))
    return [top_left.x(), top_left.y(), widget.width(), widget.height()]


def _in_scroll(widget: QWidget, window: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        if isinstance(parent, QScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def _settle(app: QApplication, ready: Callable[[], bool] = lambda: True) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        app.processEvents()
        if ready():
            break
        time.sleep(0.02)
    for _ in range(5):
        app.processEvents()


def _measure(
    app: QApplication, name: str, dialog: QWidget, ready: Callable[[], bool]
) -> dict[str, Any]:
    dialog.show()
    _settle(app, ready)
    buttons = [
        {"text": b.text().replace("&", ""), "rect": _rect(b)}
        for b in dialog.findChildren(QAbstractButton)
        if b.isVisible() and b.inherits("QPushButton") and not _in_scroll(b, dialog)
    ]
    found = {"name": name, "window": _rect(dialog), "buttons": buttons}
    dialog.close()
    app.processEvents()
    return found


def main(folder: str) -> None:
    from pcso_desk.gui import _application
    from pcso_desk.gui.desk import Desk
    from pcso_desk.gui.editor import RecordEditor
    from pcso_desk.gui.first_run import FirstRunChoice, TeamDialog
    from pcso_desk.gui.quick_log import QuickLogDialog
    from pcso_desk.gui.screens import definitions as d
    from pcso_desk.gui.screens.admin_security import AccountDialog
    from pcso_desk.gui.screens.meetings import PickDialog
    from pcso_desk.gui.screens.messages import ResponseDialog
    from pcso_desk.gui.screens.priorities import ReviewDialog
    from pcso_desk.gui.screens.records import ScreenDef
    from pcso_desk.gui.signin import ChangePasswordDialog, SignInDialog
    from pcso_desk.paths import DataPaths
    from tests.factories import make_world
    from tests.keys import build_services

    app = _application()
    paths = DataPaths(Path(folder))
    services = build_services(paths)
    make_world(services)
    desk = Desk(services, paths, ask=lambda *_a: False, inform=lambda *_a: None)
    screen = app.primaryScreen()
    shown: list[dict[str, Any]] = []
    defs = [v for v in vars(d).values() if isinstance(v, ScreenDef)]
    defs += list(d.ADMIN.values())
    for extra in ("CHECKIN_FIELDS", "ACTION_FIELDS", "VISIT_FIELDS"):
        kind = {"CHECKIN_FIELDS": "kin_checkins", "ACTION_FIELDS": "priority_actions",
                "VISIT_FIELDS": "victim_contacts"}[extra]  # fmt: skip
        editor = RecordEditor(desk, kind, f"New {kind}", getattr(d, extra))
        shown.append(_measure(app, kind, editor, lambda e=editor: e.ready))
    for definition in defs:
        editor = RecordEditor(desk, definition.kind, f"New {definition.noun}", definition.fields)
        shown.append(_measure(app, definition.kind, editor, lambda e=editor: e.ready))
    others: list[tuple[str, QWidget]] = [
        ("quick log", QuickLogDialog(desk)),
        ("mark responded", ResponseDialog("Cars on the pavement")),
        ("sign in", SignInDialog(desk, first_run=False)),
        ("first administrator", SignInDialog(desk, first_run=True)),
        ("change password", ChangePasswordDialog(desk)),
        ("first run", FirstRunChoice(desk)),
        ("your team", TeamDialog(desk)),
        ("record review", ReviewDialog(desk, "x", "A priority", date(2026, 3, 1), None)),
        ("pick", PickDialog(desk, "Add ward", "Ward", [("a", "A ward")], lambda _c: None)),  # type: ignore[arg-type, return-value]
        (
            "account",
            AccountDialog(
                desk,
                "New account",
                ("username", "role", "officer", "password", "again"),
                lambda _v: None,
            ),
        ),  # type: ignore[arg-type, return-value]
    ]
    for name, dialog in others:
        shown.append(_measure(app, name, dialog, lambda: True))
    screen = app.primaryScreen()
    free = screen.availableGeometry()
    print(json.dumps({
        "screen": [free.x(), free.y(), free.width(), free.height()],
        "scale": screen.devicePixelRatio(),
        "shown": shown,
    }))  # fmt: skip
    services.ctx.store.close()


if __name__ == "__main__":
    main(sys.argv[1])
