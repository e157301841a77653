"""The Reports screen: choose a document, preview its PDF pages, print them or save the PDF.

Showing a document is audited as a preview; saving it to a file or sending it to a printer is
audited as a print (services.documents): each makes the document afresh from what was chosen
for the preview.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QImage, QPainter, QPixmap
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from pcso_desk.domain.schedule import LONDON
from pcso_desk.domain.wording import counted
from pcso_desk.gui.desk import Desk
from pcso_desk.services.values import Changes

PREVIEW_DPI = 80
PRINT_DPI = 200
SaveFile = Callable[[QWidget | None, str, str], str | None]
PrintDialog = Callable[[QPrinter, QWidget | None], bool]
Today = Callable[[], date]
Made = tuple[str, str, date]  # what a preview was made of: document key, target, day


@dataclass(frozen=True)
class DocumentKind:
    key: str
    label: str
    target: str  # what it is made for: area, meeting, kin or case


DOCUMENTS = (
    DocumentKind("handout", "Street briefing handout", "area"),
    DocumentKind("large", "Street briefing, large print", "area"),
    DocumentKind("pack", "Meeting pack (agenda and sign-in)", "meeting"),
    DocumentKind("kin", "KIN call list (OFFICIAL-SENSITIVE)", "kin"),
    DocumentKind("card", "Victim visit card (OFFICIAL-SENSITIVE)", "case"),
)


def save_file(parent: QWidget | None, title: str, suggested: str) -> str | None:
    chosen, _filter = QFileDialog.getSaveFileName(parent, title, suggested, "PDF (*.pdf)")
    return chosen or None


def print_dialog(printer: QPrinter, parent: QWidget | None) -> bool:
    dialog = QPrintDialog(printer, parent)
    return bool(dialog.exec() == QPrintDialog.DialogCode.Accepted)


def london_today() -> date:
    return datetime.now(LONDON).date()


def render_pages(pdf: bytes, dpi: int) -> list[QImage]:
    """Each page of `pdf` as an image: preview and print both draw these, from the same bytes."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        images = []
        for page in document:
            bitmap = page.render(scale=dpi / 72, force_bitmap_format=pypdfium2.raw.FPDFBitmap_BGRA)
            image = QImage(
                bitmap.buffer,
                bitmap.width,
                bitmap.height,
                bitmap.stride,
                QImage.Format.Format_ARGB32,
            )
            images.append(image.copy())  # own the pixels: the bitmap goes away below
            page.close()
        return images
    finally:
        document.close()


def print_pages(pages: list[QImage], printer: QPrinter) -> None:
    """Paint each page image onto its own printed page, scaled to fit and centred."""
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("The printer could not be opened.")
    try:
        for number, image in enumerate(pages):
            if number:
                printer.newPage()
            area = painter.viewport()
            size = image.size().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
            x = area.x() + (area.width() - size.width()) // 2
            y = area.y() + (area.height() - size.height()) // 2
            painter.drawImage(QRect(x, y, size.width(), size.height()), image)
    finally:
        painter.end()


CHOICE_KINDS = frozenset({"wards", "neighbourhoods", "meetings", "kins", "victim_cases"})


