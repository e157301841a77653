"""The app's look: one calm stylesheet and the window icon, both read from pcso_desk/resources/."""

from __future__ import annotations

import logging
import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPalette
from PySide6.QtWidgets import QApplication

from pcso_desk.paths import resource_path

log = logging.getLogger(__name__)

# Headings scale with the user's own font size: QSS only knows pt and px for font-size, so
# the stylesheet names a factor (@font-scale(1.5)) and we turn it into points at start-up.
_SCALE = re.compile(r"@font-scale\(\s*([0-9.]+)\s*\)")
HINT = "#5f6b7a"  # placeholders and hints (style.qss names it too): 5.4:1 on white


def app_icon() -> QIcon:
    """The PCSO Desk icon (SVG: sharp at every size and scale factor)."""
    return QIcon(str(resource_path("icons", "pcso-desk.svg")))


def stylesheet(base_points: float) -> str:
    """The stylesheet with heading sizes worked out from the base font's point size.

    @resources becomes the resources folder, so url() finds its images wherever the app is
    installed or frozen.
    """
    text = resource_path("style.qss").read_text(encoding="utf-8")
    text = text.replace("@resources", resource_path().as_posix())
    return _SCALE.sub(lambda m: f"{base_points * float(m.group(1)):.1f}pt", text)


def wants_high_contrast(app: QApplication) -> bool:
    """True when the system asks for high contrast: then its own colours beat ours."""
    hints = app.styleHints()
    accessibility = getattr(hints, "accessibility", None)
    if accessibility is None:  # Qt before 6.10 cannot tell us
        return False
    preference: Qt.ContrastPreference = accessibility().contrastPreference()
    return preference == Qt.ContrastPreference.HighContrast


def apply_style(app: QApplication) -> None:
    """Give the app its icon and calm light style; leave the base font to the system."""
    app.setWindowIcon(app_icon())
    if wants_high_contrast(app):
        log.info("high-contrast mode: keeping the system's colours")
        return
    # Fusion draws every control from the stylesheet the same way on every platform, and a
    # light colour scheme keeps a dark desktop theme from mixing with our light panes.
    app.setStyle("Fusion")
    if hasattr(app.styleHints(), "setColorScheme"):  # Qt 6.8 and later
        app.styleHints().setColorScheme(Qt.ColorScheme.Light)
    points = app.font().pointSizeF()
    try:
        sheet = stylesheet(points if points > 0 else 9.0)
    except OSError:  # a packaging fault: run plain rather than not at all
        log.exception("the stylesheet could not be read")
        app.setStyleSheet("")  # plain, not half of an earlier sheet
        return
    app.setStyleSheet(sheet)
    # "palette(placeholder-text)" in a widget's own sheet reads the hint colour too, not Qt's
    # half-transparent text (3.9:1 on white, under WCAG AA's 4.5:1).
    palette = app.palette()
    palette.setColor(QPalette.ColorRole.PlaceholderText, QColor(HINT))
    app.setPalette(palette)
