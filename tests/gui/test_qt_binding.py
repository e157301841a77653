"""Guards against a Qt binding that corrupts Python (PySide6 6.12.0 leaked a None reference
on every void call under Python 3.11, aborting a long-running app)."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication


def test_void_qt_calls_do_not_leak_references_to_none(qapp: QApplication) -> None:
    before = sys.getrefcount(None)
    for _ in range(20_000):
        qapp.processEvents()
    assert abs(sys.getrefcount(None) - before) < 1_000
