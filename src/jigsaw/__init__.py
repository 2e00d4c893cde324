"""Jigsaw: safeguarding information sharing between agencies in England."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("jigsaw")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"
