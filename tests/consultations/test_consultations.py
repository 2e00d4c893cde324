"""Talk it through: asking, the queue, advice, phone calls, and the referral it becomes."""

import uuid
from datetime import datetime

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from jigsaw.access.actor import Actor
from jigsaw.audit.models import AuditEvent
from jigsaw.consultations import queries, services
from jigsaw.consultations.models import Consultation
from jigsaw.consultations.queries import ANONYMOUS, QueueView
from jigsaw.consultations.rules import Channel, ConsultationOutcome, ConsultationState
from jigsaw.core import clock
from jigsaw.core.errors import Conflict, Invalid, NotFound
from jigsaw.core.uow import UnitOfWork
from jigsaw.mash.rules import Urgency
from jigsaw.notifications import Notification
from jigsaw.sharing import queries as sharing_queries
from jigsaw.sharing import services as sharing_services
from jigsaw.sharing.models import Concern, ConcernStatus, RecipientKind, Subject
from jigsaw.sharing.rules import SharingDecision
from tests.children.helpers import actor
from tests.demo_world import DemoWorld, bearer, form_token, load_world, sign_in
from tests.sharing.helpers import pupil, shared

SITUATION = "A Year 5 boy has come in hungry three days running and his coat is too small"
QUESTION = "Is this neglect I should refer, or should I talk to his mum first?"
ADVICE = "Speak to mum today about free school meals and the uniform bank; refer if she refuses."


@pytest.fixture
def world(uow: UnitOfWork, app: FastAPI) -> DemoWorld:
    return load_world(uow, app)


def ask(uow: UnitOfWork, who: Actor, **changes: object) -> Consultation:
    values: dict[str, object] = {"situation": SITUATION, "question": QUESTION}
    values.update(changes)
    return services.request_consultation(uow, who, services.Request(**values))  # type: ignore[arg-type]


def told(uow: UnitOfWork, user_id: uuid.UUID | None, kind: str) -> int:
    with uow:
        query = select(Notification).where(Notification.user_id == user_id,
                                           Notification.kind == kind)  # fmt: skip
        return len(uow.session.scalars(query).all())


def test_a_practitioner_asks_about_a_pupil_and_the_advisors_see_it_due(
    uow: UnitOfWork, world: DemoWorld
) -> None:
    dsl = actor(uow, world, "dsl-oakfield")
    consultation = ask(uow, dsl, child_id=pupil(world))

    advisor = actor(uow, world, "consultation-advisor")
    assert told(uow, advisor.id, "consultation_requested") == 1
    [line] = queries.queue(uow, advisor, now=clock.now())
    assert line.id == consultation.id
    assert line.reference.startswith("T-")
    assert line.who != ANONYMOUS  # the child's name, for the advisor
    assert line.asked_by == "Oakfield Primary School"
    assert line.state is ConsultationState.REQUESTED
    # Amber by default: answered within 4 working hours, on the working clock.
    assert consultation.due_at > consultation.created_at
    [mine] = queries.mine(uow, dsl, now=clock.now())
    assert mine.id == consultation.id
    # Only the line's advisors see the queue; a school does not.
    with pytest.raises(NotFound):
        queries.queue(uow, dsl, now=clock.now())


def test_an_anonymous_situation_names_no_child(uow: UnitOfWork, world: DemoWorld) -> None:
    consultation = ask(uow, actor(uow, world, "ed-nurse"), urgency=Urgency.RED)

    record = queries.open_consultation(uow, actor(uow, world, "consultation-advisor"),
                                       consultation_id=consultation.id)  # fmt: skip
    assert consultation.child_id is None
    assert record.who == ANONYMOUS
    assert record.situation == SITUATION


def test_what_is_missing_or_too_long_is_refused_and_nothing_is_kept(
    uow: UnitOfWork, world: DemoWorld
) -> None:
    dsl = actor(uow, world, "dsl-oakfield")
    with pytest.raises(Invalid) as missing:
        ask(uow, dsl, situation="   ")
    assert set(missing.value.errors) == {"situation"}
    with pytest.raises(Invalid) as long:
        ask(uow, dsl, situation="x" * (services.SITUATION_MAX + 1), question="y" * 5_000)
    assert set(long.value.errors) == {"situation", "question"}
    assert queries.mine(uow, dsl, now=clock.now()) == []


def test_the_text_is_sealed_at_rest(uow: UnitOfWork, world: DemoWorld) -> None:
    consultation = ask(uow, actor(uow, world, "dsl-oakfield"))
    with uow:
        row = uow.session.get_one(Consultation, consultation.id)
        assert "hungry" not in row.situation_sealed
        assert row.question_sealed is not None
        assert "neglect" not in row.question_sealed


