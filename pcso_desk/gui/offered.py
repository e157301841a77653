"""Offer only what the signed-in role may do.

A button for something the role cannot do is disabled, with a tooltip naming who can; it is
never offered, confirmed, and then refused. The services answer the question
(`Services.may`, `Services.who_may`), from the same permission table the gateway checks.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from pcso_desk.domain.permissions import Action
from pcso_desk.gui.desk import Desk

REFUSED = "refusedToRole"  # a widget property: set on what the role may not use


def offer(desk: Desk, widget: QWidget, action: Action, kind: str = "") -> bool:
    """Leave `widget` usable when the signed-in role may do `action` (to `kind`); otherwise
    disable it, say who can in its tooltip, and return False."""
    services = desk.services
    if services.may(action, kind):
        return True
    widget.setEnabled(False)
    widget.setProperty(REFUSED, True)
    widget.setToolTip(services.who_may(action, kind))
    return False


def set_enabled(widget: QWidget, on: bool) -> None:
    """Enable or disable `widget` as its screen's state says, never enabling what `offer`
    kept from this role."""
    widget.setEnabled(on and not widget.property(REFUSED))
