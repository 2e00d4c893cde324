"""Demo concerns: realistic worries shared by every demo agency, each with a guided decision.

Written through the sharing services as each persona, so they are sealed, audited and
notified exactly as a practitioner's would be. Loaded once, after the partnership.
"""

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from jigsaw.access.actor import Actor
from jigsaw.accounts import User
from jigsaw.accounts import services as accounts
from jigsaw.core.uow import UnitOfWork
from jigsaw.demo.generator import DemoPartnership
from jigsaw.demo.keys import demo_id
from jigsaw.guidance.library import FlowLibrary
from jigsaw.mash import services as mash_services
from jigsaw.mash.models import MashContact
from jigsaw.mash.rules import Action
from jigsaw.sharing import queries, services
from jigsaw.sharing.models import Subject
from jigsaw.sharing.rules import Draft, SharingDecision
from jigsaw.taxonomy.lawful_basis import (
    Article6Basis,
    Article9Condition,
    ConsentNotSoughtReason,
    ConsentPosition,
    LawEnforcementBasis,
    Schedule1Condition,
)

SHARE_NOW = (("immediate-danger", "no"), ("purpose", "yes"), ("identifiable", "yes"),
             ("significant-harm", "yes"))  # fmt: skip
EARLY_HELP = (("immediate-danger", "no"), ("purpose", "yes"), ("identifiable", "yes"),
              ("significant-harm", "no"), ("early-help", "yes"))  # fmt: skip
NOT_ASKED = (("immediate-danger", "no"), ("purpose", "yes"), ("identifiable", "yes"),
             ("significant-harm", "no"), ("early-help", "no"), ("confidential", "yes"),
             ("consent", "not-asked"), ("why-not-asked", "more-risk"),
             ("other-basis", "yes"))  # fmt: skip
NO_PURPOSE = (("immediate-danger", "no"), ("purpose", "no"))
LEVEL_4 = (("level-4", "yes"),)
LEVEL_3 = (("level-4", "no"), ("level-3", "yes"))
LEVEL_2 = (("level-4", "no"), ("level-3", "no"), ("level-2", "yes"))


@dataclass(frozen=True, slots=True)
class DemoConcern:
    """One worry: who shares it, about which kind of child, what they wrote and decided."""

    persona: str
    narrative: str
    how_known: str
    categories: tuple[str, ...]
    risk_term: str | None
    days_ago: int
    share: tuple[tuple[str, str], ...]
    level: tuple[tuple[str, str], ...] = ()
    child_words: str = ""
    actions_taken: str = ""
    subject: Subject = Subject.IDENTIFIED
    description: str = ""
    purpose: str = "So the MASH can decide whether the child needs help or protection"
    send: bool = True
    opened_by_mash: bool = False
    not_shared_reason: str = ""
    extra: dict[str, object] = field(default_factory=dict)


