"""The GUI step of `pcso-desk --self-test`: the Qt stack an installed copy needs is there."""

from __future__ import annotations

import os


def gui_check() -> str:
    """Start Qt offscreen with the app's style and icon, draw a window; what platform ran."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QStandardItemModel
    from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

    from pcso_desk.gui.style import app_icon, apply_style

    app = QApplication.instance() or QApplication(["pcso-desk"])
    assert isinstance(app, QApplication)
    apply_style(app)
    window = QMainWindow()
    window.setWindowIcon(app_icon())
    table = QTableView()
    table.setModel(QStandardItemModel(3, 3))
    window.setCentralWidget(table)
    window.resize(640, 400)
    window.show()
    app.processEvents()
    shot = window.grab()
    window.close()
    if shot.isNull() or app_icon().isNull():
        raise AssertionError("Qt could not draw the window or the icon")
    return f"Qt GUI starts on the '{app.platformName()}' platform"
