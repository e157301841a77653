"""The idle lock: after a quiet spell every window of the app is covered until the signed-in
user types their password, without closing any window, so an editor's typed work is still
there after unlocking. Input is judged as the window system delivers it (at the top-level
QWindow first), so a real keyboard unlocks it as well as a test does.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeGuard

import shiboken6
from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QWindow
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QStatusBar,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from pcso_desk.domain.errors import PcsoDeskError
from pcso_desk.domain.permissions import ROLE_NAMES
from pcso_desk.gui.desk import Desk
from pcso_desk.gui.signin import form_message, password_field
from pcso_desk.gui.widgets import named

if TYPE_CHECKING:
    from pcso_desk.services.values import Actor

LOCK_KEY = "security/lock_minutes"
DEFAULT_LOCK_MINUTES = 10.0
# Input that counts as someone at the desk (and that the lock keeps from covered windows).
ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
    }
)
BLOCKED_WHILE_LOCKED = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.KeyRelease,
        QEvent.Type.ShortcutOverride,
        QEvent.Type.Shortcut,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.Wheel,
        QEvent.Type.ContextMenu,
    }
)


def lock_minutes(settings: QSettings | None) -> float:
    """The idle time before the lock, from the settings file (at least one minute)."""
    if settings is None:
        return DEFAULT_LOCK_MINUTES
    stored = settings.value(LOCK_KEY, DEFAULT_LOCK_MINUTES)
    if not isinstance(stored, str | int | float):
        return DEFAULT_LOCK_MINUTES
    try:
        minutes = float(stored)
    except ValueError:
        return DEFAULT_LOCK_MINUTES
    return max(1.0, minutes)


class LockScreen(QFrame):
    """An opaque cover over one window: the signed-in user's password unlocks it."""

    unlock_requested = Signal(str)  # the password typed
    sign_out_requested = Signal()

    def __init__(self, parent: QWidget, actor: Actor, compact: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("lockScreen")
        self.setAccessibleName("Locked")
        self.setAutoFillBackground(True)
        self.setStyleSheet(
            "QFrame#lockScreen { background: #1f3a5f; }"
            " QFrame#lockCard { background: #f4f6f9; border-radius: 8px; }"
        )
        heading = QLabel("PCSO Desk is locked")
        heading.setObjectName("screenTitle")
        who = QLabel(
            f"Signed in as <b>{actor.username}</b> ({ROLE_NAMES[actor.role]}). "
            "Type your password to carry on where you left off."
        )
        who.setWordWrap(True)
        self.password = password_field("Password to unlock")
        self.password.returnPressed.connect(self._unlock)
        self.message = form_message()
        self.unlock_button = named(QPushButton("&Unlock"), "Unlock")
        self.unlock_button.clicked.connect(self._unlock)
        self.sign_out_button = named(QPushButton("Sign &out"), "Sign out")
        self.sign_out_button.setToolTip("Sign out so that someone else can sign in")
        self.sign_out_button.clicked.connect(self.sign_out_requested)
        card = QFrame()
        card.setObjectName("lockCard")
        card.setMaximumWidth(460)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(24, 20, 24, 20)
        buttons = QHBoxLayout()
        buttons.addWidget(self.sign_out_button)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)
        parts = [self.password, self.message] if compact else [heading, who, self.password]
        for part in parts:
            inner.addWidget(part)
        if not compact:
            inner.addWidget(self.message)
        inner.addLayout(buttons)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card, 3)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(1)

    def _unlock(self) -> None:
        self.unlock_button.setEnabled(False)
        self.message.setText("Checking…")
        self.unlock_requested.emit(self.password.text())

    def refused(self, sentence: str) -> None:
        self.unlock_button.setEnabled(True)
        self.message.setText(sentence)
        self.password.clear()
        self.password.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Keys the fields do not use (Escape, Enter) stop here: the covered dialog must not
        # take them as Cancel (dropping a draft) or Save.
        event.accept()

    def focusNextPrevChild(self, next: bool) -> bool:
        """Tab cycles among the lock's own controls, never into the covered window."""
        chain = [self.password, self.sign_out_button, self.unlock_button]
        chain = [w for w in chain if w.isEnabled()]
        current = QApplication.focusWidget()
        at = chain.index(current) if current in chain else -1
        chain[(at + (1 if next else -1)) % len(chain)].setFocus()
        return True


