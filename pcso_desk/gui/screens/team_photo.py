"""Admin → Neighbourhoods: the team photo that packs and handouts print.

A "Team photo…" button beside the list opens a small dialog for the selected neighbourhood:
the photo as stored, and buttons to choose a new one (an image file of up to 5 MB, scaled
down by the service) or remove it. The photo is held in the store, so every station gets it.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pcso_desk.gui.desk import Desk
from pcso_desk.gui.screens.records import RecordScreen

PICTURES = "Images (*.jpg *.jpeg *.png *.gif *.bmp *.webp)"
PREVIEW = (400, 300)


class TeamPhotoDialog(QDialog):
    """The selected neighbourhood's photo, with Choose and Remove."""

    def __init__(self, desk: Desk, neighbourhood_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk, self.neighbourhood_id = desk, neighbourhood_id
        self.setWindowTitle("Team photo")
        self.setAccessibleName("Team photo")
        self.picture = QLabel()
        self.picture.setAccessibleName("The team photo")
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setMinimumSize(*PREVIEW)
        self.note = QLabel(
            "Printed on the monthly packs and street briefings. Choose a photo of up to 5 MB;"
            " it is scaled down and kept in the store, so every station of the team has it."
        )
        self.note.setWordWrap(True)
        self.choose_button = QPushButton("&Choose photo…")
        self.remove_button = QPushButton("&Remove photo")
        for button in (self.choose_button, self.remove_button):
            button.setAccessibleName(button.text().replace("&", "").rstrip("…"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.choose_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.remove_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.choose_button.clicked.connect(self.choose)
        self.remove_button.clicked.connect(lambda: self._set(None))
        layout = QVBoxLayout(self)
        layout.addWidget(self.picture, 1)
        layout.addWidget(self.note)
        layout.addWidget(buttons)
        self.show_photo()

    def show_photo(self) -> None:
        """Read the stored photo on the worker; show it when it comes."""
        hood = self.neighbourhood_id
        self.desk.runner.run(lambda: self.desk.services.team_photo(hood), self._show, guard=self)

    def _show(self, data: bytes | None) -> None:
        self.remove_button.setEnabled(data is not None)
        if data is None:
            self.picture.setPixmap(QPixmap())
            self.picture.setText("No team photo: packs and handouts print none.")
            return
        pixmap = QPixmap()
        pixmap.loadFromData(data)
        self.picture.setPixmap(
            pixmap.scaled(*PREVIEW, Qt.AspectRatioMode.KeepAspectRatio,
                          Qt.TransformationMode.SmoothTransformation)
        )  # fmt: skip

    def choose(self) -> None:
        chosen = self.desk.choose(self, "Choose the team photo", PICTURES)
        if chosen:
            self._set(Path(chosen))

    def _set(self, path: Path | None) -> None:
        hood = self.neighbourhood_id
        self.desk.write(
            lambda: self.desk.services.set_team_photo(hood, path),
            lambda _set: self.show_photo(),
            lambda error: self.desk.report_error(error, self),
            guard=self,
        )


def add_photo_button(desk: Desk, screen: RecordScreen) -> QPushButton:
    """The "Team photo…" button on the Neighbourhoods list, for the selected neighbourhood."""
    button = QPushButton("Team &photo…")
    button.setAccessibleName("Team photo")

    def open_dialog() -> None:
        chosen = screen.selected_id()
        if chosen is None:
            desk.inform(screen, "Team photo", "Select a neighbourhood first.")
            return
        dialog = TeamPhotoDialog(desk, chosen, screen)
        dialog.setModal(True)
        dialog.show()
        setattr(screen, "photo_dialog", dialog)  # the open dialog, for tests to reach  # noqa: B010

    button.clicked.connect(open_dialog)
    screen.bar.addWidget(button)
    return button