class BriefingsTab(QWidget):
    """Choose a document and what it is for; the preview is the PDF that is saved or printed."""

    def __init__(self, desk: Desk, today: Today, save: SaveFile, ask_print: PrintDialog) -> None:
        super().__init__()
        self.desk, self.today, self.save, self.ask_print = desk, today, save, ask_print
        self.pdf: bytes | None = None
        self.made: Made | None = None
        self.pages: list[QImage] = []
        self.choices: dict[str, tuple[tuple[str, str], ...]] = {}
        self._request = 0
        self._build_controls()
        self._build_preview()
        self.reload_choices()
        self.desk.hub.changed.connect(self._on_changes)

    def reload_choices(self) -> None:
        self.desk.runner.run(self._load_choices, self._choices_loaded, guard=self)

    def _on_changes(self, changes: Changes) -> None:
        """A new or renamed ward, meeting, network or case appears without reopening."""
        if changes.kind in CHOICE_KINDS:
            self.reload_choices()

    def _build_controls(self) -> None:
        self.document = QComboBox()
        self.document.setAccessibleName("Document")
        for kind in DOCUMENTS:
            self.document.addItem(kind.label, kind.key)
        self.target = QComboBox()
        self.target.setAccessibleName("Made for")
        self.target.setMinimumWidth(320)
        self.save_button = QPushButton("Save as PDF\u2026")
        self.save_button.setAccessibleName("Save as PDF")
        self.print_button = QPushButton("Print\u2026")
        self.print_button.setAccessibleName("Print")
        self.status = QLabel("Choose a document.")
        self.status.setAccessibleName("Document status")
        form = QFormLayout()
        form.addRow("&Document", self.document)
        form.addRow("&For", self.target)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.print_button)
        buttons.addStretch(1)
        self.controls = QVBoxLayout()
        self.controls.addLayout(form)
        self.controls.addLayout(buttons)
        self.controls.addWidget(self.status)
        self.document.currentIndexChanged.connect(self._document_changed)
        self.target.currentIndexChanged.connect(self._make)
        self.save_button.clicked.connect(self._save)
        self.print_button.clicked.connect(self._print)
        self._set_ready(False)

    def _build_preview(self) -> None:
        self.page_box = QWidget()
        self.page_box.setObjectName("preview-pages")
        self.page_layout = QVBoxLayout(self.page_box)
        self.page_layout.setSpacing(12)
        self.preview = QScrollArea()
        self.preview.setAccessibleName("Preview")
        self.preview.setWidgetResizable(True)
        self.preview.setWidget(self.page_box)
        layout = QHBoxLayout(self)
        side = QWidget()
        side.setLayout(self.controls)
        self.controls.addStretch(1)
        side.setMaximumWidth(460)
        layout.addWidget(side)
        layout.addWidget(self.preview, 1)

    def _load_choices(self) -> dict[str, tuple[tuple[str, str], ...]]:
        documents = self.desk.services.documents
        areas = tuple(
            (f"{kind}:{c.label.rsplit('(', 1)[-1].rstrip(')')}", f"{kind.capitalize()}: {c.label}")
            for kind in ("ward", "neighbourhood")
            for c in documents.choices(kind)
        )
        loaded = {"area": areas}
        for what in ("meeting", "kin"):
            loaded[what] = tuple((c.id, c.label) for c in documents.choices(what))
        loaded["case"] = tuple((c.id, c.label) for c in documents.open_cases())
        return loaded

    def _choices_loaded(self, loaded: dict[str, tuple[tuple[str, str], ...]]) -> None:
        self.choices = loaded
        self._document_changed()

    def kind(self) -> DocumentKind:
        return DOCUMENTS[max(self.document.currentIndex(), 0)]

    def _document_changed(self) -> None:
        kept = self.target.currentData()
        self.target.blockSignals(True)
        self.target.clear()
        for value, label in self.choices.get(self.kind().target, ()):
            self.target.addItem(label, value)
        index = self.target.findData(kept)
        self.target.setCurrentIndex(max(index, 0))
        self.target.blockSignals(False)
        self._make()

    def _make(self) -> None:
        """Build the chosen document on the worker; a newer choice makes older results stale."""
        value = self.target.currentData()
        self._set_ready(False)
        self.made = None
        if value is None:
            self.status.setText("There is nothing to make this document for yet.")
            self._show([])
            return
        self._request += 1
        request, made = self._request, (self.kind().key, str(value), self.today())
        self.status.setText("Making the document\u2026")

        def work() -> tuple[bytes, list[QImage]]:
            pdf = self._pdf("preview", made)
            return pdf, render_pages(pdf, PREVIEW_DPI)

        def done(result: tuple[bytes, list[QImage]]) -> None:
            if request == self._request:
                self._made(made, *result)

        self.desk.runner.run(work, done, guard=self)

    def _pdf(self, use: str, made: Made) -> bytes:
        """On the worker: the chosen document's PDF to show ("preview") or to send to a
        printer ("print"); each is its own audited use case."""
        key, value, today = made
        documents = self.desk.services.documents
        printing = use == "print"
        if key in ("handout", "large"):
            kind, code = value.split(":", 1)
            area, large = documents.find_area(kind, code), key == "large"
            if printing:
                return documents.print_handout(area, today, large_print=large)
            return documents.preview_handout(area, today, large_print=large)
        if key == "pack":
            if printing:
                return documents.print_meeting_pack(value)
            return documents.preview_meeting_pack(value)
        if key == "kin":
            if printing:
                return documents.print_kin_call_list(value, today)
            return documents.preview_kin_call_list(value, today)
        if printing:
            return documents.print_victim_card(value, today)
        return documents.preview_victim_card(value, today)

    def _save_pdf(self, made: Made, out: Path) -> Path:
        """On the worker: the chosen document written to `out` (audited as a print)."""
        key, value, today = made
        documents = self.desk.services.documents
        if key in ("handout", "large"):
            kind, code = value.split(":", 1)
            area = documents.find_area(kind, code)
            return documents.save_handout(area, today, out, large_print=key == "large")
        if key == "pack":
            return documents.save_meeting_pack(value, out)
        if key == "kin":
            return documents.save_kin_call_list(value, today, out)
        return documents.save_victim_card(value, today, out)

    def _made(self, made: Made, pdf: bytes, pages: list[QImage]) -> None:
        self.made, self.pdf, self.pages = made, pdf, pages
        self._show(pages)
        self.status.setText(f"{self.kind().label}: {counted(len(pages), 'page')}.")
        self._set_ready(True)

    def _show(self, pages: list[QImage]) -> None:
        while (item := self.page_layout.takeAt(0)) is not None:
            if (widget := item.widget()) is not None:
                widget.deleteLater()
        for number, image in enumerate(pages, start=1):
            label = QLabel()
            label.setPixmap(QPixmap.fromImage(image))
            label.setAccessibleName(f"Page {number}")
            label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            self.page_layout.addWidget(label)
        self.page_layout.addStretch(1)

    def _set_ready(self, ready: bool) -> None:
        self.save_button.setEnabled(ready)
        self.print_button.setEnabled(ready)

    def _suggested_name(self) -> str:
        words = f"{self.kind().label.split(' (')[0]} {self.target.currentText()}"
        cleaned = "".join(ch if ch.isalnum() else "-" for ch in words.lower())
        return "-".join(part for part in cleaned.split("-") if part)[:80] + ".pdf"

    def _save(self) -> None:
        """Save the previewed document as a PDF file (made again, and audited as a print)."""
        made = self.made
        chosen = self.save(self, "Save as PDF", self._suggested_name())
        if made is None or not chosen:
            return
        target = Path(chosen if chosen.lower().endswith(".pdf") else chosen + ".pdf")

        def done(_path: Path) -> None:
            self.status.setText(f"Saved to {target}.")

        self.desk.write(lambda: self._save_pdf(made, target), done, guard=self)

    def _print(self) -> None:
        """Print the previewed document (made again, and audited as a print), its pages
        rendered at printing resolution."""
        made = self.made
        if made is None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.kind().label)
        if not self.ask_print(printer, self):
            return
        self.status.setText("Sending the document to the printer\u2026")

        def work() -> list[QImage]:
            return render_pages(self._pdf("print", made), PRINT_DPI)

        def done(pages: list[QImage]) -> None:
            print_pages(pages, printer)
            self.status.setText(f"Sent {len(pages)} page(s) to the printer.")

        self.desk.write(work, done, guard=self)  # a print is audited: a write


class ReportsScreen(QTabWidget):
    """Tabs of printable documents; the lead adds the monthly-pack tab with `add_tab`."""

    def __init__(
        self,
        desk: Desk,
        *,
        today: Today = london_today,
        save: SaveFile = save_file,
        ask_print: PrintDialog = print_dialog,
    ) -> None:
        super().__init__()
        self.setObjectName("Reports")
        self.setAccessibleName("Reports")
        self.briefings = BriefingsTab(desk, today, save, ask_print)
        self.add_tab(self.briefings, "Briefings and prints")

    def add_tab(self, widget: QWidget, title: str) -> int:
        widget.setAccessibleName(title)
        return self.addTab(widget, title)


def reports_screen(desk: Desk) -> ReportsScreen:
    return ReportsScreen(desk)
