"""Alerts when the pieces add up: rules as data, and whether each fires (issue 7)."""
