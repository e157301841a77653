"""PCSO Desk's benchmark harness: `python tests/benchmarks/run.py [--quick] [--only W1,W4]`.

Builds its own synthetic stores in a temporary folder, runs each workload after a warm-up,
and prints the median of several runs as a ratio to a reference measured in the same run
(README, "Performance"). `--quick` is a smoke run on small stores, well under a minute: it
proves the harness works and says nothing about speed. Exit status: 0 when every workload is
within its budget (always 0 in quick mode, where budgets do not apply), 1 otherwise.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.harness import Bench, Result, table, write_json

# Which module measures which workload (each module's docstring says exactly what).
MODULES = {
    "W1": "startup",
    "W2": "imports",
    "W3": "sync_bench",
    "W4": "lists",
    "W5": "lists",
    "W6": "documents",
    "W7": "documents",
    "W8": "hub",
    "W9": "memory",
    "W10": "hub_county",
    "W11": "imports",
    "W12": "hub_memory",
    "W13": "demo",
    "W14": "demo",
}  # fmt: skip


def workloads(chosen: set[str]) -> list[tuple[str, Any]]:
    found: dict[str, Any] = {}
    for name in dict.fromkeys(m for key, m in MODULES.items() if not chosen or key in chosen):
        found.update(importlib.import_module(f"tests.benchmarks.{name}").WORKLOADS)
    return sorted(((k, f) for k, f in found.items() if not chosen or k in chosen),
                  key=lambda pair: int(pair[0][1:]))  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run on small stores")
    parser.add_argument("--only", default="", help="comma-separated workloads, e.g. W1,W4")
    parser.add_argument("--runs", type=int, default=None, help="timed runs per workload")
    parser.add_argument("--json", type=Path, default=None, help="where to write the results")
    parser.add_argument("--work", type=Path, default=None, help="keep the stores in this folder")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")  # offscreen's notices
    chosen = {key.strip().upper() for key in args.only.split(",") if key.strip()}
    if chosen - set(MODULES):
        parser.error(f"no such workload: {', '.join(sorted(chosen - set(MODULES)))}")
    todo = workloads(chosen)
    with tempfile.TemporaryDirectory(prefix="pcso-bench-") as scratch:
        work = args.work or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        runs = args.runs or (2 if args.quick else 5)
        bench = Bench(quick=args.quick, work=work, runs=runs, warmups=0 if args.quick else 1)
        started = time.perf_counter()
        results: list[Result] = []
        for key, run in todo:
            bench.log(f"{key}…")
            result = run(bench)
            bench.log("  " + "  ".join(result.row()[2:]))
            results.append(result)
        seconds = time.perf_counter() - started
    print(table(results))
    print(f"\n{'quick' if args.quick else 'full'} run, {seconds:.0f} s")
    out = args.json or Path(tempfile.gettempdir()) / "pcso-desk-benchmarks.json"
    write_json(out, results, bench, seconds)
    print(f"results written to {out}")
    if args.quick:
        return 0
    return 0 if all(r.within is not False for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
