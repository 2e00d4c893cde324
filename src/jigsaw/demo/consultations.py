"""Demo consultations: work waiting, advice given, calls logged, one turned into a referral.

Written through the consultation services as each persona, so they are sealed, audited and
notified as real ones would be, at the time each happened (``core.clock.reading``).
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from jigsaw.access.actor import Actor
from jigsaw.accounts import User
from jigsaw.accounts import services as accounts
from jigsaw.config import get_settings
from jigsaw.consultations import queries, services
from jigsaw.consultations.rules import ConsultationOutcome
from jigsaw.core import clock
from jigsaw.core.uow import UnitOfWork
from jigsaw.demo.generator import DemoPartnership
from jigsaw.demo.keys import demo_id
from jigsaw.demo.mash import working_time_before
from jigsaw.mash.rules import Urgency

_O = ConsultationOutcome
NAMED, ANONYMOUS = True, False  # about a child in the index, or a situation without a name


@dataclass(frozen=True, slots=True)
class DemoConsultation:
    """One conversation with the line: who asks, about whom, and what the advisor said."""

    persona: str
    situation: str
    question: str
    urgency: Urgency
    named: bool  # about a child the persona's organisation works with, or anonymous
    hours_ago: int
    advice: str = ""
    outcome: ConsultationOutcome | None = None
    taken: bool = False
    read: bool = False
    withdraw: bool = False
    referral: bool = False
    phone_caller: str = ""  # a call the advisor logged, from this caller


CONSULTATIONS: tuple[DemoConsultation, ...] = (
    DemoConsultation(
        "persona:health-visitor",
        "At the new birth visit mum was tearful and said her partner checks her phone and "
        "controls the money. She asked me not to tell anyone. The baby is thriving.",
        "Can I share this without her consent, and with whom?",
        Urgency.RED,
        NAMED,
        26,
    ),
    DemoConsultation(
        "persona:ed-nurse",
        "A 15-year-old came in intoxicated with an older man who left before we could speak "
        "to him. She would not give her address.",
        "Is this a child sexual exploitation referral tonight, or police first?",
        Urgency.AMBER,
        ANONYMOUS,
        1,
    ),
    DemoConsultation(
        "persona:teacher-oakfield",
        "{name} has been late most days this half term and says they get their little "
        "sisters ready because mum is still asleep.",
        "Is this something for early help, or am I overreacting?",
        Urgency.GREEN,
        NAMED,
        2,
        taken=True,
    ),
    DemoConsultation(
        "persona:dsl-kestrel",
        "A Year 9 girl's friends say she is being sent messages by an adult she met online. "
        "She denies it. Parents are supportive.",
        "Should I speak to the parents before anything else?",
        Urgency.AMBER,
        ANONYMOUS,
        30,
        advice="Yes: speak to the parents today with her, explain the risks and agree they "
        "will keep the messages. Share with consent with the police online safety team. If an "
        "adult is arranging to meet her, refer to the MASH and call 101.",
        outcome=_O.SHARE_WITH_CONSENT,
        read=True,
    ),
    DemoConsultation(
        "persona:teacher-oakfield",
        "{name} told a teaching assistant that 'daddy hurt mummy again' and that he hid under "
        "the bed. No marks have been seen.",
        "Is this a referral, and do I tell mum?",
        Urgency.AMBER,
        NAMED,
        6,
        advice="This is a referral: a child who witnesses domestic abuse is a victim of it. "
        "Refer to the MASH today. Do not tell mum first, as it may put her at risk; the MASH "
        "will decide how she is approached.",
        outcome=_O.MAKE_REFERRAL,
    ),
    DemoConsultation(
        "persona:dsl-oakfield",
        "{name} has lost a lot of weight this term and hides food in their bag. Mum says she "
        "is a fussy eater. The school nurse has seen her once.",
        "Neglect or an eating difficulty: who should I refer to?",
        Urgency.GREEN,
        NAMED,
        50,
        advice="Both may apply. Make a referral to the MASH so health and social care look "
        "together; ask the GP to see them. Keep a note of what you see at lunch.",
        outcome=_O.MAKE_REFERRAL,
        read=True,
        referral=True,
    ),
    DemoConsultation(
        "persona:gp-riverside",
        "A father asked for help with his temper; he says he has never hurt his children but "
        "is scared he might.",
        "Is this a safeguarding referral or support through the practice?",
        Urgency.GREEN,
        ANONYMOUS,
        75,
        advice="No referral is needed on what he says. Offer support through the practice and "
        "early help with his consent; review if anything changes.",
        outcome=_O.NO_ACTION,
        phone_caller="Dr Rebecca Lund, GP partner",
    ),
    DemoConsultation(
        "persona:police-officer",
        "At a welfare check the flat was cold and dirty and a 2-year-old was alone with a "
        "12-year-old for the evening.",
        "Police protection now, or a referral?",
        Urgency.RED,
        ANONYMOUS,
        20,
        advice="If the children are still alone, use police protection now and call the "
        "emergency duty team; then refer to the MASH tonight.",
        outcome=_O.CALL_POLICE,
        phone_caller="PC Mark Fenwick, Public Protection Unit",
    ),
    DemoConsultation(
        "persona:dsl-kestrel",
        "A pupil mentioned a cousin staying over who 'does not go to school'.",
        "Is this a child missing education?",
        Urgency.GREEN,
        ANONYMOUS,
        26,
        withdraw=True,
    ),
)


def load_consultations(uow: UnitOfWork, partnership: DemoPartnership, *, now: datetime) -> int:
    """Ask, advise, log and convert the demo consultations as of ``now``; returns how many.

    Each is asked ``hours_ago`` working hours before the last working moment, answered (if it
    is) 50 minutes later, and its advice read two hours after that where the asker has.
    """
    calendar = get_settings().working_calendar()
    anchor = working_time_before(calendar, now, 0)
    advisor = _actor(uow, demo_id(partnership.seed, "persona:consultation-advisor"))
    written = 0
    for number, demo in enumerate(CONSULTATIONS):
        asker = _actor(uow, demo_id(partnership.seed, demo.persona))
        child = _child(partnership, demo, number) if demo.named else (None, "the child")
        if child is None:
            continue  # a demo of a few children: none the asker's organisation works with
        child_id, name = child
        written += 1
        request = services.Request(situation=demo.situation.format(name=name),
                                   question=demo.question, urgency=demo.urgency,
                                   child_id=child_id)  # fmt: skip
        asked = working_time_before(calendar, anchor, demo.hours_ago)
        answered = asked + timedelta(minutes=50)
        with clock.reading(asked):
            if demo.phone_caller:
                consultation = services.log_call(uow, advisor, services.Call(
                    request=request, organisation_id=asker.organisation_id,
                    caller=demo.phone_caller, caller_email=_user(uow, asker.id).email,
                    advice=demo.advice, outcome=demo.outcome,
                ))  # fmt: skip
            else:
                consultation = services.request_consultation(uow, asker, request)
        with clock.reading(asked + timedelta(minutes=10)):
            if (demo.taken or demo.outcome) and not demo.phone_caller:
                services.take(uow, advisor, consultation_id=consultation.id)
            if demo.withdraw:
                services.withdraw(uow, asker, consultation_id=consultation.id)
        with clock.reading(answered):
            if demo.outcome and not demo.phone_caller:
                services.advise(uow, advisor, consultation_id=consultation.id,
                                advice=demo.advice, outcome=demo.outcome)  # fmt: skip
        with clock.reading(answered + timedelta(hours=2)):
            if demo.read or demo.referral:
                queries.open_consultation(uow, asker, consultation_id=consultation.id)
            if demo.referral:
                services.make_referral(uow, asker, consultation_id=consultation.id)
    return written


def _child(partnership: DemoPartnership, demo: DemoConsultation,
           number: int) -> tuple[uuid.UUID, str] | None:  # fmt: skip
    """A child the persona's organisation works with (not restricted), and their first name.

    None if it works with none (a demo of a few children).
    """
    persona = next(p for p in partnership.personas if p.key == demo.persona)
    restricted = {r.child_key for r in partnership.casework.restrictions}
    keys = sorted({
        i.child_key for i in partnership.casework.involvements
        if i.organisation_key == persona.organisation_key and i.child_key not in restricted
    })  # fmt: skip
    if not keys:
        return None
    key = keys[(number * 11 + 3) % len(keys)]
    child = next(c for c in partnership.children if c.key == key)
    return demo_id(partnership.seed, key), child.given_names.split()[0]


def _actor(uow: UnitOfWork, user_id: uuid.UUID) -> Actor:
    with uow:
        return accounts.user_actor(uow.session.get_one(User, user_id))


def _user(uow: UnitOfWork, user_id: uuid.UUID | None) -> User:
    with uow:
        return uow.session.get_one(User, user_id)
