"""Help: the user guide (resources/help/guide.md in the package) in a window, and About."""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from pcso_desk.paths import resource_path

MISSING = "# User guide\n\nThe user guide is missing from this installation."


def guide_text() -> str:
    """The guide's Markdown; a short note if the file is missing (a broken install)."""
    try:
        return resource_path("help", "guide.md").read_text(encoding="utf-8")
    except OSError:
        return MISSING


def about_text(data_folder: Path, store: Path) -> str:
    from pcso_desk import __version__

    return (
        f"<p><b>PCSO Desk {__version__}</b></p>"
        "<p>The desk-side system of a Safer Neighbourhood Team.</p>"
        f"<p>Data folder: {escape(str(data_folder))}<br>Store: {escape(str(store))}</p>"
        "<p>Press F1 for the user guide.</p>"
    )


def show_about(parent: QWidget, data_folder: Path, store: Path) -> QMessageBox:
    """The About box, opened without blocking (so the lock and tests carry on around it)."""
    box = QMessageBox(parent)
    box.setWindowTitle("About PCSO Desk")
    box.setAccessibleName("About PCSO Desk")
    box.setIcon(QMessageBox.Icon.Information)
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText(about_text(data_folder, store))
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


class GuideWindow(QDialog):
    """The user guide, readable beside the main window (not modal)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("PCSO Desk user guide")
        self.setAccessibleName("User guide")
        self.setWindowFlag(Qt.WindowType.WindowContextHelpButtonHint, False)
        self.browser = QTextBrowser()
        self.browser.setAccessibleName("User guide text")
        self.browser.setOpenExternalLinks(True)
        self.browser.document().setDocumentMargin(16)
        self.browser.setMarkdown(guide_text())
        close = QPushButton("&Close")
        close.setAccessibleName("Close")
        close.clicked.connect(self.close)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addLayout(row)
        self.resize(760, 720)
        self.browser.setFocus()

    def headings(self) -> list[str]:
        """The guide's section headings, as shown (for tests and for a glance)."""
        found = []
        block = self.browser.document().begin()
        while block.isValid():
            if block.blockFormat().headingLevel() > 0:
                found.append(block.text())
            block = block.next()
        return found


def show_guide(parent: QWidget) -> GuideWindow:
    """Open the guide, or bring forward the one already open for this parent."""
    existing = parent.findChild(GuideWindow)
    if existing is not None:
        existing.show()
        existing.raise_()
        existing.activateWindow()
        return existing
    window = GuideWindow(parent)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    window.show()
    return window