def test_the_advisor_advises_and_the_practitioner_reads_it_in_their_account(
    uow: UnitOfWork, world: DemoWorld
) -> None:
    dsl = actor(uow, world, "dsl-oakfield")
    advisor = actor(uow, world, "consultation-advisor")
    consultation = ask(uow, dsl, child_id=pupil(world))
    services.take(uow, advisor, consultation_id=consultation.id)
    [taken] = queries.queue(uow, advisor, view=QueueView.MINE, now=clock.now())
    assert taken.advisor == "Nadia Hussain"

    with pytest.raises(Invalid) as refused:
        services.advise(uow, advisor, consultation_id=consultation.id, advice="", outcome=None)
    assert set(refused.value.errors) == {"advice", "outcome"}
    services.advise(uow, advisor, consultation_id=consultation.id, advice=ADVICE,
                    outcome=ConsultationOutcome.SHARE_WITH_CONSENT)  # fmt: skip

    assert told(uow, dsl.id, "consultation_advised") == 1
    [line] = queries.mine(uow, dsl, now=clock.now())
    assert line.unread
    assert line.outcome is ConsultationOutcome.SHARE_WITH_CONSENT
    record = queries.open_consultation(uow, dsl, consultation_id=consultation.id)
    assert record.advice == ADVICE
    assert record.advisor == "Nadia Hussain"
    [line] = queries.mine(uow, dsl, now=clock.now())
    assert not line.unread  # opened
    assert queries.queue(uow, advisor, now=clock.now()) == []
    [advised] = queries.queue(uow, advisor, view=QueueView.ADVISED, now=clock.now())
    assert advised.id == consultation.id
    with pytest.raises(Conflict):
        services.advise(uow, advisor, consultation_id=consultation.id, advice=ADVICE,
                        outcome=ConsultationOutcome.NO_ACTION)  # fmt: skip


def test_only_the_asker_and_the_mash_read_a_consultation(uow: UnitOfWork, world: DemoWorld) -> None:
    consultation = ask(uow, actor(uow, world, "dsl-oakfield"), child_id=pupil(world))
    for persona in ("teacher-oakfield", "gp-riverside", "police-officer", "social-worker"):
        with pytest.raises(NotFound):
            queries.open_consultation(uow, actor(uow, world, persona),
                                      consultation_id=consultation.id)  # fmt: skip
    with pytest.raises(NotFound):
        queries.open_consultation(uow, actor(uow, world, "dsl-oakfield"),
                                  consultation_id=uuid.uuid4())  # fmt: skip
    screener = queries.open_consultation(uow, actor(uow, world, "mash-practitioner"),
                                         consultation_id=consultation.id)  # fmt: skip
    assert not screener.may_advise
    assert not screener.is_asker
    # A MASH practitioner reads it (a referral may link to it) but does not advise.
    with pytest.raises(NotFound):
        services.advise(uow, actor(uow, world, "mash-practitioner"),
                        consultation_id=consultation.id, advice=ADVICE,
                        outcome=ConsultationOutcome.NO_ACTION)  # fmt: skip


def test_every_read_of_a_named_childs_consultation_is_audited_with_the_child(
    uow: UnitOfWork, world: DemoWorld
) -> None:
    child_id = pupil(world)
    consultation = ask(uow, actor(uow, world, "dsl-oakfield"), child_id=child_id)
    advisor = actor(uow, world, "consultation-advisor")
    queries.open_consultation(uow, advisor, consultation_id=consultation.id)
    with uow:
        actions = set(uow.session.scalars(
            select(AuditEvent.action).where(AuditEvent.subject_id == consultation.id,
                                            AuditEvent.child_id == child_id)
        ))  # fmt: skip
    assert {"consultation:requested", "consultation:viewed"} <= actions


def test_the_asker_withdraws_before_the_advice_but_not_after(
    uow: UnitOfWork, world: DemoWorld
) -> None:
    dsl = actor(uow, world, "dsl-oakfield")
    advisor = actor(uow, world, "consultation-advisor")
    first = ask(uow, dsl)
    services.withdraw(uow, dsl, consultation_id=first.id)
    assert queries.queue(uow, advisor, now=clock.now()) == []
    with pytest.raises(Conflict):
        services.advise(uow, advisor, consultation_id=first.id, advice=ADVICE,
                        outcome=ConsultationOutcome.NO_ACTION)  # fmt: skip
    second = ask(uow, dsl)
    services.advise(uow, advisor, consultation_id=second.id, advice=ADVICE,
                    outcome=ConsultationOutcome.NO_ACTION)  # fmt: skip
    with pytest.raises(Conflict):
        services.withdraw(uow, dsl, consultation_id=second.id)
    with pytest.raises(NotFound):  # someone else's
        services.withdraw(uow, actor(uow, world, "teacher-oakfield"), consultation_id=second.id)


