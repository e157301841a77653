"""PCSO Desk: the desk-side system of a Safer Neighbourhood Team."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("pcso-desk")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
