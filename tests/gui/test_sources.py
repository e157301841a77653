"""Qt's import hook keeps no module's source (gui/sources.py): about 30 MB of the app's memory
(W9) was the text of every module imported after PySide6, kept in `linecache`."""

from __future__ import annotations

import importlib
import linecache
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest

import pcso_desk.gui  # noqa: F401  (what quiets the hook, as the app's start does)
from pcso_desk.gui.sources import keep_no_sources, uses_pyside


@pytest.fixture
def modules(tmp_path: Path) -> Iterator[Path]:
    """A folder on sys.path for the test's own modules, which are forgotten afterwards."""
    sys.path.insert(0, str(tmp_path))
    importlib.invalidate_caches()
    before = set(sys.modules)
    try:
        yield tmp_path
    finally:
        sys.path.remove(str(tmp_path))
        for name in set(sys.modules) - before:
            del sys.modules[name]


# Modules are imported by `__import__`, as an import statement does: that is what Qt's hook
# replaces (importlib.import_module goes round it).


def test_a_module_imported_after_qt_leaves_no_source_behind_but_a_traceback_shows_its_line(
    modules: Path,
) -> None:
    source = modules / "w9_plain_module.py"
    source.write_text("def fail():\n    raise ValueError('the line a traceback shows')\n")
    module = __import__("w9_plain_module")
    assert str(source) not in linecache.cache
    with pytest.raises(ValueError) as raised:
        module.fail()
    shown = "".join(traceback.format_exception(raised.value))
    assert "raise ValueError('the line a traceback shows')" in shown


def test_the_hook_still_tells_a_module_that_uses_qt_from_one_that_does_not(
    modules: Path,
) -> None:
    hook = sys.modules["shibokensupport.feature"]
    (modules / "w9_qt_module.py").write_text("from PySide6.QtCore import QObject\n")
    (modules / "w9_other_module.py").write_text("VALUE = 1\n")
    qt_module = __import__("w9_qt_module")
    other = __import__("w9_other_module")
    assert uses_pyside(qt_module) and not uses_pyside(other)
    assert hook.pyside_feature_dict["w9_qt_module"] == 0  # PySide's "uses PySide6"
    assert hook.pyside_feature_dict["w9_other_module"] == -1  # "ignore this module"
    assert not uses_pyside(sys)  # built in: no source


def test_quieting_forgets_the_files_kept_before_but_not_generated_source(modules: Path) -> None:
    kept = modules / "w9_kept.py"
    kept.write_text("X = 1\n")
    linecache.getlines(str(kept))  # as the hook kept it before it was quieted
    linecache.cache["<generated w9>"] = (6, None, ["X = 2\n"], "<generated w9>")
    try:
        keep_no_sources()
        assert str(kept) not in linecache.cache
        assert linecache.getlines("<generated w9>") == ["X = 2\n"]
    finally:
        linecache.cache.pop("<generated w9>", None)
