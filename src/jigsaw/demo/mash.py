"""Demo MASH work: a live queue in every state, partner checks, decisions and feedback.

Twenty concerns reach the MASH over the last five weeks and are worked there, each step
through the services as the person who would take it (the MASH practitioner and manager,
the GP, the school's DSL, the other sharers) and the jobs (chasing, escalating), so it is
sealed, audited and notified as real work is. Each step happens at its own moment: times
are working hours counted back from the last working moment before ``now``, so a demo
started on a weekday finds work due today and one started at the weekend finds Friday's
queue. The services take the time from ``core.clock``; ``clock.reading`` sets it for each
step and puts it back. Loaded once, after the concerns.
"""

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from jigsaw.access.actor import Actor
from jigsaw.config import Settings, get_settings
from jigsaw.core import clock
from jigsaw.core.uow import UnitOfWork
from jigsaw.core.working_time import LONDON, WorkingCalendar
from jigsaw.demo.concerns import (
    EARLY_HELP,
    LEVEL_2,
    LEVEL_3,
    LEVEL_4,
    NOT_ASKED,
    SHARE_NOW,
    DemoConcern,
    persona_actor,
    raise_concern,
)
from jigsaw.demo.generator import DemoPartnership
from jigsaw.demo.keys import Ids
from jigsaw.demo.records import DemoChild
from jigsaw.guidance.library import FlowLibrary
from jigsaw.jobs.registry import chase_partner_answers, escalate_overdue_feedback
from jigsaw.mash import feedback, partner_checks, services
from jigsaw.mash import queries as mash_queries
from jigsaw.mash.models import InformationRequest, MashContact
from jigsaw.mash.rules import Action, Outcome, Urgency
from jigsaw.sharing import queries as sharing_queries
from jigsaw.sharing.models import Concern
from jigsaw.taxonomy.lawful_basis import LawEnforcementBasis

DAY = 8.0  # working hours in a working day (09:00 to 17:00)
PRIYA, CLAIRE = "persona:mash-practitioner", "persona:mash-manager"
GP, SCHOOL = "org:gp-1", "org:school-1"
# Minutes a contact's story may start earlier than written: less than the slack its times
# leave (work due today stays due today; late work is late before the jobs run).
MAX_SHIFT = 30
POLICE_BASIS: dict[str, object] = {"part_3": LawEnforcementBasis.SAFEGUARDING}


# The steps of a contact's story; ``at`` is working hours before the story's now.
@dataclass(frozen=True, slots=True)
class Accept:
    """The MASH opens the concern and takes it on (whoever accepts is assigned it)."""

    at: float
    by: str = PRIYA


@dataclass(frozen=True, slots=True)
class Rate:
    """The MASH changes the urgency, saying why."""

    at: float
    urgency: Urgency
    reason: str


@dataclass(frozen=True, slots=True)
class Ask:
    """Partner checks: the MASH asks agencies working with the child what they hold."""

    at: float
    partners: tuple[str, ...]
    question: str


@dataclass(frozen=True, slots=True)
class Answer:
    """An agency opens the MASH's question and answers it."""

    at: float
    partner: str
    text: str


@dataclass(frozen=True, slots=True)
class Decide:
    """The MASH manager reads the contact and decides, with the rationale."""

    at: float
    outcome: Outcome
    rationale: str


@dataclass(frozen=True, slots=True)
class Reject:
    """The MASH manager turns the contact away, with the reason."""

    at: float
    reason: str


@dataclass(frozen=True, slots=True)
class SendFeedback:
    """The MASH practitioner adds a line to the drafted feedback and sends it."""

    at: float
    note: str


@dataclass(frozen=True, slots=True)
class Acknowledge:
    """The referrer reads the feedback and acknowledges it."""

    at: float


@dataclass(frozen=True, slots=True)
class Challenge:
    """The referrer disagrees with the decision: the manager is asked to review it."""

    at: float
    reason: str


@dataclass(frozen=True, slots=True)
class Close:
    """Done at the MASH: feedback has gone and been read."""

    at: float


@dataclass(frozen=True, slots=True)
class RunJob:
    """A periodic job runs, as the worker would run it then."""

    at: float
    run: Callable[[UnitOfWork, Settings], None]


Step = (Accept | Rate | Ask | Answer | Decide | Reject | SendFeedback | Acknowledge | Challenge
        | Close | RunJob)  # fmt: skip


