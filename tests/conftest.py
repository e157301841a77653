"""Shared fixtures: every test builds its own world in a temp dir; Qt runs offscreen."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pg_server import PgServer, running_pg_server
from tests.store_template import NoWaitCommits, TemplateStores

# Before any Qt import: tests never need a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may touch the real app-data folder: point every default at the temp dir."""
    monkeypatch.setenv("PCSO_DESK_DATA_DIR", str(tmp_path / "default-data"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.delenv("PCSO_DESK_PASSWORD", raising=False)


@pytest.fixture(scope="session", autouse=True)
def store_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TemplateStores]:
    """Every new store in this session (this worker) is a copy of one migrated template.

    See tests/store_template.py; `@pytest.mark.real_migrations` runs Alembic instead.
    """
    from pcso_desk.store import migrate

    stores = TemplateStores(tmp_path_factory.mktemp("store-template"), migrate.upgrade)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(migrate, "upgrade", stores.upgrade)
        yield stores


@pytest.fixture(scope="session", autouse=True)
def no_wait_commits() -> Iterator[NoWaitCommits]:
    """Stores opened in this session commit without an fsync each (tests/store_template.py);
    `@pytest.mark.full_sync` keeps the app's synchronous=FULL."""
    from pcso_desk.store import engine

    commits = NoWaitCommits(engine._set_pragmas)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(engine, "_set_pragmas", commits.set_pragmas)
        yield commits


@pytest.fixture(autouse=True)
def _app_settings_when_marked(
    request: pytest.FixtureRequest, store_template: TemplateStores, no_wait_commits: NoWaitCommits
) -> Iterator[None]:
    store_template.enabled = request.node.get_closest_marker("real_migrations") is None
    no_wait_commits.full = request.node.get_closest_marker("full_sync") is not None
    yield
    store_template.enabled = True
    no_wait_commits.full = False


@pytest.fixture(autouse=True)
def _cheap_password_hashes(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2id with the smallest cost, in this process: at the app's cost (64 MiB, three
    passes, 0.2-0.3 s a hash or check here) the suite's 400-odd hashes and checks took a
    sixth of its time. Hashes stay Argon2id with salts; a store whose hashes have the app's
    cost still signs in (and is rehashed). `@pytest.mark.real_password_hashing` keeps the
    app's cost, for the tests of the cost itself."""
    if request.node.get_closest_marker("real_password_hashing") is not None:
        return
    from argon2 import PasswordHasher

    from pcso_desk.services.protection import accounts
    from pcso_desk.store import keyring

    cheap = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    monkeypatch.setattr(accounts, "_hasher", lambda: cheap)
    # The store key's wraps (store/keyring.py) are derived at the same low cost.
    monkeypatch.setattr(keyring, "COST", keyring.KdfCost(1, 64, 1))


@pytest.fixture(scope="session", autouse=True)
def _one_test_key() -> Iterator[list[bool]]:
    """Every store made in this process has the key tests/keys.py names, so tests can look
    inside the stores commands made (module fixtures' stores too); a test marked
    `@pytest.mark.real_keys` gets random keys, as the app does (see `_real_keys_when_marked`)."""
    from pcso_desk.store import keyring
    from tests.keys import TEST_KEY

    real = keyring.new_data_key
    random_keys = [False]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(keyring, "new_data_key", lambda: real() if random_keys[0] else TEST_KEY)
        yield random_keys


@pytest.fixture(autouse=True)
def _real_keys_when_marked(
    request: pytest.FixtureRequest, _one_test_key: list[bool]
) -> Iterator[None]:
    _one_test_key[0] = request.node.get_closest_marker("real_keys") is not None
    yield
    _one_test_key[0] = False


@pytest.fixture
def data_paths(tmp_path: Path):  # type: ignore[no-untyped-def]
    from pcso_desk.paths import DataPaths

    return DataPaths(tmp_path / "data").ensure()


@pytest.fixture
def store(data_paths):  # type: ignore[no-untyped-def]
    from pcso_desk.store.session import open_store

    opened = open_store(data_paths.store, data_paths.backups)
    yield opened
    opened.close()


@pytest.fixture
def ctx(store):  # type: ignore[no-untyped-def]
    from pcso_desk.services.context import Context

    return Context.open(store)


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto` (addopts) runs a worker per core and one more: much of the suite waits on
    other processes (the app started as a command, PostgreSQL, the X server, a build) or on
    Qt's event loop, and with a worker per core a quarter of the CPU sat idle (2 cores:
    1.5 busy on average; with 3 workers 1.85). No workers when output or a debugger is
    wanted (`-s`, `--pdb`) or only named tests run (`file.py::test`): starting workers would
    cost more than they save."""
    if config.option.capture == "no" or config.option.usepdb:
        return 0
    if config.args and all("::" in arg for arg in config.args):
        return 0
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (cores or 1) + 1


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    """The order's seed, also under -q (which hides pytest-randomly's header line)."""
    seed = getattr(config.option, "randomly_seed", None)
    if config.pluginmanager.hasplugin("randomly") and isinstance(seed, int):
        terminalreporter.write_line(
            f"Random test order: --randomly-seed={seed} repeats it, -p no:randomly turns it off."
        )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/gui" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.gui)
    # Longest files first (pytest-randomly has shuffled before this hook; the sort is stable):
    # xdist hands out whole files in this order (--dist loadfile --no-loadscope-reorder), so a
    # build that takes minutes starts at once instead of last, and the workers end together.
    weight: dict[Path, float] = {}
    for item in items:
        slow = item.get_closest_marker("slow")
        cost = float(slow.kwargs.get("minutes", 1.0)) if slow is not None else 0.0
        weight[item.path] = max(weight.get(item.path, 0.0), cost)
    items.sort(key=lambda item: -weight[item.path])


@pytest.fixture
def no_env_password(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("PCSO_DESK_PASSWORD", raising=False)
    yield


@pytest.fixture
def services(ctx):  # type: ignore[no-untyped-def]
    from pcso_desk.services.api import Services

    return Services(ctx)


@pytest.fixture
def world(services):  # type: ignore[no-untyped-def]
    from tests.factories import make_world

    return make_world(services)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A throwaway PostgreSQL server shared by the session; each test creates its own database."""
    yield from running_pg_server()
