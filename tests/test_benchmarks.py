"""The benchmark harness works: `run.py --quick` runs every workload and reports each one.

This proves the harness (tests/benchmarks/run.py), never a speed: the quick mode's small
stores say nothing about the budgets, and no time is asserted here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow(minutes=2)  # three hub workloads each start a PostgreSQL cluster


def test_the_quick_run_reports_every_workload_against_its_reference(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "tests/benchmarks/run.py", "--quick", "--json", str(out),
         "--work", str(tmp_path / "work")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(out.read_text())
    assert report["mode"] == "quick" and report["machine"]["cores"] >= 1
    results = {r["key"]: r for r in report["results"]}
    assert sorted(results, key=lambda k: int(k[1:])) == [f"W{n}" for n in range(1, 15)]
    for key, result in results.items():
        assert result["figure"] > 0, key
        assert result["budget"], key
        if result["reference"] is not None:  # a ratio to a reference measured in this run
            assert result["reference"] > 0, key
            assert result["ratio"] == pytest.approx(_ratio(result), rel=1e-6), key
    for key in ("W8", "W10", "W12"):  # no change lost or held twice, no team's in another's
        assert results[key]["within"] is not False, results[key]["detail"]
    for key in results:  # the printed table has a line per workload
        assert any(line.startswith(key + " ") for line in done.stdout.splitlines()), key


def _ratio(result: dict[str, float]) -> float:
    return result["figure"] / result["reference"]


def test_an_unknown_workload_is_refused_in_one_line() -> None:
    done = subprocess.run(
        [sys.executable, "tests/benchmarks/run.py", "--quick", "--only", "W42"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert "no such workload: W42" in done.stderr