@dataclass(frozen=True, slots=True)
class DemoContact:
    """A concern shared with the MASH, and what happened to it there.

    ``known_to``: agencies the child should be known to (the sharer, those asked), most
    wanted first; ``ages``: how old the child should be, in years.
    """

    key: str
    concern: DemoConcern
    received: float
    steps: tuple[Step, ...] = ()
    known_to: tuple[str, ...] = ()
    ages: tuple[int, int] = (5, 10)


def _concern(
    persona: str,
    narrative: str,
    categories: tuple[str, ...],
    risk: str | None,
    *,
    share: tuple[tuple[str, str], ...],
    level: tuple[tuple[str, str], ...],
    how_known: str = "seen",
    days_ago: int = 0,
    child_words: str = "",
    actions_taken: str = "",
    purpose: str = "",
    extra: dict[str, object] | None = None,
) -> DemoConcern:
    concern = DemoConcern(persona, narrative, how_known, categories, risk, days_ago, share,
                          level=level, child_words=child_words, actions_taken=actions_taken,
                          extra=extra or {})  # fmt: skip
    return replace(concern, purpose=purpose) if purpose else concern


# fmt: off
CONTACTS: tuple[DemoContact, ...] = (
    # Open, received and not yet picked up.
    DemoContact("left-alone", _concern(
        "persona:police-officer",
        "Officers attended {name}'s home at 21:30 after a neighbour heard a child crying. "
        "{name} had been alone since the afternoon, with little food in the house. Their "
        "mother came home at 01:10, intoxicated, and was arrested.",
        ("16A", "1B"), None, share=SHARE_NOW, level=LEVEL_4, days_ago=1, extra=POLICE_BASIS,
        actions_taken="{name} stayed the night with their maternal grandmother; the "
        "emergency duty team was told at 02:00."), received=6.0),
    DemoContact("young-carer", _concern(
        "persona:dsl-oakfield",
        "{name} told their class teacher that most mornings they make breakfast, get "
        "themselves to school and do the washing because mum is unwell and stays in bed. "
        "{name} has been late 14 times this term and falls asleep in lessons.",
        ("7A", "4B"), "Safeguarding concern", share=EARLY_HELP, level=LEVEL_3,
        how_known="told_by_child",
        child_words="I do breakfast and the washing because mum can't get up.",
        actions_taken="Breakfast club place arranged; mum did not answer two calls."),
        received=6.5, known_to=(SCHOOL,)),
    DemoContact("damp-flat", _concern(
        "persona:gp-riverside",
        "{name}'s father brought them in with a third chest infection this winter. He said "
        "there is black mould in both bedrooms, the landlord has not replied, and the family "
        "have used the food bank since his hours were cut.",
        ("6A",), "Safeguarding: monitor", share=EARLY_HELP, level=LEVEL_2,
        how_known="told_by_someone_else",
        purpose="So the family can be offered early help with housing and money, as dad asked"),
        received=1.5, known_to=(GP,), ages=(2, 8)),
    # Open, being screened.
    DemoContact("burn", _concern(
        "persona:ed-nurse",
        "{name} was brought to ED by their mother with a burn to the back of the right hand. "
        "Mother said {name} touched the oven door; the burn is small, round and well defined, "
        "and the account changed when the registrar asked again.",
        ("18C",), "Level 4 safeguarding", share=SHARE_NOW, level=LEVEL_4,
        actions_taken="Seen by the paediatric registrar; {name} kept in for observation "
        "pending a safeguarding review."),
        received=2.5, steps=(Accept(2.2),), known_to=(GP,), ages=(1, 4)),
    DemoContact("new-partner", _concern(
        "persona:gp-riverside",
        "{name}'s mother asked for help with their sleep and tantrums. She said her new "
        "partner 'shouts a lot' and that she is exhausted. {name} was quiet and clingy "
        "throughout the appointment.",
        ("17A",), "Safeguarding: monitor", share=EARLY_HELP, level=LEVEL_2,
        how_known="told_by_someone_else"),
        received=3.5, known_to=(GP,), ages=(2, 6), steps=(
            Accept(3.0),
            Rate(2.5, Urgency.AMBER, "Police checks show mother's new partner has a history of "
                 "domestic abuse in a previous relationship: checks are needed today."),
        )),
    DemoContact("missing-mondays", _concern(
        "persona:dsl-kestrel",
        "{name} (Year 9) has missed 11 days this half term, mostly Mondays. {name} says they "
        "stay at home to look after dad, who has been drinking more since he lost his job.",
        ("1B", "7A"), "Low-level concern", share=EARLY_HELP, level=LEVEL_2,
        how_known="told_by_child"),
        received=9.0, steps=(Accept(8.0, by=CLAIRE),), known_to=("org:school-3",),
        ages=(13, 14)),
    DemoContact("police-checks-back", _concern(
        "persona:police-officer",
        "Officers attended a verbal argument between {name}'s parents at 22:00. No injuries; "
        "{name} was asleep upstairs. This is the second call to the address this year.",
        ("3B",), "DASH standard", share=EARLY_HELP, level=(), days_ago=1,
        extra=POLICE_BASIS),
        received=18.0, known_to=(SCHOOL, GP), steps=(
            Accept(17.0),
            Ask(16.0, (SCHOOL, GP), "Police were called to an argument between {name}'s "
                "parents. How does {name} present, and do you hold any worries about domestic "
                "abuse or the parents' wellbeing?"),
            Answer(12.0, SCHOOL, "{name} is settled and doing well; attendance 97%. Mum told "
                   "our DSL in September that she and dad were going through a bad patch. No "
                   "disclosures from {name} and no injuries seen."),
            Answer(9.0, GP, "Both parents are registered here. Mum was seen in August with low "
                   "mood and was referred to talking therapies; no domestic abuse has been "
                   "disclosed to us. {name} is up to date with immunisations."),
        )),
    # Open, waiting for partners.
    DemoContact("found-on-ring-road", _concern(
        "persona:police-officer",
        "Officers found {name} walking alone on the ring road at 23:15, about two miles from "
        "home. {name} said they ran away because of arguments at home. Mum had not reported "
        "{name} missing.",
        ("10A", "17A"), None, share=SHARE_NOW, level=LEVEL_4, days_ago=1, extra=POLICE_BASIS,
        actions_taken="Took {name} home and spoke to mum; a return interview has been asked "
        "for."),
        received=2.0, known_to=(SCHOOL,), ages=(8, 10), steps=(
            Accept(1.8),
            Ask(1.5, (SCHOOL,), "Is {name} in school today, and how do they seem? Please tell "
                "us about attendance, anything {name} has said about home, and any other "
                "children in the family at your school."),
        )),
    DemoContact("fourth-attendance", _concern(
        "persona:ed-nurse",
        "{name} attended ED with a cut to the forehead after a fall in the garden: the fourth "
        "attendance this year. The family missed the last two fracture clinic appointments.",
        ("16A",), "Level 3 complex needs", share=NOT_ASKED, level=LEVEL_3),
        received=11.0, known_to=(GP, SCHOOL), steps=(
            Accept(10.5),
            Ask(10.0, (GP, SCHOOL), "{name} has attended ED four times this year and missed "
                "follow-up appointments. What have you seen of {name}'s health, injuries and "
                "attendance, and have you any worries about care at home?"),
            Answer(7.0, SCHOOL, "Attendance 91%. {name} came in with a plaster on their "
                   "forehead on Tuesday; mum said they fell off the trampoline. Often tired and "
                   "hungry in the morning, so {name} comes to breakfast club. No disclosures; "
                   "mum is friendly at the gate."),
        )),
    DemoContact("low-after-birth", _concern(
        "persona:health-visitor",
        "At the one-year review {name}'s mother said she has felt very low since the birth and "
        "some days does not get dressed. The flat was cold and {name} had an untreated nappy "
        "rash. Mother agreed to see her GP.",
        ("4B", "16A"), "Universal Plus", share=EARLY_HELP, level=LEVEL_2,
        purpose="So mother and baby get the support they need, as mother agreed"),
        received=14.0, known_to=("org:health-visiting", GP), ages=(0, 1), steps=(
            Accept(13.0),
            Ask(12.0, (GP,), "Has {name}'s mother been seen about her mood since the birth? "
                "Are {name}'s immunisations up to date, and does the practice have any "
                "concerns about the family?"),
        )),
    # Decided: every outcome, with feedback in each of its states.
    DemoContact("door-frame", _concern(
        "persona:gp-riverside",
        "I noticed a bruise on {name}'s left cheekbone at a routine appointment. Mum said "
        "{name} walked into a door frame; {name} seemed reluctant to talk about it, so I am "
        "sharing it for checks with school.",
        ("18C",), "Safeguarding: child in need", share=NOT_ASKED, level=LEVEL_3),
        received=7.5 * DAY, known_to=(GP, SCHOOL), steps=(
            Accept(7.4 * DAY),
            Ask(7.3 * DAY, (SCHOOL,), "A GP saw a bruise on {name}'s cheek; mum said {name} "
                "walked into a door frame. Do you know how it happened, and have you any other "
                "concerns?"),
            Answer(7.0 * DAY, SCHOOL, "It happened at our after-school club on Tuesday: "
                   "{name} ran into the hall door frame. It is in our accident book and mum was "
                   "told at collection. Attendance 96%; no safeguarding concerns on file."),
            Decide(6.8 * DAY, Outcome.NO_FURTHER_ACTION, "The school's accident record confirms "
                   "the bruise happened at after-school club as mother said. No previous "
                   "concerns and no other risk factors: no further action."),
            SendFeedback(6.6 * DAY, "Thank you for sharing: the school confirmed the injury "
                         "happened at their after-school club and was recorded at the time."),
            Acknowledge(6.0 * DAY),
            Close(5.9 * DAY),
        )),
    DemoContact("handovers", _concern(
        "persona:dsl-oakfield",
        "{name}'s parents separated in the summer. {name} has become tearful and withdrawn, "
        "and says mum and dad shout at each other at handovers. Last week dad came to the gate "
        "on mum's day and there was a row in front of other parents.",
        ("17A",), "Safeguarding concern", share=NOT_ASKED, level=LEVEL_3, how_known="told_by_child",
        child_words="I hate Fridays because they always shout when dad comes."),
        received=20.0, known_to=(SCHOOL,), steps=(
            Accept(19.0),
            Decide(12.0, Outcome.ADVICE_AND_SIGNPOSTING, "Conflict between separated parents, "
                   "with no violence reported and no previous referrals. Advice to school on "
                   "supporting {name}; both parents signposted to the reducing parental "
                   "conflict programme and family mediation."),
            SendFeedback(10.0, "Both parents have been sent details of the reducing parental "
                         "conflict programme and local mediation. School could offer {name} "
                         "regular time with the learning mentor."),
            Challenge(3.0, "We have logged worries about {name} since September and things "
                      "are getting worse: {name} now refuses to go home with dad on "
                      "Fridays. We think the family needs at least an early help assessment. "
                      "Please review the decision."),
        )),
    DemoContact("cuts-in-pe", _concern(
        "persona:dsl-kestrel",
        "Our pastoral lead saw healed and recent cuts on {name}'s forearm in PE. {name} "
        "(Year 8) says home is 'fine' but that they cannot talk to mum. {name} is on the CAMHS "
        "waiting list.",
        ("15A", "4A"), "Safeguarding concern", share=NOT_ASKED, level=LEVEL_3),
        received=22.0, known_to=("org:school-3",), ages=(12, 13), steps=(
            Accept(21.0),
            Decide(13.0, Outcome.EARLY_HELP, "Self-harm with no current suicidal intent; "
                   "parents are caring but struggling to talk with {name}. An early help "
                   "assessment through the family hub, with school as lead professional, "
                   "alongside the CAMHS referral."),
        )),
    DemoContact("no-coat", _concern(
        "persona:dsl-oakfield",
        "{name} has come to school without a coat all through the cold snap and says there is "
        "no money for the electric meter. Mum told us she has not left the house for weeks "
        "because of her anxiety; {name} is doing the family shopping.",
        ("16A", "4B", "7A"), "Safeguarding concern", share=NOT_ASKED, level=LEVEL_3),
        received=14.0 * DAY, known_to=(SCHOOL, GP), ages=(8, 10), steps=(
            Accept(13.9 * DAY),
            Ask(13.8 * DAY, (GP,), "What does the practice know of {name}'s mother's mental "
                "health and her contact with services? Any worries about {name}'s health or "
                "missed appointments?"),
            Answer(13.5 * DAY, GP, "Mum has long-standing agoraphobia and depression and has "
                   "had telephone appointments only this year; her medication review is "
                   "overdue. {name} missed the last two asthma reviews."),
            Decide(13.2 * DAY, Outcome.CHILD_IN_NEED_ASSESSMENT, "A child taking on caring "
                   "tasks, with unmet health needs, and a mother whose mental health limits "
                   "what she can do. A child in need assessment will work out the support "
                   "needed; mum has agreed to a social worker visiting."),
            SendFeedback(13.0 * DAY, "A social worker from the assessment team will visit "
                         "this week and will contact school as part of the assessment."),
            Acknowledge(12.5 * DAY),
            Close(12.4 * DAY),
        )),
    DemoContact("belt", _concern(
        "persona:teacher-oakfield",
        "In a PSHE lesson {name} said dad hit them with a belt on Saturday because they broke "
        "the TV remote. I saw two red marks on the back of {name}'s legs when they changed "
        "for PE.",
        ("18C",), "Child protection concern", share=SHARE_NOW, level=LEVEL_4,
        how_known="told_by_child",
        child_words="Dad hit me with his belt because I broke the remote. It really hurt.",
        actions_taken="Told the DSL at once; did not ask leading questions."),
        received=9.0 * DAY, known_to=(SCHOOL, GP), steps=(
            Accept(8.95 * DAY),
            Ask(8.9 * DAY, (GP,), "{name} has disclosed being hit with a belt by dad. Please "
                "share any injuries, attendances or concerns recorded for {name} or the "
                "parents, today if you can."),
            Answer(8.7 * DAY, GP, "{name} was seen in June with a bruised wrist, said to be "
                   "from a fall. Dad is registered here with alcohol misuse and declined a "
                   "referral to alcohol services in May. No child protection history."),
            Decide(8.6 * DAY, Outcome.STRATEGY_DISCUSSION, "A disclosure of being hit with a "
                   "belt, with marks seen, from a child whose father misuses alcohol. "
                   "Threshold met for a strategy discussion today with police and health."),
            SendFeedback(8.5 * DAY, "A social worker and a police officer will see {name} at "
                         "school today: please keep {name} in school until they arrive."),
        )),
    DemoContact("coach", _concern(
        "persona:dsl-kestrel",
        "{name} (Year 10) showed a friend messages from a youth football coach at the leisure "
        "centre. He messages {name} privately late at night, has bought them new boots and told "
        "them to 'keep it between us'.",
        ("11A",), "Child protection concern", share=SHARE_NOW, level=LEVEL_4,
        how_known="told_by_someone_else"),
        received=19.0 * DAY, known_to=("org:school-3",), ages=(14, 15), steps=(
            Accept(18.95 * DAY),
            Decide(18.8 * DAY, Outcome.LADO, "An allegation that an adult who works with "
                   "children has behaved in a way that suggests he may pose a risk of harm. "
                   "Referred to the LADO for an allegations management meeting with police and "
                   "the club; {name}'s parents know and are protective."),
            SendFeedback(18.6 * DAY, "The LADO will contact the school about the allegations "
                         "management meeting."),
            Acknowledge(18.0 * DAY),
            Close(17.9 * DAY),
        )),
    DemoContact("robbed", _concern(
        "persona:gp-riverside",
        "{name} came with mum after two older boys threatened them with a knife and took "
        "their phone and bike on the way home from school. Mum has not told the police "
        "because she fears reprisals. {name} is not sleeping and will not go out.",
        ("4A", "20"), "Safeguarding: child in need", share=NOT_ASKED, level=LEVEL_3,
        how_known="told_by_child"),
        received=5.0 * DAY, known_to=(GP,), ages=(13, 15), steps=(
            Accept(4.95 * DAY),
            Decide(4.75 * DAY, Outcome.POLICE, "{name} is the victim of a robbery at knifepoint, "
                   "with protective parents and no concerns about care at home. Passed to the "
                   "police, with mum's agreement, to investigate and to assess any risk of "
                   "exploitation."),
            SendFeedback(4.5 * DAY, "The police will contact mum to take a statement and can "
                         "refer {name} to victim support."),
        )),
    DemoContact("moved-away", _concern(
        "persona:health-visitor",
        "At the two-year review {name}'s mother told me the family moved to her sister's in "
        "Northshire three weeks ago after her partner was violent; she came back only for this "
        "appointment.",
        ("3B",), "Universal Partnership Plus", share=SHARE_NOW, level=LEVEL_3,
        how_known="told_by_someone_else"),
        received=24.0 * DAY, known_to=("org:health-visiting",), ages=(2, 2), steps=(
            Accept(23.95 * DAY),
            Decide(23.8 * DAY, Outcome.TRANSFER, "The family now live in Northshire with "
                   "mother's sister. Transferred to Northshire's children's services front "
                   "door by phone and secure email, with the police's domestic abuse "
                   "information."),
            SendFeedback(23.7 * DAY, "Northshire's health visiting team has been told, so "
                         "{name}'s records can follow the family."),
            Acknowledge(23.0 * DAY),
            Close(22.9 * DAY),
        )),
    DemoContact("smashing-things", _concern(
        "persona:police-officer",
        "The third domestic abuse incident at {name}'s home in three months. {name} rang 999 "
        "at 19:20 saying mum's partner was 'smashing things'. No injuries; the partner was "
        "removed from the address.",
        ("3B",), "DASH medium", share=SHARE_NOW, level=LEVEL_3, days_ago=1,
        extra=POLICE_BASIS),
        received=7.0, ages=(10, 12), steps=(
            Accept(6.5),
            Decide(1.0, Outcome.CHILD_IN_NEED_ASSESSMENT, "Repeated domestic abuse, with "
                   "{name} calling the police. A child in need assessment will look at the "
                   "effect on {name} and the support mum needs; mum has agreed."),
        )),
    DemoContact("collection", _concern(
        "persona:teacher-oakfield",
        "{name}'s parents are separated and disagree about who collects them on "
        "Wednesdays. Dad has asked us not to let mum take {name} home; there is no court "
        "order. Both parents are polite at the gate and {name} is happy in school.",
        ("20",), "Welfare note", share=EARLY_HELP, level=()),
        received=30.0, known_to=(SCHOOL,), steps=(
            Reject(28.0, "Not a safeguarding matter: separated parents disagree about "
                   "collection, with no court order and no worry about either parent's care. "
                   "School should follow its collection policy and may suggest mediation."),
        )),
)
# fmt: on
# The worker's jobs: overdue feedback escalated, late partner answers chased.
JOBS = (RunJob(4.5, escalate_overdue_feedback), RunJob(1.25, chase_partner_answers))


