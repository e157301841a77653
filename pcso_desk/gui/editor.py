"""The record editor dialog: validates as you type, keeps a draft on disk, saves off-thread."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QScrollArea, QVBoxLayout, QWidget

from pcso_desk.domain.errors import ValidationError
from pcso_desk.gui.desk import Desk
from pcso_desk.gui.forms import FieldDef, RecordForm
from pcso_desk.services.values import Changes

DRAFT_DELAY_MS = 300


class RecordEditor(QDialog):
    """Create (record_id None) or edit one record of `kind` with the given fields."""

    saved = Signal(object)  # Changes

    def __init__(
        self,
        desk: Desk,
        kind: str,
        title: str,
        fields: Sequence[FieldDef],
        record_id: str | None = None,
        initial: dict[str, Any] | None = None,
        save: Callable[[dict[str, Any]], Changes] | None = None,
        parent: QWidget | None = None,
        draft_scope: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.desk = desk
        self.kind = kind
        self.record_id = record_id
        self.service = desk.services[kind]
        self._save = save
        # A new record made "under" another (a visit for a case) keeps its own draft per parent.
        self.draft_key = f"{kind}-{record_id or 'new'}" + (f"-{draft_scope}" if draft_scope else "")
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.form = RecordForm(fields, self.service.check_field, desk.find_contacts)
        self._draft_timer = QTimer(self, singleShot=True, interval=DRAFT_DELAY_MS)
        self._draft_timer.timeout.connect(self._keep_draft)
        self.message = QLabel()
        self.message.setObjectName("formMessage")
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        for role, name in (
            (QDialogButtonBox.StandardButton.Save, "Save"),
            (QDialogButtonBox.StandardButton.Cancel, "Cancel"),
        ):
            self.buttons.button(role).setAccessibleName(name)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.cancel)
        holder = QWidget()  # keeps the rows at the top when the dialog is taller than the form
        holder_layout = QVBoxLayout(holder)
        holder_layout.addWidget(self.form)
        holder_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(holder)
        self.column = QVBoxLayout(self)  # the form, the message, the buttons
        self.column.addWidget(scroll)
        self.column.addWidget(self.message)
        self.column.addWidget(self.buttons)
        self.resize(640, min(140 + 46 * len(fields), 720))
        self._defaults = {f.key: f.default for f in fields if f.default is not None}
        self._ready = False
        self._load(initial or {})

    def _load(self, initial: dict[str, Any]) -> None:
        """Fetch the choice lists (and the record) on the worker, then fill the form."""
        services, refs, record_id = self.desk.services, self.form.refs, self.record_id

        def work() -> tuple[dict[str, Any], dict[str, Any]]:
            options = {ref: services.options(ref) for ref in refs}
            record = self.service.get(record_id) if record_id else dict(self._defaults)
            return options, record

        def loaded(found: tuple[dict[str, Any], dict[str, Any]]) -> None:
            options, record = found
            self.form.set_options(options)
            self._fill({**record, **initial})

        self.desk.runner.run(work, loaded, self._failed_to_load, guard=self)

    def _failed_to_load(self, error: BaseException) -> None:
        self.desk.report_error(error, self)
        self.reject()

    def _fill(self, values: dict[str, Any]) -> None:
        typed = self.form.typed_values()  # typed while the record was loading
        self.set_values(values)
        self.form.set_values(typed)
        draft = self.desk.drafts.load(self.draft_key)
        if (
            draft
            and draft != self.draft_values()
            and self.desk.ask(
                self, "Unsaved work", "You have unsaved changes from earlier. Restore them?"
            )
        ):
            self.set_values(draft)
        elif draft:
            self.desk.drafts.discard(self.draft_key)
        self.form.changed.connect(self._draft_timer.start)
        self._ready = True

    @property
    def ready(self) -> bool:
        return self._ready

    def set_values(self, values: dict[str, Any]) -> None:
        """Show a record's values (or a draft's); an editor with more than the form (an
        engagement's contacts) fills the rest too."""
        self.form.set_values(values)

    def draft_values(self) -> dict[str, Any]:
        """What a draft keeps: the form's values, and whatever else the editor holds."""
        return self.form.values()

    def _keep_draft(self) -> None:
        self.desk.drafts.save(self.draft_key, self.windowTitle(), self.draft_values())

    def values(self) -> dict[str, Any]:
        return self.form.values()

    def save(self) -> None:
        if self.form.first_error():
            self.message.setText("Please correct the highlighted field.")
            return
        values = self.values()
        if self._save is not None:
            work = lambda: self._save(values)  # noqa: E731
        elif self.record_id is None:
            work = lambda: self.service.create(values)  # noqa: E731
        else:
            record_id = self.record_id
            work = lambda: self.service.update(record_id, values)  # noqa: E731
        self.buttons.setEnabled(False)
        self.desk.write(work, self._saved, self._save_failed)

    def _saved(self, changes: Changes) -> None:
        self._draft_timer.stop()
        self.desk.drafts.discard(self.draft_key)
        self.saved.emit(changes)
        self.accept()

    def _save_failed(self, error: BaseException) -> None:
        self.buttons.setEnabled(True)
        if isinstance(error, ValidationError):
            if not self.form.show_error(error.field, error.message):
                self.message.setText(error.message)
            return
        self.desk.report_error(error, self)

    def cancel(self) -> None:
        self.reject()

    def reject(self) -> None:
        """Cancel, Escape or the close box: the user chose to drop the typed work."""
        self._draft_timer.stop()
        self.desk.drafts.discard(self.draft_key)
        super().reject()
