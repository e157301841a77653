"""PySide's import hook, kept from holding the source of every module imported after it.

Once shiboken6 is loaded, its import hook (`__feature__` support) asks of every module
imported whether its source mentions PySide6, and reads the source with
`inspect.getsource`: that keeps every line of the module in `linecache`, for the life of the
process. Over the app's thousand modules that is about 30 MB of text nobody reads (W9, README
"Performance"). `keep_no_sources` has the hook answer the same question from the module's
loader, which keeps nothing, and drops from `linecache` the files it had kept so far (a
cache: a traceback reads its lines again). Anything it does not recognise is left as it is.
"""

from __future__ import annotations

import linecache
import sys
from types import ModuleType

_HOOK = "shibokensupport.feature"  # where shiboken6 keeps the hook's Python half
_CHECK = "_mod_uses_pyside"  # the hook's question, looked up by name at each import


def uses_pyside(module: ModuleType) -> bool:
    """Whether `module`'s source mentions PySide6 (the hook's question), read through the
    module's loader, as `inspect.getsource` would find it, but not kept: False for a
    module with no source (built in, compiled, or loaded from a zip without one)."""
    name = getattr(module, "__name__", None)
    get_source = getattr(getattr(module, "__loader__", None), "get_source", None)
    if not isinstance(name, str) or get_source is None:
        return False
    try:
        source = get_source(name)
    except (ImportError, OSError, SyntaxError, UnicodeDecodeError):
        return False
    return isinstance(source, str) and "PySide6" in source


def keep_no_sources() -> None:
    """Have shiboken6's import hook (if loaded, and as this release of it is) stop keeping
    each imported module's source, and forget the source files it kept before."""
    hook = sys.modules.get(_HOOK)
    if hook is None or not callable(getattr(hook, _CHECK, None)):
        return
    if getattr(hook, _CHECK) is not uses_pyside:
        setattr(hook, _CHECK, uses_pyside)
    # Files read from disk (a modification time kept); code registered without a file
    # (generated source, with no time) could not be read again, so it stays.
    for filename, entry in list(linecache.cache.items()):
        if len(entry) == 4 and entry[1] is not None:
            linecache.cache.pop(filename, None)