def load_mash(
    uow: UnitOfWork, partnership: DemoPartnership, flows: FlowLibrary, *, now: datetime
) -> int:
    """Raise and work the demo's MASH contacts as of ``now``; returns how many."""
    calendar = get_settings().working_calendar()
    anchor = working_time_before(calendar, now, 0)
    with uow:
        taken = {child_id for child_id in uow.session.scalars(select(Concern.child_id))
                 if child_id is not None}  # fmt: skip
    children = pick_children(partnership, CONTACTS, taken=taken,
                             today=anchor.astimezone(LONDON).date())  # fmt: skip
    contacts = tuple(contact for contact in CONTACTS if contact.key in children)
    story = _Story(uow, partnership, flows, children)
    for moment, contact, step in timeline(calendar, anchor, contacts, seed=partnership.seed):
        with clock.reading(moment):
            story.take(contact, step)
    return len(contacts)


def timeline(
    calendar: WorkingCalendar, anchor: datetime, contacts: tuple[DemoContact, ...], *, seed: int
) -> list[tuple[datetime, DemoContact | None, Step | None]]:
    """Every step of every contact, and the jobs, in the order they happened.

    A contact's step ``None`` is the concern reaching the MASH. Each contact's story starts
    up to half an hour earlier than written (the same for the same seed), so that the queue
    does not look as if work only ever arrived on the hour.
    """
    steps: list[tuple[float, int, DemoContact | None, Step | None]] = []
    for order, contact in enumerate(contacts):
        shift = random.Random(f"{seed}:{contact.key}:time").randrange(MAX_SHIFT) / 60
        steps.append((contact.received + shift, order, contact, None))
        steps += [(step.at + shift, order, contact, step) for step in contact.steps]
    steps += [(job.at, len(contacts), None, job) for job in JOBS]
    steps.sort(key=lambda item: (-item[0], item[1]))
    return [(working_time_before(calendar, anchor, hours), contact, step)
            for hours, _order, contact, step in steps]  # fmt: skip


