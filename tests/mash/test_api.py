"""The MASH API: a council's system takes decided referrals, agencies answer, referrers reply."""

import uuid

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from jigsaw.access.actor import Actor, ActorKind
from jigsaw.access.permissions import Permission
from jigsaw.access.vocabulary import AgencyKind, Role
from jigsaw.accounts import User
from jigsaw.accounts import services as accounts
from jigsaw.audit.models import AuditEvent
from jigsaw.children.queries import identities_of
from jigsaw.core.uow import UnitOfWork
from jigsaw.mash import feedback, partner_checks, queries, services
from jigsaw.mash.models import InformationRequest, MashContact
from jigsaw.mash.rules import Action, ContactState, Outcome
from jigsaw.notifications import Notification
from jigsaw.sharing import queries as sharing
from jigsaw.sharing import services as sharing_services
from jigsaw.sharing.models import Concern, ConcernStatus, Subject
from tests.children.helpers import actor
from tests.demo_world import DemoWorld, load_world
from tests.sharing.helpers import CHILD_WORDS, NARRATIVE, pupil, raise_to_mash, shared

WHY = "Known to early help; the family asked for support with routines"
HELD = "Seen on 3 November with a scald; mum said it was the kettle."
COUNCIL = (Permission.CHILD_READ, Permission.CONTACT_SCREEN, Permission.CONTACT_DECIDE)


@pytest.fixture
def world(uow: UnitOfWork, app: FastAPI) -> DemoWorld:
    return load_world(uow, app)


def system(
    uow: UnitOfWork, world: DemoWorld, organisation_id: uuid.UUID, *permissions: Permission
) -> dict[str, str]:
    """Headers of a new service account's token, issued as an admin would issue it."""
    admin = Actor.user(
        world.id("persona:system-admin"), organisation_id=world.id("org:la"),
        agency_kind=AgencyKind.CHILDRENS_SOCIAL_CARE, roles=frozenset({Role.SYSTEM_ADMIN}),
    )  # fmt: skip
    account = accounts.add_service_account(
        uow, admin, organisation_id=organisation_id, name="Case management system"
    )
    _token, secret = accounts.issue_api_token(
        uow, admin, service_account_id=account.id, permissions=frozenset(permissions),
        valid_days=1,
    )  # fmt: skip
    return {"Authorization": f"Bearer {secret}"}


def council(uow: UnitOfWork, world: DemoWorld) -> dict[str, str]:
    """The council's case management system at the MASH."""
    return system(uow, world, world.id("org:mash"), *COUNCIL)


def contact_of(uow: UnitOfWork, concern_id: uuid.UUID) -> MashContact:
    with uow:
        return uow.session.scalars(
            select(MashContact).where(MashContact.concern_id == concern_id)
        ).one()


def received(uow: UnitOfWork, world: DemoWorld, child_id: uuid.UUID | None = None) -> MashContact:
    """A school's concern, just arrived at the MASH."""
    dsl = actor(uow, world, "dsl-oakfield")
    concern = raise_to_mash(uow, world, dsl, child_id=child_id or pupil(world), draft=shared())
    return contact_of(uow, concern.id)


def decided(uow: UnitOfWork, world: DemoWorld, child_id: uuid.UUID | None = None) -> MashContact:
    """A school's concern, accepted and decided (early help) by the MASH's staff."""
    contact = received(uow, world, child_id)
    services.act(uow, actor(uow, world, "mash-practitioner"), contact_id=contact.id,
                 action=Action.ACCEPT)  # fmt: skip
    return services.act(uow, actor(uow, world, "mash-manager"), contact_id=contact.id,
                        action=Action.DECIDE, reason=WHY, outcome=Outcome.EARLY_HELP)  # fmt: skip


def other_mash(uow: UnitOfWork, world: DemoWorld) -> uuid.UUID:
    """A neighbouring partnership's MASH."""
    admin = actor(uow, world, "system-admin")
    return accounts.register_organisation(
        uow, admin, name="Westmoor MASH", kind=AgencyKind.MASH, identifier_scheme="ods",
        identifier="WESTMASH",
    ).id  # fmt: skip


