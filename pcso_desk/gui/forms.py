"""Form fields that validate as you type, built from a short list of field definitions."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from functools import partial
from typing import Any

from PySide6.QtCore import QDate, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from pcso_desk.domain.kinds import Field
from pcso_desk.domain.schedule import LONDON
from pcso_desk.domain.when import NotADate, read_date, read_datetime
from pcso_desk.gui.widgets import line_edit_of

Check = Callable[[str, Any], str | None]


# A form field is a record kind's declared field (domain/kinds): the form reads the same
# declaration the service cleans with and the export and the merge are derived from.
FieldDef = Field


def to_text(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == "datetime" and isinstance(value, datetime):
        return value.astimezone(LONDON).strftime(DATETIME_SHOWN)  # day first, as in the UK
    if kind == "date" and isinstance(value, date):
        return value.strftime(DATE_SHOWN)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(getattr(value, "value", value))


class FieldEditor(QWidget):
    """The input for one FieldDef, with its error message shown right beside it."""

    changed = Signal()

    def __init__(
        self, spec: FieldDef, options: Sequence[tuple[str, str]] = (), lookup: Lookup | None = None
    ) -> None:
        super().__init__()
        self.spec = spec
        self._lookup = lookup
        self.error = QLabel()
        self.error.setObjectName("fieldError")
        self.error.setWordWrap(True)
        self.error.hide()
        self.input = self._make_input(options)
        self.input.setAccessibleName(spec.label)
        if spec.help:
            self.input.setToolTip(spec.help)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        if isinstance(self.input, QLineEdit) and spec.kind in ("date", "datetime"):
            self.calendar = CalendarButton(self.input, spec.kind == "datetime", spec.label)
            layout.addWidget(row(self.input, self.calendar))
        else:
            layout.addWidget(self.input)
        layout.addWidget(self.error)

    def _make_input(self, options: Sequence[tuple[str, str]]) -> QWidget:
        kind = self.spec.kind
        if kind == "pick" and self._lookup is not None:
            picker = RecordPicker(self._lookup, self.spec.required)
            picker.currentIndexChanged.connect(self.changed)
            line_edit_of(picker).textEdited.connect(self.changed)
            return picker
        if kind == "multiline":
            edit = QPlainTextEdit()
            edit.setTabChangesFocus(True)
            edit.setFixedHeight(80)
            edit.textChanged.connect(self.changed)
            return edit
        if kind in ("choice", "ref"):
            combo = QComboBox()
            self._add_blank(combo)
            for value, label in options or self.spec.choices:
                combo.addItem(label, value)
            combo.currentIndexChanged.connect(self.changed)
            return combo
        if kind == "multi":
            listing = QListWidget()
            for value, label in self.spec.choices:
                item = QListWidgetItem(label)
                item.setData(Qt.ItemDataRole.UserRole, value)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)
                listing.addItem(item)
            listing.setFixedHeight(min(24 * len(self.spec.choices) + 6, 130))
            listing.itemChanged.connect(self.changed)
            return listing
        if kind == "bool":
            box = QCheckBox(self.spec.placeholder or "")
            box.toggled.connect(self.changed)
            return box
        line = QLineEdit()
        line.setPlaceholderText(self.spec.placeholder or _PLACEHOLDERS.get(kind, ""))
        line.textChanged.connect(self.changed)
        return line

    def _add_blank(self, combo: QComboBox) -> None:
        """An optional choice starts with "—" (none); a required reference with "Choose…",
        never with whatever comes first in the alphabet (the form's defaults fill in the
        signed-in officer's own, gui/editor.py)."""
        if not self.spec.required:
            combo.addItem("—", None)
        elif self.spec.kind == "ref":
            combo.addItem("Choose…", None)

    def value(self) -> Any:
        widget = self.input
        if isinstance(widget, RecordPicker):
            return widget.value()
        if isinstance(widget, QPlainTextEdit):
            return widget.toPlainText()
        if isinstance(widget, QComboBox):
            return widget.currentData()
        if isinstance(widget, QListWidget):
            return [
                widget.item(i).data(Qt.ItemDataRole.UserRole)
                for i in range(widget.count())
                if widget.item(i).checkState() == Qt.CheckState.Checked
            ]
        if isinstance(widget, QCheckBox):
            return widget.isChecked()
        assert isinstance(widget, QLineEdit)
        return widget.text()

    def set_choices(self, choices: Sequence[tuple[str, str]]) -> None:
        combo = self.input
        assert isinstance(combo, QComboBox)
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        self._add_blank(combo)
        for value, label in choices:
            combo.addItem(label, value)
        combo.setCurrentIndex(max(combo.findData(current), 0))
        combo.blockSignals(False)

    def set_value(self, value: Any, label: str = "") -> None:
        widget = self.input
        if isinstance(widget, RecordPicker):
            widget.set_choice(value, label)
        elif isinstance(widget, QPlainTextEdit):
            widget.setPlainText(to_text(value, "text"))
        elif isinstance(widget, QComboBox):
            wanted = None if value is None else str(getattr(value, "value", value))
            index = widget.findData(wanted)
            if index < 0 and wanted is not None:  # a reference not in the short list
                widget.addItem(label or wanted, wanted)
                index = widget.count() - 1
            widget.setCurrentIndex(max(index, 0))
        elif isinstance(widget, QListWidget):
            chosen = {str(getattr(v, "value", v)) for v in (value or [])}
            for i in range(widget.count()):
                item = widget.item(i)
                checked = item.data(Qt.ItemDataRole.UserRole) in chosen
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        elif isinstance(widget, QCheckBox):
            widget.setChecked(bool(value))
        elif isinstance(widget, QLineEdit):
            widget.setText(to_text(value, self.spec.kind))

    def show_error(self, message: str | None) -> None:
        self.error.setText(message or "")
        self.error.setVisible(bool(message))
        self.input.setProperty("invalid", bool(message))
        self.input.style().unpolish(self.input)
        self.input.style().polish(self.input)


DATE_SHOWN = "%d/%m/%Y"
DATETIME_SHOWN = "%d/%m/%Y %H:%M"
_PLACEHOLDERS = {
    "date": "e.g. 02/12/2026, today, Friday",
    "datetime": "e.g. 02/12/2026 19:00, today 14:30, Friday 19:00",
}


class CalendarButton(QToolButton):
    """Opens a month calendar under a date box (also Alt+Down in the box); the day clicked
    (or chosen with the arrows and Enter) goes into the box day first, keeping a typed time."""

    def __init__(self, box: QLineEdit, with_time: bool, label: str) -> None:
        super().__init__()
        self._box = box
        self._with_time = with_time
        self.setText("Calendar")
        self.setAccessibleName(f"Choose {label.lower()} from a calendar")
        self.setToolTip(f"Choose {label.lower()} from a calendar (Alt+Down in the box)")
        # Part of the date box, as a drop-down's arrow is: Tab goes from field to field, and
        # the keyboard opens the calendar with Alt+Down in the box.
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setFocusProxy(box)
        self.clicked.connect(self.open)
        shortcut = QShortcut(QKeySequence("Alt+Down"), box)
        shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        shortcut.activated.connect(self.open)
        self._label = label
        self.popup: QCalendarWidget | None = None

    def _typed(self) -> tuple[date | None, str]:
        """The date already in the box (if it reads as one) and its time part."""
        text = self._box.text()
        now = datetime.now(LONDON).replace(tzinfo=None)
        try:
            if self._with_time:
                moment = read_datetime(text, now)
                return moment.date(), f"{moment:%H:%M}"
            return read_date(text, now.date()), ""
        except NotADate:
            return None, ""

    def open(self) -> None:
        if self.popup is None:  # made on first use: most forms never open it
            self.popup = QCalendarWidget(self)
            self.popup.setWindowFlags(Qt.WindowType.Popup)
            self.popup.setAccessibleName(f"{self._label} calendar")
            self.popup.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
            self.popup.setGridVisible(True)
            self.popup.activated.connect(self._chosen)
            self.popup.clicked.connect(self._chosen)
        day, _time = self._typed()
        shown = day or datetime.now(LONDON).date()
        self.popup.setSelectedDate(QDate(shown.year, shown.month, shown.day))
        self.popup.move(self._box.mapToGlobal(self._box.rect().bottomLeft()))
        self.popup.show()
        self.popup.setFocus()

    def _chosen(self, day: QDate) -> None:
        _old, clock = self._typed()
        text = date(day.year(), day.month(), day.day()).strftime(DATE_SHOWN)
        if self._with_time:
            text = f"{text} {clock}" if clock else f"{text} "
        if self.popup is not None:
            self.popup.hide()
        self._box.setText(text)
        self._box.setFocus()
        self._box.end(False)  # a date and time without its time: the time is typed next


Lookup = Callable[[str, Callable[[list[tuple[str, str]]], None]], None]


def not_picked(typed: str) -> str:
    """One sentence for a name typed in a contact box but not picked from its matches."""
    return (
        f"'{typed}' is not picked from the contacts: choose them from the list that shows as "
        "you type (or add them as a new contact first), or clear the box."
    )


class RecordPicker(QComboBox):
    """Type-ahead choice over a large table (contacts): matches are looked up as you type."""

    def __init__(self, lookup: Lookup, required: bool) -> None:
        super().__init__()
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self._edit = line_edit_of(self)
        self._edit.setPlaceholderText("Type a name or postcode…")
        self._lookup = lookup
        self._required = required
        self._timer = QTimer(self, singleShot=True, interval=150)
        self._timer.timeout.connect(self._search)
        self._edit.textEdited.connect(lambda _text: self._timer.start())
        self._arrowed = False  # the person moved through the matches with the arrow keys
        self.view().installEventFilter(self)  # after the drop-down's own filter: runs first

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """While the matches are open, keys typed still go into the box, and Tab moves on.

        A drop-down's list takes the keyboard while it is open: without this, a pause while
        typing a name opened it and the next keys went to the list (lost), and Tab did nothing.
        Tab picks the match the arrow keys moved to, or leaves the typed text as it is.
        """
        if watched is not self.view() or event.type() != QEvent.Type.KeyPress:
            return super().eventFilter(watched, event)
        assert isinstance(event, QKeyEvent)
        key = event.key()
        if key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            index = self.view().currentIndex()
            picked = self._arrowed and index.isValid()
            self.hidePopup()
            if picked:
                self.setCurrentIndex(index.row())
            self.setFocus(Qt.FocusReason.TabFocusReason)
            forward = (
                key == Qt.Key.Key_Tab and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            )
            self.focusNextPrevChild(forward)
            return True
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
            self._arrowed = True
            return False
        editing = key in (
            Qt.Key.Key_Backspace,
            Qt.Key.Key_Delete,
            Qt.Key.Key_Left,
            Qt.Key.Key_Right,
            Qt.Key.Key_Home,
            Qt.Key.Key_End,
        )
        typed = event.text() and event.text().isprintable()
        plain = not event.modifiers() & ~(
            Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier
        )
        if (editing or typed) and plain:
            self.hidePopup()
            QApplication.sendEvent(self._edit, event)
            return True
        return False

    def _search(self) -> None:
        typed = self._edit.text()
        if len(typed.strip()) >= 2:
            self._lookup(typed, partial(self._show, typed))

    def _show(self, typed: str, found: list[tuple[str, str]]) -> None:
        if self._edit.text() != typed:
            return  # the user typed on; a newer lookup is on its way
        self.blockSignals(True)
        self.clear()
        for record_id, label in found:
            self.addItem(label, record_id)
        self.setCurrentIndex(-1)
        self._edit.setText(typed)
        self.blockSignals(False)
        if found:
            self._arrowed = False
            self.showPopup()

    def set_choice(self, record_id: str | None, label: str) -> None:
        self.blockSignals(True)
        self.clear()
        if record_id:
            self.addItem(label or record_id, record_id)
            self.setCurrentIndex(0)
        self.blockSignals(False)

    def value(self) -> str | None:
        index = self.currentIndex()
        if index < 0 or self.itemText(index) != self.currentText():
            return None
        record_id: str = self.itemData(index)
        return record_id


class RecordForm(QWidget):
    """A form of FieldEditors; checks each field as it changes through `check`."""

    changed = Signal()

    def __init__(
        self,
        fields: Sequence[FieldDef],
        check: Check,
        lookup: Lookup | None = None,
    ) -> None:
        super().__init__()
        self._check = check
        self._filling = False
        self.typed: set[str] = set()  # the fields the person has changed
        self.editors: dict[str, FieldEditor] = {}
        layout = QFormLayout(self)
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for spec in fields:
            editor = FieldEditor(spec, (), lookup)
            editor.changed.connect(lambda key=spec.key: self._field_changed(key))
            label = QLabel(spec.label + (" *" if spec.required else ""))
            label.setBuddy(editor.input)
            layout.addRow(label, editor)
            self.editors[spec.key] = editor

    def _field_changed(self, key: str) -> None:
        if not self._filling:
            self.typed.add(key)
        editor = self.editors[key]
        editor.show_error(self._check(key, editor.value()))
        self.changed.emit()

    @property
    def refs(self) -> set[str]:
        """The reference lists (wards, officers...) this form's choices are filled from."""
        return {e.spec.ref for e in self.editors.values() if e.spec.kind == "ref" and e.spec.ref}

    def set_options(self, options: dict[str, Sequence[tuple[str, str]]]) -> None:
        """Fill the reference choices, loaded off the GUI thread by the caller."""
        for editor in self.editors.values():
            if editor.spec.kind == "ref" and editor.spec.ref in options:
                editor.set_choices(options[editor.spec.ref])

    def values(self) -> dict[str, Any]:
        return {key: editor.value() for key, editor in self.editors.items()}

    def set_values(self, values: dict[str, Any]) -> None:
        self._filling = True
        try:
            for key, value in values.items():
                if key in self.editors:
                    self.editors[key].set_value(value, str(values.get(f"{key}_label") or ""))
        finally:
            self._filling = False
        for editor in self.editors.values():
            editor.show_error(None)

    def typed_values(self) -> dict[str, Any]:
        """What the person typed or chose so far (not what a load or a draft put in): kept
        when the record arrives after the form was shown, so no keystroke is lost."""
        return {
            key: editor.value()
            for key, editor in self.editors.items()
            if key in self.typed and editor.spec.kind != "pick"
        }

    def show_error(self, key: str | None, message: str) -> bool:
        """Put a save error next to its field; False if it belongs to no field here."""
        if key in self.editors:
            self.editors[key].show_error(message)
            self.editors[key].input.setFocus()
            return True
        return False

    def first_error(self) -> str | None:
        for key, editor in self.editors.items():
            message = self._check(key, editor.value())
            if message:
                editor.show_error(message)
                return message
        return None


def row(*widgets: QWidget) -> QWidget:
    holder = QWidget()
    layout = QHBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget)
    return holder
