"""The permission matrix: every route, for every persona, with the status they must get.

Adding a route without adding it here fails ``test_every_route_is_in_the_matrix``;
a route that declares no permission fails ``test_every_route_declares_its_permission``.
"""

import uuid

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import select

from jigsaw.access.actor import Actor
from jigsaw.access.permissions import Permission
from jigsaw.access.vocabulary import AgencyKind, Role
from jigsaw.accounts import ApiToken
from jigsaw.accounts import services as accounts
from jigsaw.core import clock
from jigsaw.core.uow import UnitOfWork
from jigsaw.web.auth import Requires, public
from tests.demo_world import DemoWorld, form_token, load_world, sign_in
from tests.glossary.matrix import CASES as GLOSSARY_CASES
from tests.stories.matrix import CASES as STORY_CASES
from tests.training.matrix import CASES as TRAINING_CASES
from tests.web.matrix import (
    ADMINS,
    ADVISORS,
    ALERT_WORKERS,
    CASE_ROLES,
    LINKERS,
    MATCH_REVIEWERS,
    PERSONAS,
    RANDOM,
    RECEIVERS,
    SCREENERS,
    Case,
    Ids,
    child_page,
    everyone,
    only,
)

CORE_CASES = (
    Case("GET", "/", "/", everyone(200)),
    Case("GET", "/healthz", "/healthz", everyone(200)),
    Case("GET", "/readyz", "/readyz", everyone(200)),
    Case("GET", "/api/v1/docs", "/api/v1/docs", everyone(200)),
    Case("GET", "/api/v1/openapi.json", "/api/v1/openapi.json", everyone(200)),
    Case("GET", "/sign-in", "/sign-in", everyone(303)),
    Case("POST", "/sign-in", "/sign-in", everyone(422), {}),
    Case("GET", "/sign-in/two-factor", "/sign-in/two-factor", everyone(200)),
    Case("POST", "/sign-in/two-factor", "/sign-in/two-factor", everyone(404), {}),
    Case("GET", "/sign-in/enrol", "/sign-in/enrol", everyone(404)),
    Case("POST", "/sign-in/enrol", "/sign-in/enrol", everyone(404), {}),
    Case("GET", "/sign-in/password", "/sign-in/password", everyone(200)),
    Case("POST", "/sign-in/password", "/sign-in/password", everyone(404), {}),
    Case("GET", "/sign-in/sso", "/sign-in/sso", everyone(200)),
    Case("POST", "/sign-in/sso", "/sign-in/sso", everyone(422), {}),
    Case("GET", "/sign-in/sso/callback", "/sign-in/sso/callback", everyone(422)),
    Case("GET", "/account", "/account", everyone(200)),
    Case(
        "POST",
        "/account/sessions/{session_id}/end",
        "/account/sessions/{random}/end",
        everyone(303),
        {},
    ),
    Case("GET", "/children/search", "/children/search", only(CASE_ROLES)),
    Case("POST", "/children/search", "/children/search", only(CASE_ROLES, 422), {}),
    Case("POST", "/api/v1/children/search", "/api/v1/children/search", everyone(401), {}),
    # Unborn children's plans: recorded by children's social care systems, API tokens only.
    Case("POST", "/api/v1/unborn-plans", "/api/v1/unborn-plans", everyone(401), {}),
    Case(
        "POST",
        "/api/v1/unborn-plans/{plan_id}/birth",
        "/api/v1/unborn-plans/{random}/birth",
        everyone(401),
        {},
    ),
    Case("GET", "/children/{child_id}", "/children/{child}", child_page),
    Case(
        "GET", "/children/{child_id}/break-glass", "/children/{child}/break-glass", only(CASE_ROLES)
    ),
    Case(
        "POST",
        "/children/{child_id}/break-glass",
        "/children/{child}/break-glass",
        only(CASE_ROLES, 422),
        {"reason": "short"},
    ),
    Case(
        "GET",
        "/children/{child_id}/declare-involvement",
        "/children/{child}/declare-involvement",
        only(CASE_ROLES),
    ),
    Case(
        "POST",
        "/children/{child_id}/declare-involvement",
        "/children/{child}/declare-involvement",
        only(CASE_ROLES, 422),
        {},
    ),
    # Duplicates in the child index (issue 4): the queue, reviews and merges are the MASH
    # manager's (CHILD_MERGE); a review that does not exist is 404; the API needs a token.
    Case("GET", "/children/duplicates", "/children/duplicates", only({"mash-manager"})),
    Case(
        "GET",
        "/children/duplicates/{review_id}",
        "/children/duplicates/{random}",
        only({"mash-manager"}, 404),
    ),
    Case(
        "POST",
        "/children/duplicates/{review_id}/merge",
        "/children/duplicates/{random}/merge",
        only({"mash-manager"}, 404),
        {},
    ),
    Case(
        "POST",
        "/children/duplicates/{review_id}/not-duplicate",
        "/children/duplicates/{random}/not-duplicate",
        only({"mash-manager"}, 404),
        {},
    ),
    Case(
        "POST",
        "/children/merges/{merge_id}/unmerge",
        "/children/merges/{random}/unmerge",
        only({"mash-manager"}, 404),
        {},
    ),
    Case("GET", "/api/v1/children/duplicates", "/api/v1/children/duplicates", everyone(401)),
    Case(
        "GET",
        "/api/v1/children/duplicates/{review_id}",
        "/api/v1/children/duplicates/{random}",
        everyone(401),
    ),
    Case(
        "POST",
        "/api/v1/children/duplicates/{review_id}/merge",
        "/api/v1/children/duplicates/{random}/merge",
        everyone(401),
        {},
    ),
    Case(
        "POST",
        "/api/v1/children/duplicates/{review_id}/not-duplicate",
        "/api/v1/children/duplicates/{random}/not-duplicate",
        everyone(401),
        {},
    ),
    Case(
        "POST",
        "/api/v1/children/merges/{merge_id}/unmerge",
        "/api/v1/children/merges/{random}/unmerge",
        everyone(401),
        {},
    ),
    Case("GET", "/privacy/break-glass", "/privacy/break-glass", only({"privacy-officer"})),
    Case(
        "POST",
        "/privacy/break-glass/{grant_id}/review",
        "/privacy/break-glass/{random}/review",
        only({"privacy-officer"}, 404),
        {},
    ),
    Case(
        "GET",
        "/privacy/children/{child_id}/accesses",
        "/privacy/children/{child}/accesses",
        only({"privacy-officer"}),
    ),
    Case(
        "GET",
        "/privacy/users/{user_id}/actions",
        "/privacy/users/{social_worker}/actions",
        only({"privacy-officer"}),
    ),
    Case("GET", "/admin/organisations", "/admin/organisations", only({"system-admin"})),
    Case("POST", "/admin/organisations", "/admin/organisations", only({"system-admin"}, 422), {}),
    Case("GET", "/admin/users", "/admin/users", only(ADMINS, 303)),
    Case(
        "GET",
        "/admin/organisations/{organisation_id}/users",
        "/admin/organisations/{school}/users",
        only(ADMINS),
    ),
    Case(
        "GET",
        "/admin/organisations/{organisation_id}/users/new",
        "/admin/organisations/{school}/users/new",
        only(ADMINS),
    ),
    Case(
        "POST",
        "/admin/organisations/{organisation_id}/users/new",
        "/admin/organisations/{school}/users/new",
        only(ADMINS, 422),
        {},
    ),
    Case("GET", "/admin/users/{user_id}", "/admin/users/{teacher}", only(ADMINS)),
    Case(
        "POST",
        "/admin/users/{user_id}/roles",
        "/admin/users/{teacher}/roles",
        only(ADMINS, 422),
        {},
    ),
    Case(
        "POST",
        "/admin/users/{user_id}/reset-two-factor",
        "/admin/users/{teacher}/reset-two-factor",
        only(ADMINS, 303),
        {},
    ),
    Case(
        "POST",
        "/admin/users/{user_id}/deactivate",
        "/admin/users/{teacher}/deactivate",
        only(ADMINS, 303),
        {},
    ),
    Case(
        "POST",
        "/admin/organisations/{organisation_id}/service-accounts",
        "/admin/organisations/{school}/service-accounts",
        only(ADMINS, 303),
        {},
    ),
    Case(
        "POST",
        "/admin/service-accounts/{service_account_id}/tokens",
        "/admin/service-accounts/{random}/tokens",
        only(ADMINS, 404),
        {"permissions": ["child:read"]},
    ),
    Case(
        "POST",
        "/admin/api-tokens/{token_id}/revoke",
        "/admin/api-tokens/{random}/revoke",
        only(ADMINS, 404),
        {},
    ),
    Case(
        "GET",
        "/admin/organisations/{organisation_id}/identity-provider",
        "/admin/organisations/{school}/identity-provider",
        only({"system-admin"}),
    ),
    Case(
        "POST",
        "/admin/organisations/{organisation_id}/identity-provider",
        "/admin/organisations/{school}/identity-provider",
        only({"system-admin"}, 422),
        {},
    ),
    # The API takes bearer tokens only: a browser session is not enough.
    Case("GET", "/api/v1/summary", "/api/v1/summary", everyone(401)),
    Case("GET", "/api/v1/children/{child_id}", "/api/v1/children/{child}", everyone(401)),
    Case(
        "GET",
        "/api/v1/children/{child_id}/accesses",
        "/api/v1/children/{child}/accesses",
        everyone(401),
    ),
    # Roster linking and possible matches (issue 4): an organisation's linkers (DSLs, social
    # workers, its admin) upload its roster; its DSLs and social workers settle the matches.
    Case("GET", "/rosters", "/rosters", only(LINKERS)),
    Case("POST", "/rosters", "/rosters", only(LINKERS, 422), {}),
    Case("GET", "/rosters/{run_id}", "/rosters/{random}", only(LINKERS, 404)),
    Case(
        "GET",
        "/rosters/{run_id}/decisions.csv",
        "/rosters/{random}/decisions.csv",
        only(LINKERS, 404),
    ),
    Case("GET", "/match-reviews", "/match-reviews", only(MATCH_REVIEWERS)),
    Case(
        "GET", "/match-reviews/{review_id}", "/match-reviews/{random}", only(MATCH_REVIEWERS, 404)
    ),
    Case(
        "POST",
        "/match-reviews/{review_id}/decision",
        "/match-reviews/{random}/decision",
        only(MATCH_REVIEWERS, 404),
        {},
    ),
    Case("POST", "/api/v1/rosters", "/api/v1/rosters", everyone(401), {}),
    Case("GET", "/api/v1/match-reviews", "/api/v1/match-reviews", everyone(401)),
    Case(
        "GET",
        "/api/v1/match-reviews/{review_id}",
        "/api/v1/match-reviews/{random}",
        everyone(401),
    ),
    Case(
        "POST",
        "/api/v1/match-reviews/{review_id}/decision",
        "/api/v1/match-reviews/{random}/decision",
        everyone(401),
        {},
    ),
    # Notifications (issue 5): everyone has their own; someone else's (or none) is 404.
    Case("GET", "/notifications", "/notifications", everyone(200)),
    Case(
        "POST",
        "/notifications/{notification_id}/read",
        "/notifications/{random}/read",
        everyone(404),
        {},
    ),
    # Concerns (issue 5): case roles raise them; a concern they did not write and that was
    # not shared with them is 404, like one that does not exist; the API needs a token.
    Case("GET", "/concerns/new", "/concerns/new", only(CASE_ROLES)),
    Case("POST", "/concerns", "/concerns", only(CASE_ROLES, 303), {}),
    Case("GET", "/concerns/{concern_id}", "/concerns/{random}", only(CASE_ROLES, 404)),
    Case("GET", "/concerns/{concern_id}/edit", "/concerns/{random}/edit", only(CASE_ROLES, 404)),
    Case(
        "POST",
        "/concerns/{concern_id}/draft",
        "/concerns/{random}/draft",
        only(CASE_ROLES, 404),
        {},
    ),
    Case(
        "POST", "/concerns/{concern_id}/send", "/concerns/{random}/send", only(CASE_ROLES, 404), {}
    ),
    Case(
        "POST",
        "/concerns/{concern_id}/attachments",
        "/concerns/{random}/attachments",
        only(CASE_ROLES, 422),
        {},
    ),
    Case(
        "GET",
        "/concerns/{concern_id}/attachments/{attachment_id}",
        "/concerns/{random}/attachments/{random}",
        only(CASE_ROLES, 404),
    ),
    Case(
        "GET",
        "/concerns/{concern_id}/guidance/{flow_id}",
        "/concerns/{random}/guidance/should-i-share",
        only(CASE_ROLES, 404),
    ),
    Case(
        "POST",
        "/concerns/{concern_id}/guidance/{flow_id}",
        "/concerns/{random}/guidance/should-i-share",
        only(CASE_ROLES, 404),
        {},
    ),
    Case(
        "POST",
        "/concerns/{concern_id}/guidance/{flow_id}/attach",
        "/concerns/{random}/guidance/should-i-share/attach",
        only(CASE_ROLES, 404),
        {},
    ),
    Case("GET", "/my-shares", "/my-shares", only(CASE_ROLES)),
    # The MASH queue (issue 6): its practitioners and manager; a contact elsewhere is 404.
    Case("GET", "/mash", "/mash", only(SCREENERS)),
    Case("GET", "/mash/contacts/{contact_id}", "/mash/contacts/{random}", only(SCREENERS, 404)),
    Case(
        "POST",
        "/mash/contacts/{contact_id}/action",
        "/mash/contacts/{random}/action",
        only(SCREENERS, 422),
        {},
    ),
    Case(
        "POST",
        "/mash/contacts/{contact_id}/assign",
        "/mash/contacts/{random}/assign",
        only(SCREENERS, 422),
        {},
    ),
    Case(
        "POST",
        "/mash/contacts/{contact_id}/urgency",
        "/mash/contacts/{random}/urgency",
        only(SCREENERS, 422),
        {},
    ),
    Case("GET", "/api/v1/mash/contacts", "/api/v1/mash/contacts", everyone(401)),
    # The MASH's measures (issue 6): counts only, for its staff and consultation advisors.
    Case("GET", "/mash/measures", "/mash/measures", only(SCREENERS | ADVISORS)),
    Case("GET", "/mash/measures.csv", "/mash/measures.csv", only(SCREENERS | ADVISORS)),
    Case("GET", "/api/v1/mash/measures", "/api/v1/mash/measures", everyone(401)),
    # The MASH API for systems (issue 6): tokens only, so every persona's cookie gets 401.
    Case(
        "GET",
        "/api/v1/mash/contacts/{contact_id}",
        "/api/v1/mash/contacts/{random}",
        everyone(401),
    ),
    Case("GET", "/api/v1/mash/decisions", "/api/v1/mash/decisions", everyone(401)),
    Case(
        "POST",
        "/api/v1/mash/contacts/{contact_id}/actions",
        "/api/v1/mash/contacts/{random}/actions",
        everyone(401),
        {},
    ),
    Case(
        "POST",
        "/api/v1/mash/contacts/{contact_id}/close",
        "/api/v1/mash/contacts/{random}/close",
        everyone(401),
        {},
    ),
    Case(
        "GET",
        "/api/v1/mash/contacts/{contact_id}/feedback",
        "/api/v1/mash/contacts/{random}/feedback",
        everyone(401),
    ),
    Case(
        "POST",
        "/api/v1/mash/contacts/{contact_id}/feedback/send",
        "/api/v1/mash/contacts/{random}/feedback/send",
        everyone(401),
        {},
    ),
    Case(
        "GET",
        "/api/v1/concerns/{concern_id}/feedback",
        "/api/v1/concerns/{random}/feedback",
        everyone(401),
    ),
    Case(
        "POST",
        "/api/v1/concerns/{concern_id}/feedback/acknowledge",
        "/api/v1/concerns/{random}/feedback/acknowledge",
        everyone(401),
        {},
    ),
    Case(
        "POST",
        "/api/v1/concerns/{concern_id}/feedback/challenge",
        "/api/v1/concerns/{random}/feedback/challenge",
        everyone(401),
        {},
    ),
    Case("GET", "/api/v1/information-requests", "/api/v1/information-requests", everyone(401)),
    Case(
        "POST",
        "/api/v1/information-requests/{request_id}/answer",
        "/api/v1/information-requests/{random}/answer",
        everyone(401),
        {},
    ),
    Case(
        "POST",
        "/mash/contacts/{contact_id}/partners",
        "/mash/contacts/{random}/partners",
        only(SCREENERS, 404),
        {"organisations": str(RANDOM)},
    ),
    Case(
        "GET",
        "/information-requests/{request_id}",
        "/information-requests/{random}",
        only(RECEIVERS, 404),
    ),
    Case(
        "POST",
        "/information-requests/{request_id}",
        "/information-requests/{random}",
        only(RECEIVERS, 404),
        {"answer": "nothing held"},
    ),
    Case(
        "POST",
        "/mash/contacts/{contact_id}/feedback",
        "/mash/contacts/{random}/feedback",
        only(SCREENERS, 404),
        {},
    ),
    # A challenged decision: only its MASH's manager reviews it (a practitioner gets 404 too).
    Case(
        "POST",
        "/mash/contacts/{contact_id}/challenge",
        "/mash/contacts/{random}/challenge",
        only(SCREENERS, 404),
        {"response": "The decision stands, for these reasons"},
    ),
    Case(
        "POST",
        "/concerns/{concern_id}/feedback/acknowledge",
        "/concerns/{random}/feedback/acknowledge",
        only(CASE_ROLES, 404),
        {},
    ),
    Case(
        "POST",
        "/concerns/{concern_id}/feedback/challenge",
        "/concerns/{random}/feedback/challenge",
        only(CASE_ROLES, 404),
        {},
    ),
    # Talk it through (issue 6): every case worker asks; the line's advisors (and the MASH
    # manager) answer; a consultation the reader did not ask about is 404.
    Case("GET", "/consultations", "/consultations", only(CASE_ROLES)),
    Case("GET", "/consultations/new", "/consultations/new", only(CASE_ROLES)),
    Case("POST", "/consultations", "/consultations", only(CASE_ROLES, 422), {}),
    Case("GET", "/consultation-line", "/consultation-line", only(ADVISORS)),
    Case("GET", "/consultation-line/phone", "/consultation-line/phone", only(ADVISORS)),
    Case("POST", "/consultation-line/phone", "/consultation-line/phone", only(ADVISORS, 422), {}),
    Case(
        "GET",
        "/consultations/{consultation_id}",
        "/consultations/{random}",
        only(CASE_ROLES, 404),
    ),
    Case(
        "POST",
        "/consultations/{consultation_id}/take",
        "/consultations/{random}/take",
        only(ADVISORS, 404),
        {},
    ),
    Case(
        "POST",
        "/consultations/{consultation_id}/advice",
        "/consultations/{random}/advice",
        only(ADVISORS, 404),
        {"advice": "Speak to the parents", "outcome": "no_action"},
    ),
    Case(
        "POST",
        "/consultations/{consultation_id}/withdraw",
        "/consultations/{random}/withdraw",
        only(CASE_ROLES, 404),
        {},
    ),
    Case(
        "POST",
        "/consultations/{consultation_id}/referral",
        "/consultations/{random}/referral",
        only(CASE_ROLES, 404),
        {},
    ),
    Case("POST", "/api/v1/consultations", "/api/v1/consultations", everyone(401), {}),
    Case("GET", "/api/v1/consultations", "/api/v1/consultations", everyone(401)),
    Case(
        "GET",
        "/api/v1/consultations/{consultation_id}",
        "/api/v1/consultations/{random}",
        everyone(401),
    ),
    # An organisation's risk scale: its admin (or a system admin, for their own organisation).
    Case("GET", "/risk-scale", "/risk-scale", only(ADMINS)),
    Case("POST", "/risk-scale", "/risk-scale", only(ADMINS, 303), {}),
    Case("GET", "/api/v1/risk-scale", "/api/v1/risk-scale", everyone(401)),
    Case("GET", "/shared-with-us", "/shared-with-us", only(RECEIVERS)),
    Case("POST", "/api/v1/concerns", "/api/v1/concerns", everyone(401), {}),
    Case("GET", "/api/v1/concerns", "/api/v1/concerns", everyone(401)),
    Case("GET", "/api/v1/concerns/{concern_id}", "/api/v1/concerns/{random}", everyone(401)),
    # A child's chronology (issue 7): whoever may open the child reads it (what they see is
    # policy.chronology_scope's); exporting and marking are case work; a child or an event the
    # persona may not reach is 404. Posted events waiting for a person: those who settle their
    # organisation's matches. The events API takes tokens only.
    Case("GET", "/children/{child_id}/chronology", "/children/{child}/chronology", child_page),
    Case(
        "GET", "/children/{child_id}/chronology.csv", "/children/{child}/chronology.csv", child_page
    ),
    Case(
        "GET", "/children/{child_id}/chronology.pdf", "/children/{child}/chronology.pdf", child_page
    ),
    Case(
        "POST",
        "/children/{child_id}/chronology/events/{event_id}/significant",
        "/children/{child}/chronology/events/{random}/significant",
        only(CASE_ROLES, 404),
        {"significant": "1"},
    ),
    Case("GET", "/events/waiting", "/events/waiting", only(MATCH_REVIEWERS)),
    Case(
        "GET", "/events/waiting/{event_id}", "/events/waiting/{random}", only(MATCH_REVIEWERS, 404)
    ),
    Case(
        "POST",
        "/events/waiting/{event_id}",
        "/events/waiting/{random}",
        only(MATCH_REVIEWERS, 404),
        {"decision": "set_aside"},
    ),
    Case("POST", "/api/v1/events", "/api/v1/events", everyone(401), {}),
    Case(
        "GET",
        "/api/v1/children/{child_id}/events",
        "/api/v1/children/{child}/events",
        everyone(401),
    ),
    # Alerts (issue 7): worked by those whose role owns them (policy.may_work_alert); an alert
    # the persona does not work is 404. The API is an agency system's read feed (tokens only).
    Case("GET", "/alerts", "/alerts", only(ALERT_WORKERS)),
    Case("GET", "/api/v1/alerts", "/api/v1/alerts", everyone(401)),
    Case("GET", "/alerts/{alert_id}", "/alerts/{random}", only(ALERT_WORKERS, 404)),
    Case("POST", "/alerts/{alert_id}/take", "/alerts/{random}/take", only(ALERT_WORKERS, 404), {}),
    Case(
        "POST",
        "/alerts/{alert_id}/acknowledge",
        "/alerts/{random}/acknowledge",
        only(ALERT_WORKERS, 404),
        {"note": "Read the concerns together and called the school"},
    ),
)
CASES: tuple[Case, ...] = (
    *CORE_CASES,
    *GLOSSARY_CASES,
    *STORY_CASES,
    *TRAINING_CASES,
    # Last: these end the persona's session.
    Case("POST", "/account/sign-out-everywhere", "/account/sign-out-everywhere", everyone(303), {}),
    Case("POST", "/sign-out", "/sign-out", everyone(303), {}),
)


