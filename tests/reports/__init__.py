"""Tests of the printed documents; helpers that read a PDF back as a reader would."""

from __future__ import annotations

import io

from pypdf import PdfReader


def page_texts(pdf: bytes) -> list[str]:
    """The text of each page, as extracted from the PDF itself."""
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def flat(text: str) -> str:
    """Text with all whitespace removed: wrapping must not hide or fake a match."""
    return "".join(text.split())
