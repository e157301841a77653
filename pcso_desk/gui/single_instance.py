"""One PCSO Desk window per store: a second start asks the first to come forward, then stops."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLockFile, QObject, Signal

if TYPE_CHECKING:
    from PySide6.QtNetwork import QLocalServer

ALREADY_OPEN = "PCSO Desk is already open on this store."
CANNOT_WRITE = "PCSO Desk cannot write to {folder}: check that the folder exists and is yours."
CONNECT_MS = 1000


def server_name(store_path: Path) -> str:
    """A local-socket name for one store: the same file always gives the same name."""
    text = str(store_path.expanduser().absolute())
    if sys.platform == "win32":  # paths differing only in case are the same file there
        text = text.lower()
    return "pcso-desk-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


class SingleInstance(QObject):
    """Claims a store for this process, or reports that another process holds it.

    The lock file beside the store decides who owns it: QLockFile writes our process id,
    so a lock left by a crashed or killed app is recognised as stale and taken over. The
    local server only carries "come forward" from a second start to the owner (a second
    start connecting is the whole message); a socket file a crash left behind is removed
    before we listen.
    """

    raise_requested = Signal()

    def __init__(self, store_path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = server_name(store_path)
        self.folder = store_path.parent
        self._lock = QLockFile(str(store_path.with_name(store_path.name + ".lock")))
        self._lock.setStaleLockTime(0)  # held for hours: staleness by process id only
        self._server: QLocalServer | None = None
        self.owner_answered = False  # a refused start reached the owner's window

    def claim(self, listen: bool = True) -> str | None:
        """None if this process now owns the store; otherwise the sentence to show.

        Only a lock held by a live process means "already open"; a folder that cannot be
        written (missing, read-only, not ours) is said as such, never as "already open".
        Without `listen` the owner listens for a second start's knock only once `listen()`
        is called (the app's start: once its first form is on screen, gui/__init__.py); a
        second start before then is still refused by the lock.
        """
        if not self._lock.tryLock(0):
            if self._lock.error() != QLockFile.LockError.LockFailedError:
                return CANNOT_WRITE.format(folder=self.folder)
            self.owner_answered = self._ask_owner_to_raise()
            return ALREADY_OPEN
        if listen:
            self.listen()
        return None

    def listen(self) -> None:
        """Listen for a second start asking this owner to come forward."""
        from PySide6.QtNetwork import QLocalServer

        if self._server is not None or not self._lock.isLocked():
            return
        QLocalServer.removeServer(self.name)  # a socket left by a crash
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        server.newConnection.connect(self._on_connection)
        # Without the server a second start cannot raise us, but it is still refused by
        # the lock, so a failure to listen is not worth refusing to start over.
        if server.listen(self.name):
            self._server = server

    @property
    def owned(self) -> bool:
        return self._lock.isLocked()

    def _ask_owner_to_raise(self) -> bool:
        """Connecting is the whole request: the owner raises its window for any caller."""
        from PySide6.QtNetwork import QLocalSocket

        socket = QLocalSocket()
        socket.connectToServer(self.name)
        reached = socket.waitForConnected(CONNECT_MS)
        socket.abort()
        return reached

    def _on_connection(self) -> None:
        assert self._server is not None
        while (socket := self._server.nextPendingConnection()) is not None:
            # No signals on the socket: it is only a knock, so drop it at once.
            socket.abort()
            socket.deleteLater()
        self.raise_requested.emit()

    def release(self) -> None:
        """Give the store up (on quit): the next start will own it."""
        if self._server is not None:
            self._server.close()
            self._server = None
        if self._lock.isLocked():
            self._lock.unlock()
