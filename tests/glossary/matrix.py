"""The glossary's rows in the permission matrix (run by tests/web/test_permissions.py).

Everyone reads the glossary (GLOSSARY_READ); only the partnership's system admin keeps it
(GLOSSARY_MANAGE). A term that does not exist is 404 to readers; a keeper's form posted
empty is 422. The API takes agency systems' tokens only.
"""

from tests.web.matrix import Case, everyone, only

KEEPERS = {"system-admin"}

CASES: tuple[Case, ...] = (
    Case("GET", "/glossary", "/glossary", everyone(200)),
    Case("GET", "/glossary.csv", "/glossary.csv", everyone(200)),
    Case("GET", "/glossary/risk-levels", "/glossary/risk-levels", everyone(200)),
    Case("GET", "/glossary/history", "/glossary/history", everyone(200)),
    Case("GET", "/glossary/{key}", "/glossary/section-47", everyone(200)),
    Case("GET", "/glossary/new", "/glossary/new", only(KEEPERS)),
    Case("POST", "/glossary", "/glossary", only(KEEPERS, 422), {}),
    Case("GET", "/glossary/import", "/glossary/import", only(KEEPERS)),
    Case("POST", "/glossary/import", "/glossary/import", only(KEEPERS, 422), {}),
    Case("GET", "/glossary/{key}/edit", "/glossary/section-47/edit", only(KEEPERS)),
    Case("POST", "/glossary/{key}", "/glossary/section-47", only(KEEPERS, 422), {}),
    Case("POST", "/glossary/{key}/retire", "/glossary/section-47/retire", only(KEEPERS, 422), {}),
    Case("POST", "/glossary/{key}/restore", "/glossary/section-47/restore", only(KEEPERS, 422), {}),
    Case("GET", "/api/v1/glossary", "/api/v1/glossary", everyone(401)),
    Case("GET", "/api/v1/glossary/{key}", "/api/v1/glossary/section-47", everyone(401)),
)
