"""One write path: every GUI mutation goes through Desk.write (or a ProgressTask for long
work), which announces what the service said it changed; screens never make that up."""

from __future__ import annotations

import re
from pathlib import Path

import shiboken6
from PySide6.QtWidgets import QWidget

from pcso_desk.services.values import Changes

GUI = Path(__file__).resolve().parents[2] / "pcso_desk" / "gui"


def test_the_gui_announces_only_what_services_return() -> None:
    """Changes are built by the services; only desk.py and progress.py announce them."""
    found = []
    for path in sorted(GUI.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if path.name not in ("desk.py", "progress.py") and "hub.publish(" in text:
            found.append(f"{path.name}: hub.publish")
        if re.search(r"\bChanges\(", text):
            found.append(f"{path.name}: Changes(...)")
    assert found == []


def test_a_merge_written_from_the_gui_announces_both_contacts(qtbot, desk, services) -> None:  # type: ignore[no-untyped-def]
    keep = services.contacts.create({"name": "Wren Write"}).created[0]
    dup = services.contacts.create({"name": "Wren Write", "email": "w@example.org"}).created[0]
    heard: list[Changes] = []
    desk.hub.changed.connect(heard.append)
    results: list[object] = []
    with qtbot.waitSignal(desk.hub.changed, timeout=5000):
        desk.write(lambda: services.merge_contacts(keep, dup), results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=5000)
    assert [(c.kind, set(c.updated)) for c in heard] == [("contacts", {keep, dup})]


def test_what_was_written_is_announced_even_when_its_window_has_gone(qtbot, desk, services) -> None:  # type: ignore[no-untyped-def]
    pane = QWidget()
    heard: list[Changes] = []
    desk.hub.changed.connect(heard.append)
    called: list[object] = []
    desk.write(lambda: services.contacts.create({"name": "Gone Pane"}), called.append, guard=pane)
    shiboken6.delete(pane)  # gone before the result can arrive (it comes through the loop)
    qtbot.waitUntil(lambda: bool(heard), timeout=5000)
    assert heard[0].kind == "contacts" and len(heard[0].created) == 1
    assert called == []  # the pane that asked has gone: nothing is shown in it
