"""The `jigsaw` command: serve, demo, db."""

from jigsaw.cli.main import app, main

__all__ = ["app", "main"]