@pytest.fixture
def world(uow: UnitOfWork, app: FastAPI) -> DemoWorld:
    return load_world(uow, app)


def chosen_child(world: DemoWorld) -> uuid.UUID:
    """A pupil in the teacher's class at Oakfield, registered at Riverside, known to no one else."""
    casework = world.partnership.casework
    elsewhere = {
        i.child_key
        for i in casework.involvements
        if i.role not in {"school_attended", "registered_gp", "class_teacher"}
    }
    elsewhere |= {c.child_key for c in casework.mash_cases} | {
        r.child_key for r in casework.restrictions
    }
    gp = {c.key: c.gp_key for c in world.partnership.children}
    pupils = [i.child_key for i in casework.involvements if i.role == "class_teacher"]
    key = next(k for k in pupils if gp[k] == "org:gp-1" and k not in elsewhere)
    return world.id(key)


def ids_for(world: DemoWorld) -> Ids:
    return Ids(
        child=chosen_child(world),
        school=world.id("org:school-1"),
        teacher=world.id("persona:teacher-oakfield"),
        social_worker=world.id("persona:social-worker"),
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_route_gives_each_persona_the_expected_status(
    client: TestClient, world: DemoWorld, persona: str
) -> None:
    sign_in(client, world, persona)
    ids = ids_for(world)
    token = form_token(client, "/account")
    failures = []
    for case in CASES:
        url = case.url(ids)
        if case.method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, data={**(case.data or {}), "csrf_token": token})
        if response.status_code != case.expect(persona):
            failures.append(
                f"{case.method} {url}: {response.status_code}, expected {case.expect(persona)}"
            )
    assert failures == []


