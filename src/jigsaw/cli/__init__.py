"""The `jigsaw` command: serve, demo, db."""

from jigsaw.cli.root import app, main

__all__ = ["app", "main"]
