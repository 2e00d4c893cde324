"""Stories's rows in the permission matrix (run by tests/web/test_permissions.py).

Everyone reads the published stories; case roles tell them; the privacy officer moderates.
A story that does not exist (or that the reader may not see) is 404 for anyone the route lets
in; the API takes bearer tokens only.
"""

from tests.web.matrix import CASE_ROLES, Case, everyone, only

MODERATORS = {"privacy-officer"}

CASES: tuple[Case, ...] = (
    Case("GET", "/stories", "/stories", everyone(200)),
    Case("GET", "/stories/new", "/stories/new", only(CASE_ROLES)),
    Case("POST", "/stories", "/stories", only(CASE_ROLES, 422), {}),
    Case("GET", "/stories/mine", "/stories/mine", only(CASE_ROLES)),
    Case("GET", "/stories/moderation", "/stories/moderation", only(MODERATORS)),
    Case("GET", "/stories/{story_id}", "/stories/{random}", everyone(404)),
    Case("GET", "/stories/{story_id}/edit", "/stories/{random}/edit", everyone(404)),
    Case("POST", "/stories/{story_id}", "/stories/{random}", everyone(404), {}),
    Case(
        "POST",
        "/stories/{story_id}/publish",
        "/stories/{random}/publish",
        only(MODERATORS, 404),
        {},
    ),
    Case(
        "POST",
        "/stories/{story_id}/return",
        "/stories/{random}/return",
        only(MODERATORS, 404),
        {"note": "Take out the school's name"},
    ),
    Case("POST", "/stories/{story_id}/withdraw", "/stories/{random}/withdraw", everyone(404), {}),
    Case("GET", "/api/v1/stories", "/api/v1/stories", everyone(401)),
    Case("GET", "/api/v1/stories/{story_id}", "/api/v1/stories/{random}", everyone(401)),
)