def working_time_before(calendar: WorkingCalendar, moment: datetime, hours: float) -> datetime:
    """The moment ``hours`` of working time before ``moment``, back through office hours.

    With 0 hours, the last working moment at or before ``moment`` (Friday 17:00 on Saturday).
    """
    local, remaining = moment.astimezone(LONDON), timedelta(hours=hours)
    while True:
        day = local.date()
        opens = datetime.combine(day, calendar.hours.opens, LONDON)
        if calendar.is_working_day(day) and local > opens:
            local = min(local, datetime.combine(day, calendar.hours.closes, LONDON))
            if remaining <= local - opens:
                return (local - remaining).astimezone(UTC)
            remaining -= local - opens
        local = datetime.combine(day - timedelta(days=1), calendar.hours.closes, LONDON)


def pick_children(
    partnership: DemoPartnership,
    contacts: tuple[DemoContact, ...],
    *,
    taken: set[uuid.UUID],
    today: date,
) -> dict[str, DemoChild]:
    """A child for each contact, known to the agencies its story needs, each child once.

    The same partnership always gives the same children. In a small partnership the wishes
    are relaxed (the ages, then all but the first agency, then every agency), and then
    children already in a concern are taken too, rather than failing; a partnership whose
    every child is restricted gets no contacts.
    """
    ids = Ids(partnership.seed)
    known: dict[str, set[str]] = {}
    for involvement in partnership.casework.involvements:
        known.setdefault(involvement.child_key, set()).add(involvement.organisation_key)
    restricted = {r.child_key for r in partnership.casework.restrictions}
    everyone = {c.key: c for c in partnership.children if c.key not in restricted}
    free = {key: child for key, child in everyone.items() if ids(key) not in taken}
    chosen: dict[str, DemoChild] = {}
    for contact in contacts:
        keys = _candidates(contact, free, known, today) or _candidates(
            contact, everyone, known, today)  # fmt: skip
        if keys:
            key = random.Random(f"{partnership.seed}:{contact.key}").choice(keys)
            chosen[contact.key] = everyone[key]
            free.pop(key, None)
    return chosen