CONCERNS: tuple[DemoConcern, ...] = (
    DemoConcern(
        "persona:teacher-oakfield",
        "{name} arrived with a fingertip-shaped bruise on the upper left arm. When I asked, "
        "{name} went quiet, then said mum's boyfriend grabbed them when they spilt a drink.",
        "told_by_child",
        ("18C",),
        "Child protection concern",
        1,
        SHARE_NOW,
        child_words="He grabbed me really hard and said I was useless.",
        actions_taken="Told the DSL straight away. Did not ask further questions.",
        opened_by_mash=True,
    ),
    DemoConcern(
        "persona:dsl-oakfield",
        "{name} has arrived hungry most mornings this half term and eats from other children's "
        "lunch boxes. Uniform unwashed; head lice not treated after three letters home. "
        "Attendance 84%.",
        "seen",
        ("16A",),
        "Safeguarding concern",
        6,
        NOT_ASKED,
        level=LEVEL_3,
        actions_taken="Breakfast club place offered; two calls to mum unanswered.",
        opened_by_mash=True,
    ),
    DemoConcern(
        "persona:dsl-oakfield",
        "A parent asked us to pass {name}'s attendance record to their housing officer to "
        "support a transfer request.",
        "told_by_someone_else",
        (),
        "Welfare note",
        9,
        NO_PURPOSE,
        not_shared_reason="Not a safeguarding purpose: the parent can ask the school office for "
        "the record and pass it on themselves.",
    ),
    DemoConcern(
        "persona:dsl-kestrel",
        "{name} has been seen three times this month getting into cars with older young people "
        "after school. New phone and designer trainers; missed two afternoons.",
        "seen",
        ("24A", "10A"),
        "Child protection concern",
        3,
        SHARE_NOW,
        actions_taken="Informed the police via 101; spoke to {name}, who denied anything wrong.",
        opened_by_mash=True,
    ),
    DemoConcern(
        "persona:gp-riverside",
        "{name}'s mother attended in crisis; she has stopped her antidepressants and says she "
        "cannot get out of bed to take the children to school some days.",
        "told_by_someone_else",
        ("4B",),
        "Safeguarding: monitor",
        4,
        EARLY_HELP,
        level=LEVEL_2,
        purpose="So the early help team can offer the family support, with mum's agreement",
    ),
    DemoConcern(
        "persona:health-visitor",
        "Expectant mother, 28 weeks, disclosed at the booking visit that her partner checks her "
        "phone, controls the money and pushed her last month.",
        "told_by_someone_else",
        ("3B",),
        "Safeguarding",
        2,
        SHARE_NOW,
        subject=Subject.UNBORN,
        description="Expectant mother, first pregnancy, living in Moorside (EM3), due in "
        "February; registered at Castle Hill Surgery.",
    ),
    DemoConcern(
        "persona:ed-nurse",
        "{name}, aged 2, brought to ED with a spiral fracture of the left forearm. Explanation "
        "(fell off the sofa) does not fit the injury; third attendance in four months.",
        "seen",
        ("18C",),
        "Level 4 safeguarding",
        1,
        SHARE_NOW,
        actions_taken="Paediatric registrar informed; skeletal survey requested.",
        opened_by_mash=True,
    ),
    DemoConcern(
        "persona:ed-nurse",
        "Girl of about 14 brought in intoxicated by a man in his twenties who left before "
        "triage. She gave a first name only and would not say where she lives.",
        "seen",
        ("11A", "1A"),
        "Level 4 safeguarding",
        0,
        SHARE_NOW,
        subject=Subject.UNIDENTIFIED,
        description="Girl, about 14, white, slim, long dark hair; first name given as "
        "'Kaylee'; said she goes to 'the academy'.",
    ),
    DemoConcern(
        "persona:police-officer",
        "Officers attended a domestic abuse incident at {name}'s home at 23:40. {name} was "
        "upstairs and heard the shouting; the mother had a cut lip. The partner was arrested.",
        "seen",
        ("3B",),
        "DASH high",
        1,
        SHARE_NOW,
        extra={"part_3": LawEnforcementBasis.SAFEGUARDING},
        opened_by_mash=True,
    ),
    DemoConcern(
        "persona:social-worker",
        "{name} starts a child in need plan this week after an assessment; school attendance "
        "is one of the plan's goals.",
        "seen",
        ("4B",),
        "Amber",
        5,
        NOT_ASKED,
        level=LEVEL_3,
        purpose="So the agencies working with the child know about the plan and its goals",
        extra={"to_school": True},
    ),
    DemoConcern(
        "persona:teacher-oakfield",
        "{name} said something at lunch that worried me about a cousin who stays over",
        "told_by_child",
        (),
        None,
        0,
        (),
        send=False,
    ),
)


def load_concerns(
    uow: UnitOfWork, partnership: DemoPartnership, flows: FlowLibrary, *, today: date
) -> int:
    """Raise the demo concerns through the services; returns how many were written."""
    ids = _Ids(partnership)
    written = 0
    for number, demo in enumerate(CONCERNS):
        identified = demo.subject is Subject.IDENTIFIED
        child_id = _child_for(partnership, ids, demo, number) if identified else None
        if identified and child_id is None:
            continue  # a demo of a few children, every one restricted
        written += 1
        concern_id = raise_concern(uow, partnership, flows, demo, child_id=child_id, today=today)
        if demo.opened_by_mash:  # read at the MASH, and taken on for screening
            mash = persona_actor(uow, ids("persona:mash-practitioner"))
            queries.open_concern(uow, mash, concern_id=concern_id)
            with uow:
                contact_id = uow.session.scalars(
                    select(MashContact.id).where(MashContact.concern_id == concern_id)
                ).one()
            mash_services.act(uow, mash, contact_id=contact_id, action=Action.ACCEPT)
    return written