def test_a_phone_call_is_logged_and_a_caller_who_uses_jigsaw_finds_the_advice(
    uow: UnitOfWork, world: DemoWorld
) -> None:
    advisor = actor(uow, world, "consultation-advisor")
    gp = world.persona("gp-riverside")
    call = services.Call(
        request=services.Request(situation=SITUATION, urgency=Urgency.RED),
        organisation_id=world.id("org:gp-1"), caller="Dr Lund, GP partner",
        caller_email=gp.email.upper(), advice=ADVICE, outcome=ConsultationOutcome.MAKE_REFERRAL,
    )  # fmt: skip
    consultation = services.log_call(uow, advisor, call)

    assert consultation.channel is Channel.PHONE
    assert consultation.state is ConsultationState.ADVISED
    gp_actor = actor(uow, world, "gp-riverside")
    assert consultation.asker_id == gp_actor.id
    assert told(uow, gp_actor.id, "consultation_advised") == 1
    record = queries.open_consultation(uow, gp_actor, consultation_id=consultation.id)
    assert record.asker == "Dr Lund, GP partner, Riverside Medical Practice"
    assert record.advice == ADVICE

    stranger = services.log_call(uow, advisor, services.Call(
        request=services.Request(situation=SITUATION), organisation_id=world.id("org:gp-1"),
        caller="A practice nurse", caller_email="nobody@example.org", advice=ADVICE,
        outcome=ConsultationOutcome.NO_ACTION,
    ))  # fmt: skip
    assert stranger.asker_id is None

    with pytest.raises(Invalid) as refused:
        services.log_call(uow, advisor, services.Call(
            request=services.Request(situation=""), organisation_id=None, caller=" ",
            caller_email="", advice="", outcome=None,
        ))  # fmt: skip
    assert set(refused.value.errors) == {"situation", "organisation_id", "caller", "advice",
                                         "outcome"}  # fmt: skip
    with pytest.raises(NotFound):  # a school cannot log calls to the line
        services.log_call(uow, actor(uow, world, "dsl-oakfield"), call)


def test_a_consultation_turned_into_a_referral_keeps_all_it_said_and_links_both_ways(
    uow: UnitOfWork, world: DemoWorld
) -> None:
    dsl = actor(uow, world, "dsl-oakfield")
    advisor = actor(uow, world, "consultation-advisor")
    child_id = pupil(world)
    consultation = ask(uow, dsl, child_id=child_id)
    services.advise(uow, advisor, consultation_id=consultation.id, advice=ADVICE,
                    outcome=ConsultationOutcome.MAKE_REFERRAL)  # fmt: skip
    with pytest.raises(NotFound):  # only the asker turns it into their referral
        services.make_referral(uow, advisor, consultation_id=consultation.id)

    concern = services.make_referral(uow, dsl, consultation_id=consultation.id)

    record = sharing_queries.open_concern(uow, dsl, concern_id=concern.id)
    assert record.concern.status is ConcernStatus.DRAFT
    assert record.concern.subject is Subject.IDENTIFIED
    assert record.concern.child_id == child_id
    assert record.draft.narrative == SITUATION
    done = record.draft.actions_taken
    assert consultation.reference in done
    assert QUESTION in done
    assert ADVICE in done
    assert ConsultationOutcome.MAKE_REFERRAL.label in done
    assert [r.kind for r in record.recipients] == [RecipientKind.MASH_CONTACT]
    # Linked both ways: the consultation names its referral, the referral its consultation.
    assert queries.open_consultation(uow, dsl, consultation_id=consultation.id).referral == (
        queries.Referral(concern.id, concern.reference, ConcernStatus.DRAFT)
    )
    assert queries.for_concern(uow, concern.id) == (consultation.id, consultation.reference)
    # A second click opens the same draft.
    assert services.make_referral(uow, dsl, consultation_id=consultation.id).id == concern.id

    # The practitioner completes the decision and sends it: it reaches the MASH as a contact,
    # still linked to the consultation the MASH screener can open.
    draft = shared(narrative=record.draft.narrative, actions_taken=done)
    mash = [r.organisation_id for r in record.recipients]
    sharing_services.save_draft(uow, dsl, concern_id=concern.id, draft=draft, recipient_ids=mash)
    sharing_services.send_concern(uow, dsl, concern_id=concern.id)
    screener = actor(uow, world, "mash-practitioner")
    sent = sharing_queries.open_concern(uow, screener, concern_id=concern.id)
    assert sent.draft.narrative == SITUATION
    assert queries.open_consultation(uow, screener, consultation_id=consultation.id).referral


