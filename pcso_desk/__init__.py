"""PCSO Desk: the desk-side system of a Safer Neighbourhood Team."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    """`__version__`, read from the installed package's metadata when first asked for
    (importlib.metadata costs a few hundredths of a second at every start otherwise)."""
    if name != "__version__":
        raise AttributeError(f"module 'pcso_desk' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version("pcso-desk")
    except PackageNotFoundError:  # running from a source tree that was never installed
        found = "0.0.0+source"
    globals()["__version__"] = found
    return found