def raise_concern(
    uow: UnitOfWork,
    partnership: DemoPartnership,
    flows: FlowLibrary,
    demo: DemoConcern,
    *,
    child_id: uuid.UUID | None,
    today: date,
) -> uuid.UUID:
    """Write one demo concern as its persona would: draft, guided decisions, then send it."""
    ids = _Ids(partnership)
    author = persona_actor(uow, ids(demo.persona))
    concern = services.start_concern(uow, author, subject=demo.subject, child_id=child_id)
    name = _given_name(partnership, ids, child_id)
    recipients = _recipients(uow, author, concern.id, demo)
    draft = _draft(demo, name, today)
    services.save_draft(uow, author, concern_id=concern.id, draft=draft,
                        recipient_ids=recipients)  # fmt: skip
    for flow_id, answers in (("should-i-share", demo.share), ("level-of-need", demo.level)):
        if answers:
            services.attach_guided_decision(
                uow, author, concern_id=concern.id, flow=flows.get(flow_id),
                answers=list(answers), rationale="",
            )  # fmt: skip
    if demo.send:
        services.send_concern(uow, author, concern_id=concern.id)
    return concern.id


class _Ids:
    def __init__(self, partnership: DemoPartnership) -> None:
        self.seed = partnership.seed

    def __call__(self, key: str) -> uuid.UUID:
        return demo_id(self.seed, key)


def persona_actor(uow: UnitOfWork, user_id: uuid.UUID) -> Actor:
    """A demo persona, as the actor their sign-in would give."""
    with uow:
        user = uow.session.get_one(User, user_id)
        return accounts.user_actor(user)


def _child_for(
    partnership: DemoPartnership, ids: _Ids, demo: DemoConcern, number: int
) -> uuid.UUID | None:
    """A child the persona's organisation works with (any child, for the police).

    None when every child is restricted (a demo of a child or two).
    """
    persona = next(p for p in partnership.personas if p.key == demo.persona)
    restricted = {r.child_key for r in partnership.casework.restrictions}
    keys = sorted({
        i.child_key for i in partnership.casework.involvements
        if i.organisation_key == persona.organisation_key and i.child_key not in restricted
    }) or sorted(c.key for c in partnership.children if c.key not in restricted)  # fmt: skip
    return ids(keys[(number * 7) % len(keys)]) if keys else None


def _given_name(partnership: DemoPartnership, ids: _Ids, child_id: uuid.UUID | None) -> str:
    if child_id is None:
        return "the child"
    child = next(c for c in partnership.children if ids(c.key) == child_id)
    return child.given_names.split()[0]


def _recipients(
    uow: UnitOfWork, author: Actor, concern_id: uuid.UUID, demo: DemoConcern
) -> list[uuid.UUID]:
    options = queries.recipient_options(uow, author, concern_id=concern_id)
    if demo.extra.get("to_school"):
        return [o.organisation_id for o in options if o.kind == "involved_organisation"][:1]
    return [o.organisation_id for o in options if o.kind == "mash_contact"]


def _draft(demo: DemoConcern, name: str, today: date) -> Draft:
    public = Article6Basis.PUBLIC_TASK
    if demo.not_shared_reason:
        decision = SharingDecision(decision="do_not_share", reason=demo.not_shared_reason)
    elif not demo.send:
        decision = SharingDecision()
    else:
        part_3 = demo.extra.get("part_3")
        decision = SharingDecision(
            decision="share", purpose=demo.purpose, article_6=public,
            article_9=Article9Condition.SUBSTANTIAL_PUBLIC_INTEREST,
            schedule_1=Schedule1Condition.SAFEGUARDING,
            part_3=part_3 if isinstance(part_3, LawEnforcementBasis) else None,
            consent=ConsentPosition.NOT_SOUGHT,
            consent_not_sought_reason=ConsentNotSoughtReason.WOULD_INCREASE_RISK,
        )  # fmt: skip
    return Draft(
        happened_on=today - timedelta(days=demo.days_ago), how_known=demo.how_known,
        categories=demo.categories, agency_risk_term=demo.risk_term,
        narrative=demo.narrative.format(name=name), child_words=demo.child_words,
        actions_taken=demo.actions_taken.format(name=name),
        subject_description=demo.description, decision=decision,
    )  # fmt: skip
