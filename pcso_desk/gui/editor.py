"""The record editor dialog: validates as you type, keeps a draft on disk, saves off-thread."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QScrollArea, QVBoxLayout, QWidget

from pcso_desk.domain.errors import ValidationError
from pcso_desk.domain.permissions import ORGANISATION_KINDS
from pcso_desk.gui.desk import Desk
from pcso_desk.gui.forms import FieldDef, RecordForm
from pcso_desk.services.values import Changes

DRAFT_DELAY_MS = 300


def signed_in_defaults(services: Any, kind: str, form: RecordForm) -> dict[str, Any]:
    """A new record's officer, neighbourhood and ward: the signed-in officer's own, wherever
    the form asks for one (never the alphabetically first). The team's own tables (wards,
    officers, ...) start blank."""
    if kind in ORGANISATION_KINDS:
        return {}
    here = services.whereabouts()
    mine = {"officers": here.officer_id, "neighbourhoods": here.neighbourhood_id,
            "wards": here.ward_id}  # fmt: skip
    return {
        key: mine[editor.spec.ref or ""]
        for key, editor in form.editors.items()
        if editor.spec.kind == "ref" and mine.get(editor.spec.ref or "")
    }


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
        # A role that may not save this (an admin opening a casework record) can read it;
        # Save is disabled, saying who can, rather than refused after the typing.
        from pcso_desk.domain.permissions import Action
        from pcso_desk.gui.offered import offer

        offer(desk, self.buttons.button(QDialogButtonBox.StandardButton.Save),
              Action.CREATE if record_id is None else Action.CHANGE, kind)  # fmt: skip
        holder = QWidget()  # keeps the rows at the top when the dialog is taller than the form
        holder_layout = QVBoxLayout(holder)
        holder_layout.addWidget(self.form)
        holder_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(holder)
        # The first field has the keyboard as the editor opens (not the scroll area, where
        # the first keystrokes went nowhere); typed text survives the form filling in.
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        first = next(iter(self.form.editors.values()), None)
        if first is not None:
            self.setFocusProxy(first.input)
            first.input.setFocus(Qt.FocusReason.OtherFocusReason)
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
            # Officer lists are the team's (the signed-in officer's neighbourhood) by default.
            options = {ref: services.team_options(ref) for ref in refs}
            if record_id:
                return options, self.service.get(record_id)
            return options, {**signed_in_defaults(services, self.kind, self.form), **self._defaults}

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
        if not self.buttons.button(QDialogButtonBox.StandardButton.Save).isEnabled():
            return  # Enter in a field of a record this role may only read
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
