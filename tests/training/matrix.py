"""Training mode's rows in the permission matrix (run by tests/web/test_permissions.py).

The matrix runs on live data, where training does not exist: every training address is
not found, for everyone, whatever their role (the API still wants a token first). What
happens inside a training space is tested in test_space.py.
"""

from tests.web.matrix import Case, everyone

CASES: tuple[Case, ...] = (
    Case("GET", "/training", "/training", everyone(404)),
    Case("POST", "/training/advance", "/training/advance", everyone(404), {"step": "0"}),
    Case("POST", "/training/picture", "/training/picture", everyone(404), {}),
    Case("GET", "/training/picture", "/training/picture", everyone(404)),
    Case("GET", "/training/my-part", "/training/my-part", everyone(404)),
    Case("GET", "/api/v1/training", "/api/v1/training", everyone(401)),
)
