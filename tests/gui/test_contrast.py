"""Text is readable: every text colour in the stylesheet, placeholders and hints included,
has a contrast of at least 4.5:1 (WCAG 2.1 AA) against the background it is drawn on.
Disabled controls are exempt (WCAG 1.4.3), as is text on a transparent background, checked
against the page instead."""

from __future__ import annotations

import re

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QLineEdit

from pcso_desk.gui.style import HINT, apply_style
from pcso_desk.paths import resource_path

PAGE, WHITE = "#f4f6f9", "#ffffff"
RULE = re.compile(r"([^{}]+)\{([^}]*)\}")


def luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(text: str, background: str) -> float:
    light, dark = sorted((luminance(text), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_wcag_formula_gives_the_known_answers() -> None:
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast("#808080", "#ffffff"), 2) == 3.95  # Qt's default placeholder grey


def _rules() -> list[tuple[str, dict[str, str]]]:
    text = re.sub(r"/\*.*?\*/", "", resource_path("style.qss").read_text(), flags=re.S)
    found = []
    for selector, body in RULE.findall(text):
        props = {}
        for line in body.split(";"):
            if ":" in line:
                key, value = line.split(":", 1)
                props[key.strip()] = value.strip()
        found.append((" ".join(selector.split()), props))
    return found


def test_every_text_colour_in_the_stylesheet_reads_at_4_5_to_1() -> None:
    weak = []
    for selector, props in _rules():
        if ":disabled" in selector:
            continue
        background = props.get("background") or props.get("background-color") or ""
        grounds = [background] if re.fullmatch(r"#[0-9a-fA-F]{6}", background) else [WHITE, PAGE]
        for key in ("color", "placeholder-text-color"):
            colour = props.get(key, "")
            if not re.fullmatch(r"#[0-9a-fA-F]{6}", colour):
                continue
            for ground in grounds:
                if contrast(colour, ground) < 4.5:
                    weak.append(f"{selector} {key} {colour} on {ground}")
    assert weak == []


def test_placeholders_and_hints_use_the_hint_colour(qapp: QApplication) -> None:
    assert contrast(HINT, WHITE) >= 4.5 and contrast(HINT, PAGE) >= 4.5
    rules = dict(_rules())
    inputs = next(p for s, p in rules.items() if s.startswith("QLineEdit, QPlainTextEdit"))
    assert inputs["placeholder-text-color"] == HINT
    assert rules["QLabel#hint"]["color"] == HINT
    sheet, palette = qapp.styleSheet(), qapp.palette()
    try:
        apply_style(qapp)
        line = QLineEdit()
        line.setPlaceholderText("Filter…")
        line.ensurePolished()
        shown = line.palette().color(QPalette.ColorRole.PlaceholderText)
        assert shown.name() == HINT and shown.alpha() == 255
        assert qapp.palette().color(QPalette.ColorRole.PlaceholderText).name() == HINT
    finally:
        qapp.setStyleSheet(sheet)
        qapp.setPalette(palette)
