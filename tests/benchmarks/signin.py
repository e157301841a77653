"""Sign-in's time for an unknown user name against a real one, at the app's Argon2 cost.

`python tests/benchmarks/signin.py [--runs N]`: a new store with one account; N refused
sign-ins with a wrong password for the real name and N for a name that has no account,
taken in turns, each through a new Context as a separate command-line run makes it. Prints
the median of each and the ratio unknown/real, which should be about 1 (before the decoy
check an unknown name answered in about 3% of the time). A measure, not a test: nothing
here fails on a number.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from pcso_desk.domain.errors import PermissionDenied
from pcso_desk.services.context import Context
from pcso_desk.services.protection import accounts
from pcso_desk.store.session import Store, open_store


def _refused_in(store: Store, name: str) -> float:
    started = time.perf_counter()
    try:
        accounts.sign_in(Context.open(store), name, "not the password")
    except PermissionDenied:
        return time.perf_counter() - started
    raise AssertionError("a wrong password signed in")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="sign-ins timed per name")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="pcso-bench-signin-") as scratch:
        store = open_store(Path(scratch) / "store.sqlite", Path(scratch) / "backups")
        try:
            accounts.create_account(Context.open(store), "alex", "correct horse battery", "pc")
            _refused_in(store, "alex")  # warm-up: Argon2's first allocation, the first writes
            times: dict[str, list[float]] = {"alex": [], "nobody-here": []}
            for _ in range(args.runs):
                for name, taken in times.items():
                    taken.append(_refused_in(store, name))
        finally:
            store.close()
    real, unknown = (statistics.median(taken) for taken in times.values())
    print(f"real name, wrong password:  {real * 1000:7.1f} ms (median of {args.runs})")
    print(f"unknown name:               {unknown * 1000:7.1f} ms")
    print(f"ratio unknown/real:         {unknown / real:7.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
