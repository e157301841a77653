"""The data key of the stores tests make, and `build_services` that opens them with it.

In the app every store gets a random 256-bit key (store/keyring.py `new_data_key`), wrapped
for each account's password. Tests look inside stores that commands made (to count audit
entries, to read a record back) without signing in, as a tool holding the key would: an
autouse fixture in tests/conftest.py gives every store made in a test this one key, and
`build_services` here opens an encrypted store with it. Tests of the keys themselves (each
store its own key) opt out with `@pytest.mark.real_keys`.
"""

from __future__ import annotations

from typing import Any

from pcso_desk.app import build_services as _build_services
from pcso_desk.paths import DataPaths
from pcso_desk.store import keyring

TEST_KEY = bytes(range(32))


def is_encrypted(paths: DataPaths) -> bool:
    return keyring.keyring_path(paths.store).exists()


def build_services(
    paths: DataPaths, create: bool = True, background: bool = False, key: bytes | None = None
) -> Any:
    """app.build_services, with the tests' key for a store that has a keyring."""
    if key is None and is_encrypted(paths):
        key = TEST_KEY
    return _build_services(paths, create, background, key)


def raw(path: object, *, uri: bool = False) -> Any:
    """A raw connection (the app's SQLite library) to a store or backup a test made: with
    the tests' key unless the file is a plain SQLite one. `path` may be a file: URI (`uri`)."""
    from pathlib import Path

    from pcso_desk.store.engine import connect

    text = str(path)
    file = Path(text.removeprefix("file:").split("?", 1)[0]) if uri else Path(text)
    try:
        with file.open("rb") as handle:
            plain = handle.read(16) in (b"", b"SQLite format 3\x00")
    except FileNotFoundError:
        plain = True
    return connect(text, None if plain else (key_for(file) or TEST_KEY), uri=uri)


def key_for(store: object) -> bytes | None:
    """The key of a store a test made (None: a plain store, or no keyring beside it).

    A store made in this process has the tests' key; one a child process made (a real
    `pcso-desk init`) has its own random key, readable while the store is still being set up
    (the keyring holds it open until the first account is made)."""
    from pathlib import Path

    path = keyring.keyring_path(Path(str(store)))
    if not path.exists():
        return None
    return keyring.Keyring.load(path).open_key() or TEST_KEY