class IdleLock(QObject):
    """Locks every window of the app after `timeout_ms` without keyboard or mouse input.

    An application-wide event filter sees all input: it notes the time of the last input, and
    while locked it lets through only what is aimed at a lock screen. A timer looks at the
    quiet time every second (sooner for a shorter timeout); the time comes from `clock`
    (monotonic seconds), which a test replaces to move time on without waiting.
    """

    locked = Signal()
    unlocked = Signal()
    sign_out_requested = Signal()

    def __init__(
        self,
        window: QMainWindow,
        desk: Desk,
        timeout_ms: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.desk = desk
        self.covers: dict[QWidget, LockScreen] = {}
        self._hidden: list[QWidget] = []
        self._status_text = ""
        self._clock = clock
        self._timeout = max(1, timeout_ms) / 1000
        self._last_input = clock()
        self._timer = QTimer(self, interval=min(1000, max(1, timeout_ms)))
        self._timer.timeout.connect(self.check)
        app = QApplication.instance()
        assert app is not None
        app.installEventFilter(self)
        self._timer.start()

    @property
    def is_locked(self) -> bool:
        return bool(self.covers)

    def stop(self) -> None:
        self._timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    # -- watching ------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if not self.covers:
            if kind in ACTIVITY:
                self._last_input = self._clock()
            return False
        if kind == QEvent.Type.Resize and watched in self.covers:
            self._place(watched)
        elif kind == QEvent.Type.Show and self._needs_cover(watched):
            self._cover(watched)  # a window that opened meanwhile
        elif kind == QEvent.Type.Close and watched in self.covers and watched is not self.window:
            event.ignore()  # closing a covered editor would drop its typed work
            return True
        elif kind in BLOCKED_WHILE_LOCKED and not isinstance(watched, QWindow):
            # Real input reaches the top-level QWindow first, which hands it on to the widget
            # under the cursor or with focus: that second delivery is the one to judge.
            return not self._inside_cover(watched)
        return False

    def _inside_cover(self, obj: QObject | None) -> bool:
        while obj is not None:
            if isinstance(obj, LockScreen):
                return True
            obj = obj.parent()
        return False

    def _needs_cover(self, obj: QObject) -> TypeGuard[QWidget]:
        if not isinstance(obj, QWidget) or not obj.isWindow() or obj in self.covers:
            return False
        popup = obj.windowType() in (Qt.WindowType.Popup, Qt.WindowType.ToolTip)
        if popup:
            QTimer.singleShot(0, obj.hide)
        return not popup

    def check(self) -> None:
        """Lock if there has been no input for the timeout."""
        if not self.covers and self._clock() - self._last_input >= self._timeout:
            self.lock()

    # -- locking -------------------------------------------------------------------------

    def lock(self) -> None:
        actor = self.desk.services.ctx.actor
        if self.covers or actor is None or not shiboken6.isValid(self.window):
            return
        self._timer.stop()
        QToolTip.hideText()
        while (popup := QApplication.activePopupWidget()) is not None:
            popup.close()
        main = self.window
        parts = (main.centralWidget(), main.menuBar())
        self._hidden = [w for w in parts if w is not None and w.isVisible()]
        for widget in self._hidden:
            widget.hide()
        label = getattr(main, "officer_label", None)
        if isinstance(label, QLabel):
            self._status_text = label.text()
            label.setText("Locked")
        windows = [w for w in QApplication.topLevelWidgets() if w.isVisible() and w.isWindow()]
        for window in [main, *(w for w in windows if w is not main)]:
            if self._needs_cover(window):
                self._cover(window)
        self._focus_cover()
        self.locked.emit()

    def _cover(self, window: QWidget) -> None:
        actor = self.desk.services.ctx.actor
        assert actor is not None
        cover = LockScreen(window, actor, compact=window.height() < 320)
        cover.unlock_requested.connect(lambda password: self._try(cover, password))
        cover.sign_out_requested.connect(self.sign_out_requested)
        self.covers[window] = cover
        self._place(window)
        cover.show()
        cover.raise_()

    def _place(self, window: QWidget) -> None:
        cover = self.covers[window]
        height = window.height()
        status = window.findChild(QStatusBar) if isinstance(window, QMainWindow) else None
        if status is not None and status.isVisible():
            height = status.geometry().top()  # the status bar says "Locked" and no more
        cover.setGeometry(0, 0, window.width(), height)
        cover.raise_()

    def _focus_cover(self) -> None:
        modal = QApplication.activeModalWidget()
        cover = self.covers.get(modal) if modal is not None else None
        cover = cover or self.covers.get(self.window)
        if cover is not None:
            cover.password.setFocus()

    def _try(self, cover: LockScreen, password: str) -> None:
        actor = self.desk.services.ctx.actor
        if actor is None:
            self.sign_out_requested.emit()
            return
        accounts, name = self.desk.services.accounts, actor.username

        def refused(error: BaseException) -> None:
            if isinstance(error, PcsoDeskError):
                cover.refused(error.message)
            else:
                cover.refused("")
                self.desk.report_error(error)

        self.desk.write(
            lambda: accounts.sign_in(name, password),
            lambda _actor: self.unlock(),
            refused,
            guard=cover,
        )

    def unlock(self) -> None:
        if not self.covers:
            return
        for cover in self.covers.values():
            if shiboken6.isValid(cover):
                cover.hide()
                cover.deleteLater()
        self.covers.clear()
        for widget in self._hidden:
            if shiboken6.isValid(widget):
                widget.show()
        self._hidden = []
        label = getattr(self.window, "officer_label", None)
        if isinstance(label, QLabel):
            label.setText(self._status_text)
        self._last_input = self._clock()
        self._timer.start()
        self.unlocked.emit()
