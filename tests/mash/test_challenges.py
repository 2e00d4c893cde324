"""A challenged decision is the MASH manager's task: reviewed, answered, and maybe revised."""

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from jigsaw.core import clock
from jigsaw.core.errors import Conflict, Invalid, NotFound
from jigsaw.core.uow import UnitOfWork
from jigsaw.mash import challenges, feedback, queries, services
from jigsaw.mash.models import Feedback, MashContact
from jigsaw.mash.rules import Action, ContactState, Outcome
from jigsaw.sharing.models import Concern
from tests.children.helpers import actor
from tests.demo_world import DemoWorld, bearer, form_token, load_world, sign_in
from tests.mash.helpers import decided
from tests.mash.test_feedback import told

WHY = "She told me again today that he hits her; early help is not enough"
ANSWER = "Having read the school's new account, I have changed the decision to an assessment."


@pytest.fixture
def world(uow: UnitOfWork, app: FastAPI) -> DemoWorld:
    return load_world(uow, app)


@pytest.fixture
def challenged(uow: UnitOfWork, world: DemoWorld) -> tuple[Concern, MashContact]:
    """A school's concern decided (early help), the feedback sent, and the school disagreeing."""
    concern, contact = decided(uow, world, rationale="Early help can meet these needs for now")
    feedback.send(uow, actor(uow, world, "mash-practitioner"), contact_id=contact.id,
                  text="Early help will contact the family this week.")  # fmt: skip
    feedback.challenge(uow, actor(uow, world, "dsl-oakfield"), concern_id=concern.id, reason=WHY)
    return concern, contact


def test_a_challenge_waits_in_the_managers_list_until_reviewed(
    uow: UnitOfWork, world: DemoWorld, challenged: tuple[Concern, MashContact]
) -> None:
    concern, contact = challenged
    manager = actor(uow, world, "mash-manager")
    [line] = challenges.waiting(uow, manager)
    assert line.contact_id == contact.id
    assert line.reference == concern.reference
    assert line.reason == WHY
    assert line.source == "Oakfield Primary School"
    # A practitioner does not decide, so has no such list.
    assert challenges.waiting(uow, actor(uow, world, "mash-practitioner")) == []

    with pytest.raises(Invalid, match="Review the referrer's challenge"):
        services.act(uow, manager, contact_id=contact.id, action=Action.CLOSE)
    challenges.review(uow, manager, contact_id=contact.id,
                      response="The decision stands: early help is right for now.")  # fmt: skip
    assert challenges.waiting(uow, manager) == []
    assert services.act(uow, manager, contact_id=contact.id, action=Action.CLOSE).state is (
        ContactState.CLOSED
    )


def test_the_manager_revises_the_decision_and_the_referrer_reads_why(
    uow: UnitOfWork, world: DemoWorld, challenged: tuple[Concern, MashContact]
) -> None:
    concern, contact = challenged
    manager = actor(uow, world, "mash-manager")
    with pytest.raises(Invalid):
        challenges.review(uow, manager, contact_id=contact.id, response="no")
    with pytest.raises(Invalid):  # "changed" to what it already is
        challenges.review(uow, manager, contact_id=contact.id, response=ANSWER,
                          outcome=Outcome.EARLY_HELP)  # fmt: skip
    with pytest.raises(NotFound):  # only a manager of that MASH reviews
        challenges.review(uow, actor(uow, world, "mash-practitioner"), contact_id=contact.id,
                          response=ANSWER, outcome=Outcome.CHILD_IN_NEED_ASSESSMENT)  # fmt: skip

    challenges.review(uow, manager, contact_id=contact.id, response=ANSWER,
                      outcome=Outcome.CHILD_IN_NEED_ASSESSMENT)  # fmt: skip

    record = queries.open_contact(uow, manager, contact_id=contact.id, now=clock.now())
    assert record.contact.outcome is Outcome.CHILD_IN_NEED_ASSESSMENT
    assert record.events[-1].action == "decision_revised"
    assert record.events[-1].reason == ANSWER
    dsl = actor(uow, world, "dsl-oakfield")
    assert told(uow, dsl, "challenge_reviewed") == 1
    view = feedback.for_referrer(uow, dsl, concern_id=concern.id)
    assert view is not None
    assert view.outcome is Outcome.CHILD_IN_NEED_ASSESSMENT
    assert view.response == ANSWER
    assert view.decision_stands is False
    with pytest.raises(Conflict):  # reviewed once
        challenges.review(uow, manager, contact_id=contact.id, response=ANSWER)


def test_the_answer_is_sealed_at_rest(
    uow: UnitOfWork, world: DemoWorld, challenged: tuple[Concern, MashContact]
) -> None:
    _concern, contact = challenged
    challenges.review(uow, actor(uow, world, "mash-manager"), contact_id=contact.id,
                      response=ANSWER)  # fmt: skip
    with uow:
        row = uow.session.scalars(select(Feedback).where(Feedback.contact_id == contact.id)).one()
        assert row.decision_stands is True
        assert row.challenge_response_sealed is not None
        assert "school's new account" not in row.challenge_response_sealed


def test_the_manager_reviews_from_the_queue_and_the_school_reads_the_answer(
    client: TestClient, world: DemoWorld, challenged: tuple[Concern, MashContact]
) -> None:
    concern, contact = challenged
    sign_in(client, world, "mash-manager")
    queue = client.get("/mash")
    assert "Challenges to review" in queue.text
    assert concern.reference in queue.text
    path = f"/mash/contacts/{contact.id}"
    token = form_token(client, path)
    refused = client.post(f"{path}/challenge", data={
        "csrf_token": token, "revised_outcome": "s17", "response": "",
    })  # fmt: skip
    assert refused.status_code == 422
    assert 'value="s17" selected' in refused.text  # the choice is kept
    done = client.post(f"{path}/challenge", data={
        "csrf_token": token, "revised_outcome": "s17", "response": ANSWER,
    })  # fmt: skip
    assert done.status_code == 303
    assert "Challenges to review" not in client.get("/mash").text

    school = TestClient(client.app, follow_redirects=False)
    sign_in(school, world, "dsl-oakfield")
    page = school.get(f"/concerns/{concern.id}").text
    assert "The decision has changed to: Child in need assessment (section 17)." in page
    assert "the school&#39;s new account" in page  # the answer, escaped as HTML


def test_the_review_is_in_the_feedback_the_api_gives(
    client: TestClient, uow: UnitOfWork, world: DemoWorld,
    challenged: tuple[Concern, MashContact],
) -> None:  # fmt: skip
    _concern, contact = challenged
    challenges.review(uow, actor(uow, world, "mash-manager"), contact_id=contact.id,
                      response=ANSWER, outcome=Outcome.CHILD_IN_NEED_ASSESSMENT)  # fmt: skip
    # The referrer's and the MASH's views share these fields (ReferrerFeedbackView).
    mash = bearer(uow, world, "mash", "contact:screen")
    body = client.get(f"/api/v1/mash/contacts/{contact.id}/feedback", headers=mash).json()
    assert (body["response"], body["decision_stands"]) == (ANSWER, False)
    assert body["outcome"] == "s17"
    assert body["reviewed_at"] is not None
