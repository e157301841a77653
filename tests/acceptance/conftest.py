"""One Xvfb screen for the session; each test gets a Harness whose apps end with it.

Without Xvfb, xdotool and xwd these tests skip on a developer's machine and fail under
CI=true (tests/run-tests.sh installs them).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.acceptance.harness import Harness, XServer, app_env, missing_tools, tools_hint


@pytest.fixture(scope="session")
def xserver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[XServer]:
    missing = missing_tools()
    if missing:
        reason = f"acceptance tests need a virtual X screen: {tools_hint(missing)}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    server = XServer(tmp_path_factory.mktemp("xvfb") / "xvfb.log")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def app_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """XDG_CACHE_HOME for every app of the session (fontconfig's cache, built once)."""
    return tmp_path_factory.mktemp("app-cache")


@pytest.fixture
def harness(xserver: XServer, tmp_path: Path, app_cache: Path) -> Iterator[Harness]:
    world = Harness(xserver, tmp_path, app_cache)
    try:
        yield world
    finally:
        world.close()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory, app_cache: Path) -> Path:
    """A demo store made once by `pcso-desk --data-dir T demo`; tests copy it (see demo_store)."""
    import subprocess

    from tests.acceptance.harness import app_command

    root = tmp_path_factory.mktemp("demo-template")
    folder = root / "data"
    done = subprocess.run(
        [*app_command(), "--data-dir", str(folder), "demo"],
        env=app_env(root / "home", app_cache, None), cwd=root, capture_output=True, text=True,
        stdin=subprocess.DEVNULL, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, f"pcso-desk demo failed:\n{done.stdout}\n{done.stderr}"
    return folder


@pytest.fixture
def demo_store(demo_template: Path, tmp_path: Path) -> Path:
    """A demo store made from the command line, in a data folder no other test uses."""
    folder = tmp_path / "demo-data"
    assert not folder.exists()
    shutil.copytree(demo_template, folder)
    return folder


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """A failed step's screenshot path and the app's log go into the failure report."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed or call.excinfo is None:
        return
    world = getattr(item, "funcargs", {}).get("harness")
    if world is None or getattr(call.excinfo.value, "evidence_shown", False):
        return  # a harness wait already put them into the message
    report.sections.append(("PCSO Desk acceptance evidence", world.evidence.report()))