PUBLIC_PAGES = {
    "/",
    "/healthz",
    "/readyz",
    "/api/v1/docs",
    "/api/v1/openapi.json",
    "/sign-in",
    "/sign-in/two-factor",
    "/sign-in/password",
    "/sign-in/sso",
    "/sign-in/sso/callback",
}


def test_signed_out_visitors_are_sent_to_sign_in(client: TestClient, world: DemoWorld) -> None:
    ids = ids_for(world)
    for case in CASES:
        if case.method != "GET" or case.route in PUBLIC_PAGES:
            continue
        response = client.get(case.url(ids))
        if case.route.startswith("/api/"):
            assert response.status_code == 401, case.route
        elif case.route == "/sign-in/enrol":
            assert response.status_code == 404
        else:
            assert response.status_code == 303, case.route
            assert response.headers["location"].startswith("/sign-in?next=/")


class TestApiTokens:
    def token(
        self, world: DemoWorld, uow: UnitOfWork, organisation: str, permissions: set[Permission]
    ) -> str:
        organisation_id = world.id(f"org:{organisation}")
        admin = Actor.user(
            world.id("persona:system-admin"),
            organisation_id=world.id("org:la"),
            agency_kind=AgencyKind.CHILDRENS_SOCIAL_CARE,
            roles=frozenset({Role.SYSTEM_ADMIN}),
        )
        account = accounts.add_service_account(
            uow, admin, organisation_id=organisation_id, name="Test system"
        )
        _token, secret = accounts.issue_api_token(
            uow,
            admin,
            service_account_id=account.id,
            permissions=frozenset(permissions),
            valid_days=1,
        )
        return secret

    def bearer(
        self, world: DemoWorld, uow: UnitOfWork, organisation: str, permissions: set[Permission]
    ) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(world, uow, organisation, permissions)}"}

    def test_a_school_system_reads_its_pupil_and_no_one_else(
        self, client: TestClient, world: DemoWorld, uow: UnitOfWork
    ) -> None:
        child = chosen_child(world)
        school = self.bearer(world, uow, "school-1", {Permission.CHILD_READ})
        police = self.bearer(world, uow, "police", {Permission.CHILD_READ})
        summary = self.bearer(world, uow, "school-1", {Permission.SUMMARY_READ})
        read = client.get(f"/api/v1/children/{child}", headers=school)
        assert read.status_code == 200
        assert read.json()["access_basis"] == "relationship"
        assert client.get(f"/api/v1/children/{child}", headers=police).status_code == 404
        assert client.get(f"/api/v1/children/{RANDOM}", headers=school).status_code == 404
        assert client.get(f"/api/v1/children/{child}", headers=summary).status_code == 403
        assert client.get("/api/v1/summary", headers=summary).status_code == 200
        assert (
            client.get("/api/v1/summary", headers={"Authorization": "Bearer jgs_nope"}).status_code
            == 401
        )
        assert client.get(f"/api/v1/children/{child}/accesses", headers=school).status_code == 403
        found = client.post(
            "/api/v1/children/search",
            headers=school,
            json={"nhs_number": read.json()["identifiers"][0]["value"]},
        )
        assert found.status_code == 200
        assert [r["child_id"] for r in found.json()] == [str(child)]
        assert found.json()[0]["may_open"] is True
        refused = client.post("/api/v1/children/search", headers=school, json={})
        assert refused.status_code == 422
        assert refused.headers["content-type"] == "application/problem+json"

    def test_revoked_and_expired_tokens_stop_working(
        self, client: TestClient, world: DemoWorld, uow: UnitOfWork
    ) -> None:
        secret = self.token(world, uow, "school-1", {Permission.SUMMARY_READ})
        headers = {"Authorization": f"Bearer {secret}"}
        assert client.get("/api/v1/summary", headers=headers).status_code == 200
        with uow:
            token = uow.session.scalars(
                select(ApiToken).where(ApiToken.prefix == secret[:10])
            ).one()
            token.revoked_at = clock.now()
            uow.commit()
        assert client.get("/api/v1/summary", headers=headers).status_code == 401