def _candidates(
    contact: DemoContact, pool: dict[str, DemoChild], known: dict[str, set[str]], today: date
) -> list[str]:
    """The children in ``pool`` who fit the contact, the wishes relaxed until some do."""
    youngest, oldest = contact.ages
    wanted, first = set(contact.known_to), set(contact.known_to[:1])
    for agencies, by_age in ((wanted, True), (wanted, False), (first, True), (first, False),
                             (set(), False)):  # fmt: skip
        keys = sorted(
            key for key, child in pool.items()
            if agencies <= known.get(key, set())
            and (not by_age or youngest <= _age(child.date_of_birth, today) <= oldest)
        )  # fmt: skip
        if keys:
            return keys
    return []


def _age(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


@dataclass
class _Case:
    concern_id: uuid.UUID
    contact_id: uuid.UUID
    name: str


@dataclass
class _Story:
    """Takes each step through the services, as the person who would take it."""

    uow: UnitOfWork
    partnership: DemoPartnership
    flows: FlowLibrary
    children: dict[str, DemoChild]
    cases: dict[str, _Case] = field(default_factory=dict)
    actors: dict[str, Actor] = field(default_factory=dict)

    def actor(self, key: str) -> Actor:
        """The persona's actor, or the organisation's receiver (for ``org:`` keys)."""
        persona = {GP: "persona:gp-riverside", SCHOOL: "persona:dsl-oakfield"}.get(key, key)
        if persona not in self.actors:
            user_id = Ids(self.partnership.seed)(persona)
            self.actors[persona] = persona_actor(self.uow, user_id)
        return self.actors[persona]

    def take(self, contact: DemoContact | None, step: Step | None) -> None:
        """Take one step (``None``: the contact's concern is shared with the MASH)."""
        if isinstance(step, RunJob):
            step.run(self.uow, get_settings())
            return
        assert contact is not None  # noqa: S101 - only jobs belong to no contact
        if step is None:
            self.share(contact)
            return
        case = self.cases[contact.key]
        self.work(contact, case, step)

    def share(self, contact: DemoContact) -> None:
        """The sharer writes and sends the concern; it opens a contact at the MASH."""
        child = self.children[contact.key]
        child_id = Ids(self.partnership.seed)(child.key)
        concern_id = raise_concern(self.uow, self.partnership, self.flows, contact.concern,
                                   child_id=child_id, today=clock.today())  # fmt: skip
        with self.uow:
            contact_id = self.uow.session.scalars(
                select(MashContact.id).where(MashContact.concern_id == concern_id)
            ).one()
        self.cases[contact.key] = _Case(concern_id, contact_id, child.given_names.split()[0])

    def work(self, contact: DemoContact, case: _Case, step: Step) -> None:
        """One step at the MASH, or by a partner or the referrer."""
        uow, contact_id, words = self.uow, case.contact_id, {"name": case.name}
        match step:
            case Accept(by=by):
                sharing_queries.open_concern(uow, self.actor(by), concern_id=case.concern_id)
                services.act(uow, self.actor(by), contact_id=contact_id, action=Action.ACCEPT)
            case Reject(reason=reason):
                sharing_queries.open_concern(uow, self.actor(CLAIRE), concern_id=case.concern_id)
                services.act(uow, self.actor(CLAIRE), contact_id=contact_id, action=Action.REJECT,
                             reason=reason.format(**words))  # fmt: skip
            case Rate(urgency=urgency, reason=reason):
                services.rate(uow, self.actor(PRIYA), contact_id=contact_id, urgency=urgency,
                              reason=reason.format(**words))  # fmt: skip
            case Ask():
                self.ask(case, step)
            case Answer():
                self.answer(case, step)
            case Decide(outcome=outcome, rationale=rationale):
                mash_queries.open_contact(uow, self.actor(CLAIRE), contact_id=contact_id,
                                          now=clock.now())  # fmt: skip
                services.act(uow, self.actor(CLAIRE), contact_id=contact_id, action=Action.DECIDE,
                             outcome=outcome, reason=rationale.format(**words))  # fmt: skip
            case SendFeedback(note=note):
                self.send_feedback(case, note.format(**words))
            case Acknowledge() | Challenge():
                self.reply(contact, case, step)
            case Close():
                services.act(uow, self.actor(PRIYA), contact_id=contact_id, action=Action.CLOSE)

    def send_feedback(self, case: _Case, note: str) -> None:
        """The practitioner adds a line about this child to the drafted feedback, and sends it."""
        draft = feedback.for_mash(self.uow, self.actor(PRIYA), contact_id=case.contact_id)
        assert draft is not None  # noqa: S101 - a decision always drafts feedback
        decision, _, rest = draft.text.partition("\n\n")
        feedback.send(self.uow, self.actor(PRIYA), contact_id=case.contact_id,
                      text=f"{decision}\n\n{note}\n\n{rest}")  # fmt: skip

    def reply(self, contact: DemoContact, case: _Case, step: Acknowledge | Challenge) -> None:
        """The referrer reads the feedback on their concern, then acknowledges or challenges."""
        referrer = self.actor(contact.concern.persona)
        sharing_queries.open_concern(self.uow, referrer, concern_id=case.concern_id)
        if isinstance(step, Challenge):
            feedback.challenge(self.uow, referrer, concern_id=case.concern_id,
                               reason=step.reason.format(name=case.name))  # fmt: skip
        else:
            feedback.acknowledge(self.uow, referrer, concern_id=case.concern_id)

    def ask(self, case: _Case, step: Ask) -> None:
        """Partner checks, to those of the agencies asked who work with the child."""
        practitioner = self.actor(PRIYA)
        options = partner_checks.partner_options(self.uow, practitioner,
                                                 contact_id=case.contact_id)  # fmt: skip
        ids = Ids(self.partnership.seed)
        asked = [ids(key) for key in step.partners if ids(key) in options]
        if asked:
            partner_checks.ask(self.uow, practitioner, contact_id=case.contact_id,
                               organisation_ids=asked,
                               question=step.question.format(name=case.name))  # fmt: skip

    def answer(self, case: _Case, step: Answer) -> None:
        """The agency's receiver opens the question and answers it (if it was asked)."""
        organisation_id = Ids(self.partnership.seed)(step.partner)
        with self.uow:
            request_id = self.uow.session.scalars(select(InformationRequest.id).where(
                InformationRequest.contact_id == case.contact_id,
                InformationRequest.organisation_id == organisation_id,
            )).first()  # fmt: skip
        if request_id is None:
            return
        receiver = self.actor(step.partner)
        partner_checks.open_request(self.uow, receiver, request_id=request_id)
        partner_checks.answer(self.uow, receiver, request_id=request_id,
                              text=step.text.format(name=case.name))  # fmt: skip