def names_in_play(uow: UnitOfWork, world: DemoWorld, child_ids: set[uuid.UUID]) -> list[str]:
    """The children's and the sharer's names: none may appear in a system's listing."""
    with uow:
        dsl = uow.session.get_one(User, world.id("persona:dsl-oakfield")).display_name
        children = [identity.name for identity in identities_of(uow, child_ids).values()]
    assert children
    return [*children, dsl, NARRATIVE, CHILD_WORDS]


def audited(uow: UnitOfWork, action: str) -> list[AuditEvent]:
    with uow:
        return list(uow.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def told(uow: UnitOfWork, user_id: uuid.UUID, kind: str) -> int:
    with uow:
        query = select(Notification).where(Notification.user_id == user_id,
                                           Notification.kind == kind)  # fmt: skip
        return len(uow.session.scalars(query).all())


def test_a_council_system_polls_its_own_mash_decisions_without_names(
    client: TestClient, uow: UnitOfWork, world: DemoWorld
) -> None:
    ours = decided(uow, world)
    received(uow, world, world.children_at("school-1")[1])  # not decided: not listed
    westmoor = other_mash(uow, world)
    dsl = actor(uow, world, "dsl-oakfield")
    theirs = sharing_services.start_concern(uow, dsl, subject=Subject.IDENTIFIED,
                                            child_id=world.children_at("school-1")[2])  # fmt: skip
    sharing_services.save_draft(uow, dsl, concern_id=theirs.id, draft=shared(),
                                recipient_ids=[westmoor])  # fmt: skip
    sharing_services.send_concern(uow, dsl, concern_id=theirs.id)
    neighbour = system(uow, world, westmoor, *COUNCIL)
    their_contact = contact_of(uow, theirs.id).id
    for step in ({"action": "accept"}, {"action": "decide", "outcome": "s17", "reason": WHY}):
        taken = client.post(f"/api/v1/mash/contacts/{their_contact}/actions", json=step,
                            headers=neighbour)  # fmt: skip
        assert taken.status_code == 200, taken.text

    page = client.get("/api/v1/mash/decisions", headers=council(uow, world))
    their_page = client.get("/api/v1/mash/decisions", headers=neighbour)

    assert page.status_code == 200, page.text
    [line] = page.json()["decisions"]
    with uow:
        reference = uow.session.get_one(Concern, ours.concern_id).reference
    assert line["id"] == str(ours.id)
    assert (line["reference"], line["child_id"]) == (reference, str(ours.child_id))
    assert (line["outcome"], line["state"]) == ("early_help", "decided")
    assert [d["id"] for d in their_page.json()["decisions"]] == [str(their_contact)]
    children = {ours.child_id, world.children_at("school-1")[2]}
    for name in names_in_play(uow, world, {c for c in children if c is not None}):
        assert name not in page.text
        assert name not in their_page.text
    assert WHY not in page.text  # the rationale is read contact by contact
    assert [e.subject_id for e in audited(uow, "contact:listed")] == [ours.id, their_contact]


def test_decisions_come_oldest_first_a_page_at_a_time_and_next_polls_for_more(
    client: TestClient, uow: UnitOfWork, world: DemoWorld
) -> None:
    pupils = world.children_at("school-1")
    first, second, third = (decided(uow, world, child) for child in pupils[:3])
    with uow:  # the last two decided at the same moment: paging must not lose either
        uow.session.execute(update(MashContact).where(MashContact.id == third.id)
                            .values(decided_at=second.decided_at))  # fmt: skip
        uow.commit()
    headers = council(uow, world)

    pages, address = [], "/api/v1/mash/decisions?limit=1"
    for _ in range(4):
        page = client.get(address, headers=headers).json()
        pages.append(([d["id"] for d in page["decisions"]], page["more"]))
        address = page["next"]

    tied = sorted([str(second.id), str(third.id)])
    assert pages == [([str(first.id)], True), ([tied[0]], True), ([tied[1]], True), ([], False)]
    assert client.get(address, headers=headers).json()["decisions"] == []
    assert first.decided_at is not None
    since = {"since": first.decided_at.isoformat()}
    later = client.get("/api/v1/mash/decisions", params=since, headers=headers)
    assert sorted(d["id"] for d in later.json()["decisions"]) == tied
    assert second.decided_at is not None
    caught_up = {"since": second.decided_at.isoformat()}
    polled = client.get("/api/v1/mash/decisions", params=caught_up, headers=headers).json()
    assert polled["decisions"] == []
    assert client.get(polled["next"], headers=headers).json()["next"] == polled["next"]
    naive = client.get("/api/v1/mash/decisions?since=2026-01-01T09:00:00", headers=headers)
    assert naive.status_code == 422
    assert naive.headers["content-type"] == "application/problem+json"


def test_a_council_system_decides_and_the_referrer_gets_the_feedback_the_page_drafts(
    client: TestClient, uow: UnitOfWork, world: DemoWorld
) -> None:
    contact = received(uow, world)
    headers = council(uow, world)
    steps = f"/api/v1/mash/contacts/{contact.id}/actions"

    accepted = client.post(steps, json={"action": "accept"}, headers=headers)
    no_reason = client.post(steps, json={"action": "decide", "outcome": "early_help"},
                            headers=headers)  # fmt: skip
    no_outcome = client.post(steps, json={"action": "decide", "reason": WHY}, headers=headers)
    decision = client.post(steps, json={"action": "decide", "outcome": "early_help",
                                        "reason": WHY}, headers=headers)  # fmt: skip

    assert accepted.json()["state"] == "screening"
    assert no_reason.status_code == no_outcome.status_code == 422
    assert no_reason.headers["content-type"] == "application/problem+json"
    assert list(no_reason.json()["errors"]) == ["reason"]
    assert list(no_outcome.json()["errors"]) == ["outcome"]
    assert decision.status_code == 200, decision.text
    assert (decision.json()["state"], decision.json()["outcome"]) == ("decided", "early_help")
    page_view = feedback.for_mash(uow, actor(uow, world, "mash-practitioner"),
                                  contact_id=contact.id)  # fmt: skip
    drafted = client.get(f"/api/v1/mash/contacts/{contact.id}/feedback", headers=headers).json()
    assert page_view is not None
    assert (drafted["status"], drafted["text"]) == ("draft", page_view.text)
    assert "Early help or family help" in drafted["text"]
    dsl = actor(uow, world, "dsl-oakfield")
    assert sharing.my_shares(uow, dsl)[0].status is ConcernStatus.DECIDED
    with uow:
        assert uow.session.get_one(MashContact, contact.id).assigned_to_id is None
    [decide_row] = audited(uow, "contact:decide")
    assert (decide_row.actor_kind, decide_row.subject_id) == (ActorKind.SERVICE_ACCOUNT, contact.id)

    sent = client.post(f"/api/v1/mash/contacts/{contact.id}/feedback/send", json={},
                       headers=headers)  # fmt: skip
    assert sent.json()["status"] == "sent"
    read = feedback.for_referrer(uow, dsl, concern_id=contact.concern_id)
    assert read is not None
    assert read.text == page_view.text
    assert told(uow, world.id("persona:dsl-oakfield"), "feedback_sent") == 1
    again = client.post(f"/api/v1/mash/contacts/{contact.id}/feedback/send", json={},
                        headers=headers)  # fmt: skip
    assert again.status_code == 409


def test_a_council_system_reads_a_contact_and_takes_it(
    client: TestClient, uow: UnitOfWork, world: DemoWorld
) -> None:
    contact = decided(uow, world)
    headers = council(uow, world)

    read = client.get(f"/api/v1/mash/contacts/{contact.id}", headers=headers)
    child = client.get(f"/api/v1/children/{contact.child_id}", headers=headers)
    early = client.post(f"/api/v1/mash/contacts/{contact.id}/close", headers=headers)
    assert early.status_code == 422  # the referrer has not had the feedback yet
    assert "Send the feedback" in early.json()["errors"]["action"]
    client.post(f"/api/v1/mash/contacts/{contact.id}/feedback/send", json={}, headers=headers)
    closed = client.post(f"/api/v1/mash/contacts/{contact.id}/close", headers=headers)
    again = client.post(f"/api/v1/mash/contacts/{contact.id}/close", headers=headers)

    assert read.status_code == 200, read.text
    body = read.json()
    assert [(e["action"], e["to_state"]) for e in body["events"]] == [
        ("opened", "received"), ("accept", "screening"), ("decide", "decided")
    ]  # fmt: skip
    assert (body["decision"]["outcome"], body["decision"]["rationale"]) == ("early_help", WHY)
    assert body["feedback"]["status"] == "draft"  # as read, before it was sent
    assert body["assigned_to_id"] == str(world.id("persona:mash-practitioner"))
    assert [e.subject_id for e in audited(uow, "contact:viewed")] == [contact.id]
    assert child.status_code == 200, child.text
    assert child.json()["access_basis"] == "mash"
    assert closed.json()["state"] == "closed"
    assert again.status_code == 409
    assert again.json()["detail"] == "cannot close a contact that is closed"
    listed = client.get("/api/v1/mash/decisions", headers=headers).json()["decisions"]
    assert [(d["id"], d["state"]) for d in listed] == [(str(contact.id), "closed")]
    events = client.get(f"/api/v1/mash/contacts/{contact.id}", headers=headers).json()["events"]
    assert events[-1]["action"] == "close"


def test_forbidden_steps_are_409_saying_why(
    client: TestClient, uow: UnitOfWork, world: DemoWorld
) -> None:
    fresh, done = received(uow, world), decided(uow, world, world.children_at("school-1")[1])
    headers = council(uow, world)

    def step(contact: MashContact, **body: str) -> tuple[int, str]:
        response = client.post(f"/api/v1/mash/contacts/{contact.id}/actions", json=body,
                               headers=headers)  # fmt: skip
        assert response.headers["content-type"] == "application/problem+json"
        return response.status_code, response.json().get("detail", "")

    assert step(fresh, action="close") == (409, "cannot close a contact that is received")
    assert step(done, action="reject", reason="Not a safeguarding matter for us") == (
        409, "cannot reject a contact that is decided"
    )  # fmt: skip
    assert step(done, action="accept") == (409, "cannot accept a contact that is decided")
    assert step(fresh, action="request_information")[0] == 422  # partner checks are a person's
    assert step(fresh, action="revoke", reason="The sharer's to withdraw")[0] == 422
    with uow:
        assert uow.session.get_one(MashContact, fresh.id).state is ContactState.RECEIVED


def test_only_a_token_that_may_decide_decides(
    client: TestClient, uow: UnitOfWork, world: DemoWorld
) -> None:
    contact = received(uow, world)
    screener = system(uow, world, world.id("org:mash"), Permission.CONTACT_SCREEN)
    steps = f"/api/v1/mash/contacts/{contact.id}/actions"

    accepted = client.post(steps, json={"action": "accept"}, headers=screener)
    decision = {"action": "decide", "outcome": "nfa", "reason": WHY}
    refused = client.post(steps, json=decision, headers=screener)

    assert accepted.status_code == 200
    assert refused.status_code == 404
    with uow:
        assert uow.session.get_one(MashContact, contact.id).state is ContactState.SCREENING


def test_another_agency_gets_404_for_a_contact_and_its_decisions(
    client: TestClient, uow: UnitOfWork, world: DemoWorld
) -> None:
    contact = decided(uow, world)
    school = system(uow, world, world.id("org:school-1"), *COUNCIL)
    base = f"/api/v1/mash/contacts/{contact.id}"

    assert client.get(base, headers=school).status_code == 404
    assert client.get(f"{base}/feedback", headers=school).status_code == 404
    assert client.post(f"{base}/close", headers=school).status_code == 404
    assert client.post(f"{base}/actions", json={"action": "close"},
                       headers=school).status_code == 404  # fmt: skip
    assert client.post(f"{base}/feedback/send", json={}, headers=school).status_code == 404
    assert client.get("/api/v1/mash/decisions", headers=school).status_code == 404
    assert client.get(f"/api/v1/children/{contact.child_id}",
                      headers=system(uow, world, world.id("org:mash"), Permission.CHILD_READ)
                      ).status_code == 404  # fmt: skip
    mash = council(uow, world)
    assert client.get(f"/api/v1/mash/contacts/{uuid.uuid4()}", headers=mash).status_code == 404
    with uow:
        assert uow.session.get_one(MashContact, contact.id).state is ContactState.DECIDED


def test_an_agency_system_answers_the_mash_partner_check(
    client: TestClient, uow: UnitOfWork, world: DemoWorld
) -> None:
    child_id = next(c for c in world.children_at("school-1") if c in world.children_at("gp-1"))
    contact = received(uow, world, child_id)
    practitioner = actor(uow, world, "mash-practitioner")
    services.act(uow, practitioner, contact_id=contact.id, action=Action.ACCEPT)
    partner_checks.ask(uow, practitioner, contact_id=contact.id,
                       organisation_ids=[world.id("org:gp-1")],
                       question="Any injuries seen?")  # fmt: skip
    gp = system(uow, world, world.id("org:gp-1"), Permission.CONCERN_RECEIVE)
    kestrel = system(uow, world, world.id("org:school-3"), Permission.CONCERN_RECEIVE)

    [asked] = client.get("/api/v1/information-requests", headers=gp).json()
    answer = f"/api/v1/information-requests/{asked['id']}/answer"
    empty = client.post(answer, json={"answer": "  "}, headers=gp)
    elsewhere = client.post(answer, json={"answer": HELD}, headers=kestrel)
    answered = client.post(answer, json={"answer": HELD}, headers=gp)
    again = client.post(answer, json={"answer": HELD}, headers=gp)

    assert (asked["question"], asked["child_id"], asked["answered_at"]) == (
        "Any injuries seen?", str(child_id), None
    )  # fmt: skip
    assert list(empty.json()["errors"]) == ["answer"]
    assert elsewhere.status_code == 404
    assert client.get("/api/v1/information-requests", headers=kestrel).json() == []
    assert answered.status_code == 200, answered.text
    assert again.status_code == 409
    with uow:
        request = uow.session.get_one(InformationRequest, uuid.UUID(asked["id"]))
        assert request.answered_by_id is None  # a system: named on the audit row
        assert uow.session.get_one(MashContact, contact.id).state is ContactState.SCREENING
    [answer_row] = audited(uow, "contact:information_answered")
    assert answer_row.actor_kind is ActorKind.SERVICE_ACCOUNT
    [check] = client.get(f"/api/v1/mash/contacts/{contact.id}",
                         headers=council(uow, world)).json()["partner_checks"]  # fmt: skip
    assert (check["organisation"], check["answer"]) == ("Riverside Medical Practice", HELD)


def raised_by_system(client: TestClient, world: DemoWorld, headers: dict[str, str]) -> str:
    """A concern raised from the school's own system; returns its id."""
    body = {
        "child_id": str(pupil(world)), "happened_on": "2026-11-20", "how_known": "told_by_child",
        "categories": ["18C"], "level_of_need": 3, "narrative": NARRATIVE,
        "recipients": [str(world.id("org:mash"))],
        "sharing": {"decision": "share", "purpose": "To protect her", "article_6": "6(1)(e)",
                    "consent": "not_sought",
                    "consent_not_sought_reason": "would_prejudice_protection"},
    }  # fmt: skip
    raised = client.post("/api/v1/concerns", json=body,
                         headers=headers | {"Idempotency-Key": "cms-event-0001"})  # fmt: skip
    assert raised.status_code == 201, raised.text
    concern_id: str = raised.json()["id"]
    return concern_id


def decide_through_the_api(
    client: TestClient, uow: UnitOfWork, world: DemoWorld, concern_id: str
) -> dict[str, str]:
    """The council's system accepts and decides the concern's contact; returns its headers."""
    headers = council(uow, world)
    contact = contact_of(uow, uuid.UUID(concern_id))
    for step in ({"action": "accept"}, {"action": "decide", "outcome": "early_help",
                                        "reason": WHY}):  # fmt: skip
        client.post(f"/api/v1/mash/contacts/{contact.id}/actions", json=step, headers=headers)
    return headers


def test_a_school_system_reads_its_concerns_feedback_and_acknowledges_it(
    client: TestClient, uow: UnitOfWork, world: DemoWorld
) -> None:
    school = system(uow, world, world.id("org:school-1"), Permission.CONCERN_RAISE)
    concern_id = raised_by_system(client, world, school)
    address = f"/api/v1/concerns/{concern_id}/feedback"
    assert client.get(address, headers=school).status_code == 404  # nothing decided yet
    mash = decide_through_the_api(client, uow, world, concern_id)
    assert client.get(address, headers=school).status_code == 404  # drafted, not sent
    contact = contact_of(uow, uuid.UUID(concern_id))
    edited = "Early help will contact the family this week. Keep sharing any new worries."
    client.post(f"/api/v1/mash/contacts/{contact.id}/feedback/send", json={"text": edited},
                headers=mash)  # fmt: skip

    read = client.get(address, headers=school)
    another = system(uow, world, world.id("org:school-1"), Permission.CONCERN_RAISE)
    acknowledged = client.post(f"{address}/acknowledge", headers=school)
    twice = client.post(f"{address}/acknowledge", headers=school)

    assert read.status_code == 200, read.text
    assert (read.json()["text"], read.json()["outcome"]) == (edited, "early_help")
    assert "escalated" not in read.json()  # the MASH's own business
    assert client.get(address, headers=another).status_code == 404  # the author's alone
    assert acknowledged.json()["status"] == "acknowledged"
    assert twice.status_code == 409
    assert [e.actor_kind for e in audited(uow, "feedback:viewed")] == [ActorKind.SERVICE_ACCOUNT]


def test_a_school_system_challenges_a_decision_saying_why(
    client: TestClient, uow: UnitOfWork, world: DemoWorld
) -> None:
    school = system(uow, world, world.id("org:school-1"), Permission.CONCERN_RAISE)
    concern_id = raised_by_system(client, world, school)
    mash = decide_through_the_api(client, uow, world, concern_id)
    contact = contact_of(uow, uuid.UUID(concern_id))
    client.post(f"/api/v1/mash/contacts/{contact.id}/feedback/send", json={}, headers=mash)
    address = f"/api/v1/concerns/{concern_id}/feedback/challenge"

    terse = client.post(address, json={"reason": "No."}, headers=school)
    challenged = client.post(address, json={"reason": "She told us again today; it is worse"},
                             headers=school)  # fmt: skip

    assert terse.status_code == 422
    assert list(terse.json()["errors"]) == ["reason"]
    assert challenged.json()["status"] == "challenged"
    again = client.post(address, json={"reason": "And once more, in case it was missed"},
                        headers=school)  # fmt: skip
    assert again.status_code == 409
    assert again.json()["detail"] == "this feedback has been answered already, or has not been sent"
    assert told(uow, world.id("persona:mash-manager"), "decision_challenged") == 1
    mash_view = client.get(f"/api/v1/mash/contacts/{contact.id}/feedback", headers=mash).json()
    assert mash_view["challenge"] == "She told us again today; it is worse"


def test_a_step_taken_by_a_system_is_named_by_it_on_the_contact_page(
    client: TestClient, uow: UnitOfWork, world: DemoWorld
) -> None:
    contact = received(uow, world)
    client.post(f"/api/v1/mash/contacts/{contact.id}/actions", json={"action": "accept"},
                headers=council(uow, world))  # fmt: skip

    record = queries.open_contact(uow, actor(uow, world, "mash-practitioner"),
                                  contact_id=contact.id, now=contact.received_at)  # fmt: skip
    assert [e.by for e in record.events] == ["Jigsaw", "Case management system"]