def _declares_permission(route: APIRoute) -> bool:
    stack = list(route.dependant.dependencies)
    while stack:
        dependency = stack.pop()
        if isinstance(dependency.call, Requires) or dependency.call is public:
            return True
        stack.extend(dependency.dependencies)
    return False


def _api_routes(app: FastAPI) -> list[APIRoute]:
    """Every route of the app, looking inside included routers (FastAPI wraps them)."""
    return [c.route for c in iter_route_contexts(app.routes) if isinstance(c.route, APIRoute)]


def test_the_route_listing_sees_every_router(app: FastAPI) -> None:
    # The meta-tests below would pass vacuously if the listing missed included routers.
    paths = {route.path for route in _api_routes(app)}
    assert {"/children/{child_id}", "/api/v1/children/{child_id}", "/admin/users"} <= paths


def test_every_route_declares_its_permission(app: FastAPI) -> None:
    undeclared = [r.path for r in _api_routes(app) if not _declares_permission(r)]
    assert undeclared == []


def test_every_route_is_in_the_matrix(app: FastAPI) -> None:
    routes = {(m, r.path) for r in _api_routes(app) for m in r.methods or ()}
    covered = {(case.method, case.route) for case in CASES}
    assert routes - covered == set()
    # FastAPI's own /api/v1/openapi.json is a plain route, so the stale check lists every kind.
    every = {(m, getattr(c.route, "path", "")) for c in iter_route_contexts(app.routes)
             for m in getattr(c.route, "methods", None) or ()}  # fmt: skip
    assert covered - every == set(), "rows for routes that no longer exist"
