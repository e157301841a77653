"""Errors a user can cause: each carries one clear sentence fit to show as it is."""

from __future__ import annotations


class PcsoDeskError(Exception):
    """Base of every error whose message is meant for the user (CLI exit 1, GUI dialog)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ValidationError(PcsoDeskError):
    """A value typed or imported by a user is not acceptable."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFoundError(PcsoDeskError):
    """A record the user asked for does not exist (or was deleted)."""


class StoreError(PcsoDeskError):
    """The store cannot be opened or used as it is (newer version, damaged, in use)."""


class PermissionDenied(PcsoDeskError):
    """The signed-in user's role does not allow the action."""


class StoreBusyError(PcsoDeskError):
    """Another command (or the app) held the store's write lock longer than a write waits."""

    def __init__(self, holder: str) -> None:
        super().__init__(f"The store is busy with {holder}; try again in a moment.")
        self.holder = holder
