"""The app's running log: configured once at start-up, under logs/, without personal data."""

from __future__ import annotations

import logging
from pathlib import Path

from pcso_desk.crash_log import EVENTS_NAME, HANDLER_NAME, configure_logging


def _ours() -> list[logging.Handler]:
    return [h for h in logging.getLogger("pcso_desk").handlers if h.get_name() == HANDLER_NAME]


def test_a_line_with_an_error_keeps_its_kind_but_not_what_someone_typed(tmp_path: Path) -> None:
    logs = tmp_path / "data" / "logs"
    configure_logging(logs)
    try:
        assert not logs.exists()  # made with the first line, not before
        log = logging.getLogger("pcso_desk.services.example")
        typed = ValueError("'Zqxlog Person' is not a valid UK postcode")
        log.warning("a save was refused: %s", typed)
        postcode = "ZE9 9ZX"  # (a traceback shows source lines: the value comes from data)
        try:
            raise KeyError(postcode)
        except KeyError:
            log.exception("while importing")
        text = (logs / EVENTS_NAME).read_text(encoding="utf-8")
        assert "a save was refused: ValueError: (message withheld" in text
        assert "while importing" in text and "Traceback" in text and "KeyError" in text
        assert "Zqxlog" not in text and "ZE9 9ZX" not in text
    finally:
        for handler in _ours():
            handler.close()


def test_configuring_again_replaces_the_handler(tmp_path: Path) -> None:
    configure_logging(tmp_path / "one")
    configure_logging(tmp_path / "two")
    logging.getLogger("pcso_desk").info("hello")
    try:
        assert len(_ours()) == 1
        assert (tmp_path / "two" / EVENTS_NAME).exists()
        assert not (tmp_path / "one").exists()
    finally:
        for handler in _ours():
            handler.close()
