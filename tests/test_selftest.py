"""`pcso-desk --self-test`: one line per step, exit 0 when all pass, 1 naming the first failure."""

from __future__ import annotations

import pytest

from pcso_desk import selftest
from pcso_desk.app import main

STEPS = (
    "store created and migrated to revision",
    "record kinds created",
    "street briefing handout built",
    "monthly pack for",
    "search index answers",
    "Qt GUI starts on the 'offscreen' platform",
)


def test_self_test_runs_every_step_and_leaves_no_store_behind(
    capsys: pytest.CaptureFixture[str], tmp_path: object
) -> None:
    assert main(["--self-test"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("PCSO Desk ") and "self-test" in lines[0]
    steps = [line for line in lines if line.startswith("ok    ")]
    assert len(steps) == len(STEPS)
    for line, expected in zip(steps, STEPS, strict=True):
        assert expected in line
    assert lines[-1].startswith("All steps passed")


def test_a_failing_step_is_named_and_exits_1(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_services: object) -> str:
        raise AssertionError("the search index did not find the contact")

    monkeypatch.setattr(selftest, "_search", broken)
    assert main(["--self-test"]) == 1
    out = capsys.readouterr().out
    assert "FAIL  AssertionError: the search index did not find the contact" in out
    assert "All steps passed" not in out
