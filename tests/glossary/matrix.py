"""The glossary's rows in the permission matrix (run by tests/web/test_permissions.py)."""

from tests.web.matrix import Case

CASES: tuple[Case, ...] = ()
