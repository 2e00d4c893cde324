"""Sharing information: concerns about a child, with their sharing decision and guidance."""
