"""Shared language (issue 8): the glossary, term mapping and reading in your own agency's words."""