def test_an_anonymous_consultation_becomes_a_referral_about_a_child_to_describe(
    uow: UnitOfWork, world: DemoWorld
) -> None:
    teacher = actor(uow, world, "teacher-oakfield")
    consultation = ask(uow, teacher)
    concern = services.make_referral(uow, teacher, consultation_id=consultation.id)
    with uow:
        row = uow.session.get_one(Concern, concern.id)
        assert row.subject is Subject.UNIDENTIFIED
        assert row.child_id is None
    record = sharing_queries.open_concern(uow, teacher, concern_id=concern.id)
    assert record.draft.narrative == SITUATION
    assert record.draft.decision == SharingDecision()  # the sharer's decision is still theirs


def test_the_pages_take_the_short_form_keep_what_was_typed_and_show_the_advice(
    client: TestClient, uow: UnitOfWork, world: DemoWorld
) -> None:
    sign_in(client, world, "dsl-oakfield")
    child_id = pupil(world)
    page = client.get(f"/consultations/new?child_id={child_id}")
    assert page.status_code == 200
    assert "How soon do you need an answer?" in page.text
    token = form_token(client, "/consultations/new")
    refused = client.post("/consultations", data={
        "csrf_token": token, "about": "child", "child_id": str(child_id), "situation": "",
        "question": QUESTION, "urgency": "green",
    })  # fmt: skip
    assert refused.status_code == 422
    assert "Say what is worrying you" in refused.text
    assert QUESTION in refused.text  # nothing lost
    asked = client.post("/consultations", data={
        "csrf_token": token, "about": "child", "child_id": str(child_id),
        "situation": SITUATION, "question": QUESTION, "urgency": "green",
    })  # fmt: skip
    assert asked.status_code == 303
    path = asked.headers["location"]
    consultation_id = uuid.UUID(path.rsplit("/", 1)[1])
    assert SITUATION in client.get(path).text
    assert "consultation" in client.get("/consultations").text.lower()

    services.advise(uow, actor(uow, world, "consultation-advisor"),
                    consultation_id=consultation_id, advice=ADVICE,
                    outcome=ConsultationOutcome.MAKE_REFERRAL)  # fmt: skip
    page = client.get(path)
    assert ADVICE in page.text
    made = client.post(f"{path}/referral", data={"csrf_token": form_token(client, path)})
    assert made.status_code == 303
    draft_page = client.get(made.headers["location"])
    assert draft_page.status_code == 200
    assert "This referral starts from your" in draft_page.text


def test_the_advisors_pages_queue_and_advise(
    client: TestClient, uow: UnitOfWork, world: DemoWorld
) -> None:
    consultation = ask(uow, actor(uow, world, "health-visitor"))
    sign_in(client, world, "consultation-advisor")
    queue = client.get("/consultation-line")
    assert consultation.reference in queue.text
    path = f"/consultations/{consultation.id}"
    token = form_token(client, path)
    refused = client.post(f"{path}/advice", data={"csrf_token": token, "advice": ADVICE})
    assert refused.status_code == 422
    assert "Choose what you advised" in refused.text
    assert ADVICE in refused.text
    done = client.post(f"{path}/advice", data={"csrf_token": token, "advice": ADVICE,
                                               "outcome": "no_action"})  # fmt: skip
    assert done.status_code == 303
    with uow:
        assert uow.session.get_one(Consultation, consultation.id).state is (
            ConsultationState.ADVISED
        )
    phone = client.get("/consultation-line/phone")
    assert "Log a phone consultation" in phone.text
    refused = client.post("/consultation-line/phone", data={
        "csrf_token": token, "situation": SITUATION, "caller": "", "urgency": "amber",
    })  # fmt: skip
    assert refused.status_code == 422
    assert SITUATION in refused.text


def test_an_agency_system_asks_through_the_api_and_polls_for_the_advice(
    client: TestClient, uow: UnitOfWork, world: DemoWorld
) -> None:
    headers = bearer(uow, world, "school-1", "consultation:request")
    created = client.post("/api/v1/consultations", headers=headers,
                          json={"situation": SITUATION, "urgency": "green"})  # fmt: skip
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["state"] == "requested"
    assert body["advice"] is None
    assert datetime.fromisoformat(body["due_at"]) > datetime.fromisoformat(body["created_at"])
    services.advise(uow, actor(uow, world, "consultation-advisor"),
                    consultation_id=uuid.UUID(body["id"]), advice=ADVICE,
                    outcome=ConsultationOutcome.NO_ACTION)  # fmt: skip
    read = client.get(f"/api/v1/consultations/{body['id']}", headers=headers)
    assert read.json()["advice"] == ADVICE
    assert [c["id"] for c in client.get("/api/v1/consultations", headers=headers).json()] == [
        body["id"]
    ]
    other = bearer(uow, world, "school-3", "consultation:request")
    assert client.get(f"/api/v1/consultations/{body['id']}", headers=other).status_code == 404
    empty = client.post("/api/v1/consultations", headers=headers, json={"situation": ""})
    assert empty.status_code == 422
