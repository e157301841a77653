"""The desktop application: the only package that imports PySide6."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pcso_desk.paths import DataPaths
    from pcso_desk.services.api import Services


def run_app(services: Services, paths: DataPaths) -> int:
    """Start Qt, show the main window, run until it closes; returns the exit code."""
    import sys

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from pcso_desk.gui.desk import Desk
    from pcso_desk.gui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("PCSO Desk")
    app.setOrganizationName("PCSO Desk")
    desk = Desk(services, paths)
    settings = QSettings(str(paths.root / "window.ini"), QSettings.Format.IniFormat)
    window = MainWindow(desk, settings)
    window.show()
    try:
        code: int = app.exec()
    finally:
        desk.runner.shutdown()
    return code
