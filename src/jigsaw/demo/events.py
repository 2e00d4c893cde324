"""Demo histories: what each agency's system knows about a few children, over three years.

Three children have long histories from every agency that works with them (hundreds of
events) and about ten more have short ones. Each agency's system posts its own events
through ``events.posting.post_events`` as its service account, in its own codes and words:
the police and the hospital within hours, the schools, GP practices, health visitors and the
council in a weekly batch. Children are found by NHS number or UPN; a few events are sent with
names and a date of birth only and wait for a person at the agency. The alert rules are asked
about each batch they could fire on as the worker would have been, at the time
(``core.clock.reading``), so an old domestic abuse incident told the school then, not today;
the designated safeguarding lead acknowledged those. Then the cases where each rule fires
now: a school and a GP whose small worries add up, a child on a plan at the emergency
department yesterday, a domestic abuse incident last Friday night, and the MASH's missed
timescales. The words are synthetic and name nobody. Loaded once, after the consultations.
"""

import random
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from jigsaw import audit
from jigsaw.access.actor import Actor
from jigsaw.access.permissions import Permission
from jigsaw.access.vocabulary import Role
from jigsaw.accounts import ServiceAccount
from jigsaw.alerts import services as alerts
from jigsaw.alerts.models import Alert, AlertState
from jigsaw.alerts.reading import rules_from
from jigsaw.alerts.rules import RuleKind, enabled_rules
from jigsaw.config import get_settings
from jigsaw.core import clock
from jigsaw.core.uow import UnitOfWork
from jigsaw.core.working_time import LONDON
from jigsaw.demo.concerns import persona_actor
from jigsaw.demo.generator import DemoPartnership
from jigsaw.demo.keys import Ids
from jigsaw.demo.mash import working_time_before
from jigsaw.demo.records import DemoChild
from jigsaw.events import posting, services
from jigsaw.events.rules import Identity, PostedEvent
from jigsaw.sharing import services as sharing
from jigsaw.sharing.models import Concern, Subject
from jigsaw.sharing.rules import Draft, SharingDecision
from jigsaw.taxonomy.lawful_basis import (
    Article6Basis,
    Article9Condition,
    ConsentPosition,
    Schedule1Condition,
)

YEARS = 3
SMALL_CHILDREN = 9  # besides the child on a plan
SOON = frozenset({"org:police", "org:hospital"})  # post within hours; the rest weekly
ON_A_PLAN = ("child_protection_plan", "looked_after")
SCHOOLS_WITH_LEADS = ("org:school-1", "org:school-3")
SOCIAL_WORKER = "persona:social-worker"
# Incidents older than this were acknowledged by the school's lead the morning after.
STILL_OPEN = timedelta(days=14)


@dataclass(frozen=True, slots=True)
class Happening:
    """One thing in a demo child's life, as one agency's system holds it."""

    child_key: str
    organisation: str  # the agency's key
    category: str
    code: str
    text: str
    at: datetime
    by_name_only: bool = False  # sent without an NHS number or UPN: a person matches it
    mark: bool = False  # a social worker marks it significant


@dataclass(frozen=True, slots=True)
class Post:
    """One batch an agency's system sends, at the moment it sends it."""

    organisation: str
    at: datetime
    happenings: tuple[Happening, ...]
    events: tuple[PostedEvent, ...]


@dataclass(frozen=True, slots=True)
class Cast:
    """The children the histories are about."""

    rich: tuple[tuple[str, DemoChild], ...]  # (profile, child)
    on_a_plan: DemoChild | None
    small: tuple[DemoChild, ...]


@dataclass(frozen=True, slots=True)
class Stream:
    """Events of one kind from one agency, drawn week by week.

    ``agency`` is an organisation's key, or "school" and "gp" for the child's own.
    ``rate`` is the chance of one in a week, while the story is between ``first`` and
    ``last`` of the way through; ``mark`` the chance a social worker marks one significant.
    """

    agency: str
    category: str
    words: str  # a key of WORDS
    rate: float
    when: str  # a key of _TIMES
    first: float = 0.0
    last: float = 1.0
    mark: float = 0.0


@dataclass(frozen=True, slots=True)
class Script:
    """An event at a set point of a story (``share`` of the way through)."""

    share: float
    agency: str
    category: str
    code: str
    text: str
    when: str = "day"
    mark: bool = False


@dataclass(frozen=True, slots=True)
class Profile:
    """A long history's shape: the ages it fits and its streams."""

    ages: tuple[int, int]
    streams: tuple[Stream, ...]


def load_events(uow: UnitOfWork, partnership: DemoPartnership, *, now: datetime) -> int:
    """Post the demo histories and let the alert rules see them; returns how many were posted.

    Events already queued (the demo's concerns and MASH work) are evaluated first, as of
    ``now``; then each agency's batches in time order, evaluated at their moment; then
    the concerns that add up, the social worker's marks, the leads' acknowledgements of old
    incidents, and a last evaluation and the missed timescales as of ``now``.
    """
    settings = get_settings()
    rules = rules_from(settings.alert_rules_path)
    calendars = alerts.Calendars(settings.working_calendar(), settings.school_calendar())
    alerts.evaluate_waiting(uow, rules, calendars, now=now)
    cast = choose_cast(partnership, today=now.astimezone(LONDON).date())
    posts = history(partnership, cast, now=now)
    _service_accounts(uow, partnership, at=posts[0].at if posts else now)
    steps: list[tuple[datetime, Post | _Share]] = [(post.at, post) for post in posts]
    steps += [(share.at, share) for share in _adding_up(uow, partnership, cast, now=now)]
    posted: dict[tuple[str, str], uuid.UUID] = {}
    for moment, step in sorted(steps, key=lambda item: item[0]):
        with clock.reading(moment):
            if isinstance(step, Post):
                posted |= _post(uow, partnership, step)
            else:
                _share(uow, partnership, step)
        if not isinstance(step, Post) or _may_fire(step, cast):
            alerts.evaluate_waiting(uow, rules, calendars, now=moment)
    _mark(uow, partnership, cast, posts, posted, now=now)
    incidents = {rule.key for rule in enabled_rules(rules, RuleKind.DOMESTIC_ABUSE_SCHOOL)}
    _acknowledge_old(uow, partnership, incidents, now=now)
    alerts.evaluate_waiting(uow, rules, calendars, now=now)
    alerts.raise_missed_timescales(uow, rules, calendars, now=now)
    return len(posted)


def _may_fire(post: Post, cast: Cast) -> bool:
    """Whether a rule could fire on the batch: an incident, or the child on a plan.

    The rest wait in the queue for the next evaluation, as behind a busy worker: with no
    plan, no incident and no concern among them, the rules say the same whenever they look.
    """
    plan = cast.on_a_plan.key if cast.on_a_plan else None
    return any(h.category == "domestic_abuse_incident" or h.child_key == plan
               for h in post.happenings)  # fmt: skip


def service_actor(partnership: DemoPartnership, organisation: str) -> Actor:
    """The agency's system, as its API token would make it: it may post events."""
    ids = Ids(partnership.seed)
    kind = next(o.kind for o in partnership.organisations if o.key == organisation)
    return Actor.service_account(
        ids(f"service:{organisation}"), organisation_id=ids(organisation), agency_kind=kind,
        permissions=frozenset({Permission.EVENT_POST}),
    )  # fmt: skip


def choose_cast(partnership: DemoPartnership, *, today: date) -> Cast:
    """The children with histories: the same partnership always gives the same children.

    Long histories go to children the council works with and whose social worker is the
    demo's, at a school whose lead is a persona, of the age the story needs, on no plan
    (an event about a child on a plan tells their social worker, which is the plan child's
    story). Records with a second, duplicate record and restricted children are left out.
    """
    work = partnership.casework
    restricted = {r.child_key for r in work.restrictions}
    doubled = {d.original_key for d in partnership.duplicates}
    # A child's plan: a protection plan before being looked after, when they have both.
    flags = {f.child_key: f.kind for f in sorted(work.flags, key=lambda f: f.kind, reverse=True)
             if f.kind in ON_A_PLAN}  # fmt: skip
    council = {i.child_key for i in work.involvements if i.organisation_key == "org:la"}
    ours = {i.child_key for i in work.involvements if i.persona_key == SOCIAL_WORKER}
    usable = [c for c in partnership.children if c.key not in restricted | doubled]

    def rank(child: DemoChild) -> tuple[bool, bool, bool, str]:
        return (child.key not in ours, child.key not in council,
                child.school_key not in SCHOOLS_WITH_LEADS, child.key)  # fmt: skip

    # The demo's social worker's child first, a protection plan before being looked after.
    planned = sorted((c for c in usable if c.key in flags),
                     key=lambda c: (c.key not in ours, flags[c.key], c.key))  # fmt: skip
    on_a_plan = planned[0] if planned else None
    free = sorted((c for c in usable if c.key not in flags), key=rank)
    rich: list[tuple[str, DemoChild]] = []
    for name, profile in PROFILES.items():
        pupils = [c for c in free if c.school_key and c not in {r for _, r in rich}]
        fitting = [c for c in pupils if profile.ages[0] <= _age_on(c, today) <= profile.ages[1]]
        if fitting or pupils:
            rich.append((name, (fitting or pupils)[0]))
    others = [c for c in free if c not in {r for _, r in rich}]
    small = random.Random(f"{partnership.seed}:events:small").sample(
        others, min(SMALL_CHILDREN, len(others)))  # fmt: skip
    return Cast(tuple(rich), on_a_plan, tuple(sorted(small, key=lambda c: c.key)))


def history(partnership: DemoPartnership, cast: Cast, *, now: datetime) -> list[Post]:
    """Every batch each agency's system sends, oldest first (pure: the same input, the same)."""
    happenings = _happenings(partnership, cast, now=now)
    return _batches(partnership, happenings, now=now)


def _happenings(partnership: DemoPartnership, cast: Cast, *, now: datetime) -> list[Happening]:
    seed, found = partnership.seed, []
    start = now - timedelta(days=365 * YEARS)
    involved = _involved(partnership)
    for name, child in cast.rich:
        story = _Story(random.Random(f"{seed}:events:{child.key}"), child, involved[child.key])
        found += story.tell(PROFILES[name].streams, SCRIPTS[name], start=start, end=now)
    if cast.rich:
        found.append(_last_friday(cast.rich[0][1], now))
    if cast.on_a_plan is not None:
        found += _plan_story(partnership, cast.on_a_plan, involved, now=now)
    # Two of them are newly registered at the GP practice whose lead settles its matches.
    unsure = sorted(cast.small, key=lambda c: (c.gp_key != "org:gp-1", c.key))[:2]
    for child in cast.small:
        story = _Story(random.Random(f"{seed}:events:{child.key}"), child, involved[child.key])
        begin = now - timedelta(days=story.rng.randint(120, 500))
        told = story.tell(SMALL, (), start=begin, end=now)
        found += _by_name_only(told) if child in unsure else told
    return sorted(found, key=lambda h: (h.at, h.child_key, h.code))


def _involved(partnership: DemoPartnership) -> dict[str, set[str]]:
    """The organisations working with each child (the council only where it is)."""
    found: dict[str, set[str]] = {c.key: set() for c in partnership.children}
    for involvement in partnership.casework.involvements:
        found.setdefault(involvement.child_key, set()).add(involvement.organisation_key)
    return found


@dataclass
class _Story:
    """Draws one child's events from an agency's streams, week by week."""

    rng: random.Random
    child: DemoChild
    involved: set[str]
    attendance: float = field(default=0.0)

    def tell(
        self, streams: tuple[Stream, ...], scripts: tuple[Script, ...], *, start: datetime,
        end: datetime,
    ) -> list[Happening]:  # fmt: skip
        """The child's events between ``start`` and ``end`` (never before they were born)."""
        born = datetime.combine(self.child.date_of_birth, time(12), LONDON)
        first = max(start, born + timedelta(days=7))
        span = end - first
        found: list[Happening] = []
        local = first.astimezone(LONDON)
        monday = local.date() - timedelta(days=local.weekday())
        while (week := _london(monday, 0, 0)) < end:
            share = max(0.0, (week - first) / span) if span else 1.0
            for stream in streams:
                if stream.first <= share < stream.last and self._draw(stream.rate):
                    found += self._one(stream, monday)
            monday += timedelta(days=7)
        for script in scripts:
            scripted = self._scripted(script, first + span * script.share, end)
            found += [scripted] if scripted is not None else []
        return [h for h in found if first <= h.at < end]

    def _draw(self, rate: float) -> bool:
        return self.rng.random() < rate

    def _one(self, stream: Stream, monday: date) -> list[Happening]:
        organisation = self._organisation(stream.agency)
        if organisation is None:
            return []
        day = monday + timedelta(days=self.rng.randrange(5 if stream.when == "school" else 7))
        if stream.when == "school" and not (_term_day(day) and _age_on(self.child, day) >= 4):  # noqa: PLR2004
            return []
        if stream.agency == "org:health-visiting" and _age_on(self.child, day) >= 5:  # noqa: PLR2004
            return []
        at = _london(day, *_TIMES[stream.when](self.rng))
        code, words = self.rng.choice(WORDS[stream.words])
        text = self._fill(words, at)
        mark = self.rng.random() < stream.mark
        return [Happening(self.child.key, organisation, stream.category, code, text, at,
                          mark=mark)]  # fmt: skip

    def _scripted(self, script: Script, moment: datetime, end: datetime) -> Happening | None:
        organisation = self._organisation(script.agency)
        day = moment.astimezone(LONDON).date()
        while not _term_day(day) and script.when == "school":
            day += timedelta(days=1)
        at = _london(day, *_TIMES[script.when](self.rng))
        if organisation is None or at >= end:
            return None
        code, words = script.code, script.text
        return Happening(self.child.key, organisation, script.category, code,
                         self._fill(words, at), at, mark=script.mark)  # fmt: skip

    def _organisation(self, agency: str) -> str | None:
        """The child's own school or GP practice; an agency that does not work with them, none."""
        if agency == "school":
            return self.child.school_key
        if agency == "gp":
            return self.child.gp_key
        if agency == "org:la" and agency not in self.involved:
            return None
        return agency

    def _fill(self, words: str, at: datetime) -> str:
        self.attendance = self.attendance or self.rng.uniform(84.0, 92.0)
        self.attendance = min(97.0, max(71.0, self.attendance + self.rng.uniform(-2.5, 2.0)))
        local = at.astimezone(LONDON)
        return words.format(
            time=local.strftime("%H:%M"), later=(local + timedelta(hours=3)).strftime("%H:%M"),
            pct=f"{self.attendance:.1f}", sessions=self.rng.randint(2, 6),
            place=self.rng.choice(_PLACES),
        )  # fmt: skip


_PLACES = ("the bus station", "Eastmoor town centre", "Moorside retail park", "Castle Hill park",
           "a flat in Northgate", "the canal towpath", "Kingsmead shops")  # fmt: skip
_TIMES = {
    "school": lambda rng: (rng.randint(8, 15), rng.choice((5, 20, 35, 50))),
    "day": lambda rng: (rng.randint(9, 16), rng.choice((0, 10, 30, 45))),
    "evening": lambda rng: (rng.randint(17, 22), rng.randrange(0, 60, 5)),
    "night": lambda rng: (rng.choice((19, 20, 21, 22, 23, 0, 1)), rng.randrange(0, 60, 5)),
}
# School holidays, roughly as Eastmoor's are: (first month, day) to (last month, day).
_HOLIDAYS = (((7, 22), (9, 3)), ((10, 24), (11, 1)), ((12, 20), (12, 31)), ((1, 1), (1, 4)),
             ((2, 14), (2, 22)), ((3, 30), (4, 12)), ((5, 25), (5, 31)))  # fmt: skip


def _term_day(day: date) -> bool:
    if day.weekday() >= 5:  # noqa: PLR2004
        return False
    return not any(first <= (day.month, day.day) <= last for first, last in _HOLIDAYS)


def _london(day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute), LONDON).astimezone(UTC)


def _age_on(child: DemoChild, day: date) -> int:
    born = child.date_of_birth
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _last_friday(child: DemoChild, now: datetime) -> Happening:
    """The police attended a domestic abuse incident at the child's home last Friday night."""
    day = now.astimezone(LONDON).date() - timedelta(days=1)
    while day.weekday() != 4:  # noqa: PLR2004 - Friday
        day -= timedelta(days=1)
    code, words = WORDS["last-friday"][0]
    return Happening(child.key, "org:police", "domestic_abuse_incident", code, words,
                     _london(day, 22, 40))  # fmt: skip


def _plan_story(
    partnership: DemoPartnership, child: DemoChild, involved: dict[str, set[str]], *,
    now: datetime,
) -> list[Happening]:  # fmt: skip
    """Before the plan, the school, GP and others; since, the council; yesterday, the hospital.

    Nothing but the council's own is posted after the plan started until the hospital's
    attendance yesterday evening: that is the event that tells the social worker.
    """
    # A protection plan before being looked after, when the child has both.
    plan, started = min((ON_A_PLAN.index(f.kind), f.started_on) for f in partnership.casework.flags
                        if f.child_key == child.key and f.kind in ON_A_PLAN)  # fmt: skip
    plan_start = _london(min(started, now.date()), 11, 0)
    story = _Story(random.Random(f"{partnership.seed}:events:{child.key}"), child,
                   involved[child.key] | {"org:la"})  # fmt: skip
    before = story.tell(SMALL, (), start=plan_start - timedelta(days=300),
                        end=plan_start - timedelta(days=21))  # fmt: skip
    since = story.tell(PLAN, (), start=plan_start + timedelta(days=1), end=now)
    code, words = WORDS["plan-start"][0]
    decided, made = WORDS["plan-start"][1 + plan]
    yesterday = _london(now.astimezone(LONDON).date() - timedelta(days=1), 19, 40)
    ed_code, ed_words = WORDS["plan-ed"][0]
    return [
        *before,
        Happening(child.key, "org:la", "strategy_discussion", code, words,
                  plan_start - timedelta(days=12)),
        Happening(child.key, "org:la", "other" if plan else "case_conference", decided, made,
                  plan_start),
        *since,
        Happening(child.key, "org:hospital", "emergency_attendance", ed_code, ed_words,
                  min(yesterday, now - timedelta(hours=3))),
    ]  # fmt: skip


def _by_name_only(happenings: list[Happening]) -> list[Happening]:
    """The child's latest GP event goes without an NHS number: a new registration."""
    gp = [h for h in happenings if h.organisation.startswith("org:gp")]
    last = gp[-1] if gp else None
    return [
        Happening(h.child_key, h.organisation, h.category, h.code, h.text, h.at,
                  by_name_only=True) if h is last else h
        for h in happenings
    ]  # fmt: skip


def _batches(
    partnership: DemoPartnership, happenings: list[Happening], *, now: datetime
) -> list[Post]:
    """Each agency's batches: within hours for the police and the hospital, else on Fridays."""
    children = {c.key: c for c in partnership.children}
    postcodes = {a.key: a.postcode for a in partnership.addresses}
    local = {(i.child_key, i.organisation_key): i.value for i in partnership.local_identifiers}
    rng = random.Random(f"{partnership.seed}:events:posting")
    grouped: dict[tuple[str, datetime], list[Happening]] = {}
    for happening in happenings:
        sent = _sent_at(happening, rng, now)
        grouped.setdefault((happening.organisation, sent), []).append(happening)
    posts = []
    numbers: Counter[str] = Counter()
    for (organisation, sent), batch in sorted(grouped.items(), key=lambda item: item[0][1]):
        system, prefix = SYSTEMS[organisation]
        events = []
        for happening in batch:
            numbers[organisation] += 1
            child = children[happening.child_key]
            who = _identity(child, postcodes[child.address_key],
                            local.get((child.key, organisation)), happening)  # fmt: skip
            source_id = f"{prefix}-{happening.at:%Y%m%d}-{numbers[organisation]:05d}"
            events.append(PostedEvent(source_id, happening.category, happening.at, who,
                                      system, happening.code, happening.text))  # fmt: skip
        posts.append(Post(organisation, sent, tuple(batch), tuple(events)))
    return posts


def _sent_at(happening: Happening, rng: random.Random, now: datetime) -> datetime:
    if happening.organisation in SOON:
        return min(now, happening.at + timedelta(minutes=rng.randint(35, 150)))
    local = happening.at.astimezone(LONDON)
    day = local.date() + timedelta(days=(4 - local.weekday()) % 7)
    friday = _london(day, 18, 30)
    if friday < happening.at:
        friday += timedelta(days=7)
    return min(now, friday)


def _identity(
    child: DemoChild, postcode: str, local_id: str | None, happening: Happening
) -> Identity:
    """Who the event is about, as the agency holds the child: a school by UPN, others by NHS."""
    if happening.by_name_only:
        return Identity(child.given_names, child.family_name, child.date_of_birth,
                        postcode=postcode)  # fmt: skip
    school = happening.organisation.startswith("org:school") and child.upn is not None
    return Identity(
        child.given_names, child.family_name, child.date_of_birth,
        nhs_number=None if school else child.nhs_number, upn=child.upn if school else None,
        postcode=postcode, local_id=local_id,
    )  # fmt: skip


def _service_accounts(uow: UnitOfWork, partnership: DemoPartnership, *, at: datetime) -> None:
    """Each agency's system as a service account (as an administrator would register it)."""
    ids = Ids(partnership.seed)
    with uow, clock.reading(at):
        wanted = [o for o in partnership.organisations if o.key in SYSTEMS]
        have = set(uow.session.scalars(select(ServiceAccount.id).where(
            ServiceAccount.id.in_([ids(f"service:{o.key}") for o in wanted]))))  # fmt: skip
        rows = [
            ServiceAccount(id=ids(f"service:{o.key}"), organisation_id=ids(o.key),
                           name=SYSTEMS[o.key][0], created_at=clock.now(), deactivated_at=None)
            for o in wanted if ids(f"service:{o.key}") not in have
        ]  # fmt: skip
        uow.session.add_all(rows)
        uow.session.flush()
        audit.record_many(uow, Actor.system("cli:demo"), "service_account:created",
                          subject_type="service_account",
                          subject_ids=[row.id for row in rows])  # fmt: skip
        uow.commit()


def _post(
    uow: UnitOfWork, partnership: DemoPartnership, post: Post
) -> dict[tuple[str, str], uuid.UUID]:
    """Send one batch as the agency's system; each new event's id by (agency, its id)."""
    answers = posting.post_events(uow, service_actor(partnership, post.organisation), post.events)
    return {
        (post.organisation, answer.source_event_id): answer.event_id
        for answer in answers
        if answer.event_id is not None and not answer.replayed
    }


@dataclass(frozen=True, slots=True)
class _Share:
    """A small worry one agency shares with another working with the child (not the MASH)."""

    at: datetime
    persona: str
    child: DemoChild
    to: str
    words: tuple[str, tuple[str, ...], str, str]  # narrative, categories, risk term, purpose


def _adding_up(
    uow: UnitOfWork, partnership: DemoPartnership, cast: Cast, *, now: datetime
) -> list[_Share]:
    """Three worries from a school and a GP about one child, each too small alone."""
    ids = Ids(partnership.seed)
    with uow:
        taken = set(uow.session.scalars(select(Concern.child_id)))
    chosen = {c.key for _, c in cast.rich} | {c.key for c in cast.small}
    chosen |= {cast.on_a_plan.key} if cast.on_a_plan else set()
    restricted = {r.child_key for r in partnership.casework.restrictions}
    fitting = [c for c in partnership.children
               if c.school_key in SCHOOLS_WITH_LEADS and c.gp_key == "org:gp-1"
               and c.key not in chosen | restricted and ids(c.key) not in taken]  # fmt: skip
    if not fitting:
        return []
    child = random.Random(f"{partnership.seed}:events:adding-up").choice(fitting)
    calendar = get_settings().working_calendar()
    lead = "persona:dsl-oakfield" if child.school_key == "org:school-1" else "persona:dsl-kestrel"
    shares = []
    for hours, persona, words in ADDING_UP:
        author = lead if persona == "school" else persona
        to = "org:gp-1" if persona == "school" else str(child.school_key)
        shares.append(_Share(working_time_before(calendar, now, hours), author, child, to, words))
    return shares


def _share(uow: UnitOfWork, partnership: DemoPartnership, share: _Share) -> None:
    """The persona writes the worry and sends it to the other agency, through the services."""
    ids = Ids(partnership.seed)
    author = persona_actor(uow, ids(share.persona))
    narrative, categories, risk, purpose = share.words
    concern = sharing.start_concern(uow, author, subject=Subject.IDENTIFIED,
                                    child_id=ids(share.child.key))  # fmt: skip
    decision = SharingDecision(
        decision="share", purpose=purpose, article_6=Article6Basis.PUBLIC_TASK,
        article_9=Article9Condition.SUBSTANTIAL_PUBLIC_INTEREST,
        schedule_1=Schedule1Condition.SAFEGUARDING, consent=ConsentPosition.SOUGHT_AND_GIVEN,
    )  # fmt: skip
    draft = Draft(happened_on=clock.today(), how_known="seen", categories=categories,
                  agency_risk_term=risk, narrative=narrative, decision=decision)  # fmt: skip
    sharing.save_draft(uow, author, concern_id=concern.id, draft=draft,
                       recipient_ids=[ids(share.to)])  # fmt: skip
    sharing.send_concern(uow, author, concern_id=concern.id)


def _mark(
    uow: UnitOfWork, partnership: DemoPartnership, cast: Cast, posts: list[Post],
    posted: dict[tuple[str, str], uuid.UUID], *, now: datetime,
) -> None:  # fmt: skip
    """The social worker reads the long chronologies and marks what matters in them."""
    ids = Ids(partnership.seed)
    council = {i.child_key for i in partnership.casework.involvements
               if i.organisation_key == "org:la"}  # fmt: skip
    readers = {c.key for _, c in cast.rich if c.key in council}
    if not readers:
        return
    social_worker = persona_actor(uow, ids(SOCIAL_WORKER))
    moment = working_time_before(get_settings().working_calendar(), now, 3.0)
    with clock.reading(moment):
        for post in posts:
            for happening, event in zip(post.happenings, post.events, strict=True):
                event_id = posted.get((post.organisation, event.source_event_id))
                if happening.mark and happening.child_key in readers and event_id:
                    services.mark_significant(uow, social_worker, child_id=ids(happening.child_key),
                                              event_id=event_id, significant=True)  # fmt: skip


def _acknowledge_old(
    uow: UnitOfWork, partnership: DemoPartnership, keys: set[str], *, now: datetime
) -> None:
    """Each school's lead read the old incidents' alerts before the school day started."""
    ids = Ids(partnership.seed)
    leads = {ids(p.organisation_key): p.key for p in partnership.personas
             if Role.DESIGNATED_SAFEGUARDING_LEAD in p.roles}  # fmt: skip
    with uow:
        old = uow.session.execute(
            select(Alert.id, Alert.organisation_id, Alert.raised_at, Alert.due_at)
            .where(Alert.rule_key.in_(keys), Alert.state == AlertState.OPEN,
                   Alert.raised_at < now - STILL_OPEN).order_by(Alert.raised_at)
        ).all()  # fmt: skip
    rng = random.Random(f"{partnership.seed}:events:acknowledged")
    for alert_id, organisation_id, raised, due in old:
        read = max(raised + timedelta(minutes=10), due - timedelta(minutes=rng.randint(5, 40)))
        if organisation_id not in leads or read >= now:
            continue
        lead = persona_actor(uow, ids(leads[organisation_id]))
        with clock.reading(read):
            alerts.acknowledge(uow, lead, alert_id=alert_id, note=rng.choice(ACKNOWLEDGEMENTS))


# What each agency's system says, in its own codes and words. Synthetic: no real person,
# place or case; the children are "the child", "the young person" or "the pupil", never named.
# fmt: off

# The system each agency posts from, and how its own event ids start.
SYSTEMS: dict[str, tuple[str, str]] = {
    "org:police": ("Niche RMS", "MP"), "org:hospital": ("Cerner Millennium FirstNet", "EMH"),
    "org:gp-1": ("EMIS Web", "EMIS-Y99901"), "org:gp-2": ("SystmOne GP", "S1-Y99902"),
    "org:school-1": ("SIMS", "SIMS-990101"), "org:school-2": ("Arbor", "ARB-990102"),
    "org:school-3": ("Bromcom", "BRC-990103"), "org:school-4": ("SIMS", "SIMS-990104"),
    "org:la": ("Liquidlogic LCS", "LCS"), "org:health-visiting": ("SystmOne Community", "S1-R9F"),
}

WORDS: dict[str, tuple[tuple[str, str], ...]] = {
    "da": (
        ("DA-V", "Domestic incident at the home address at {time}. Verbal argument between "
         "mother and her partner; the child was in the house. DASH: standard risk. No offences "
         "disclosed; words of advice given."),
        ("DA-A", "Neighbour reported shouting and banging at {time}. Mother had reddening to "
         "her cheek; her partner had left before officers arrived. The child was awake on the "
         "landing. DASH: medium risk. Crime recorded: common assault."),
        ("DA-B", "Mother's former partner came to the address in breach of a non-molestation "
         "order and kicked the front door. The children were present. Suspect arrested. "
         "DASH: high risk; referred to MARAC."),
        ("DA-C", "Argument over money at {time}; a phone and a television were smashed. The "
         "child told officers they went to their room. Partner left voluntarily. DASH: medium "
         "risk."),
    ),
    "welfare": (
        ("CFW", "Concern for welfare: school could not reach mother for two days. Officers "
         "attended; mother unwell in bed, the child had been getting themselves to school. "
         "Children's services told."),
        ("CFW", "Anonymous call at {time} reporting children left alone at the address. An "
         "adult was present; the home was cold but food was in. Advice given."),
        ("CFW", "Welfare check after mother did not collect the child from an after-school "
         "club. Found at home asleep; said she had taken extra medication. Ambulance called."),
    ),
    "missing": (
        ("MFH-M", "Reported missing by mother at {time} after not coming home from school. "
         "Found at {place} at {later} with older youths and taken home. Return home interview "
         "requested."),
        ("MFH-H", "Missing overnight. Found the next morning at a flat in Northgate known for "
         "drug supply; the young person would not say how they got there. Risk assessed high; "
         "exploitation screening completed."),
        ("MFH-L", "Missing for six hours; came home on their own at {later} with a new phone "
         "and cash they would not explain."),
        ("MFH-M", "Reported missing at {time}; seen on CCTV at {place} getting into a car with "
         "two adult males. Found at {later}, no injuries, would not give an account."),
    ),
    "arrest": (
        ("ARR-PWITS", "Arrested in {place} on suspicion of possessing cannabis with intent to "
         "supply; released under investigation. Appropriate adult attended; NRM referral "
         "considered."),
        ("ARR-THEFT", "Arrested for shoplifting alcohol with two older males; interviewed with "
         "an appropriate adult. Community resolution."),
        ("ARR-OW", "Arrested after a fight at {place}; a lock knife was found in the young "
         "person's bag. Bailed to the home address with a curfew."),
    ),
    "ed": (
        ("ED-INJ", "ED attendance at {time}: fall from a climbing frame, bruised forearm. "
         "X-ray: no fracture. Discharged with advice."),
        ("ED-RESP", "ED attendance: wheeze and shortness of breath; inhalers had run out a week "
         "earlier. Nebulised and discharged; GP follow-up advised."),
        ("ED-BURN", "ED attendance at {time} with a small burn to the back of the hand; account "
         "(touched the iron) consistent. Safeguarding checklist completed."),
        ("ED-HI", "Head injury after a fall on the stairs at home at {time}. No loss of "
         "consciousness; CT not indicated. Injury consistent with the account."),
        ("ED-ABD", "ED attendance with abdominal pain and vomiting; constipation. Diet "
         "discussed; discharged to the GP."),
    ),
    "ed-teen": (
        ("ED-ETOH", "Brought in by ambulance at {time}, intoxicated with alcohol, found at "
         "{place}. Observed overnight; safeguarding referral made."),
        ("ED-SH", "ED attendance: superficial cuts to the forearm, self-inflicted. CAMHS "
         "liaison assessment next morning; discharged with a safety plan."),
        ("ED-ASSLT", "ED attendance at {time} with a cut lip and facial swelling after an "
         "'argument with friends'; declined to say more. Police told with consent."),
        ("ED-INJ", "Sprained ankle playing football. X-ray normal; discharged with crutches."),
    ),
    "admission": (
        ("ADM-PAED", "Admitted to the children's ward with a severe asthma attack; two nights. "
         "Medicines and inhaler technique reviewed with mother before discharge."),
        ("ADM-PAED", "Admitted overnight with dehydration after three days of vomiting; "
         "mother had not been able to get an appointment."),
    ),
    "admission-teen": (
        ("ADM-OD", "Admitted overnight after taking an overdose of paracetamol. Psychiatric "
         "assessment before discharge; CAMHS follow-up arranged."),
    ),
    "outpatient-wnb": (
        ("OPD-WNB", "Was not brought to the paediatric asthma clinic. Second missed "
         "appointment; letter to the GP."),
        ("OPD-WNB", "Was not brought to the fracture clinic follow-up; family not reachable by "
         "phone."),
        ("OPD-WNB", "Was not brought to the community paediatrics appointment (growth review)."),
    ),
    "gp-wnb": (
        ("WNB", "Was not brought to the booked asthma review. Text reminder had been sent."),
        ("WNB-IMM", "Was not brought for the pre-school booster immunisation; third invitation."),
        ("WNB", "Was not brought to the appointment about recurrent headaches. Practice "
         "safeguarding lead told."),
        ("WNB", "Was not brought to the weight and growth review the school nurse asked for."),
    ),
    "gp-review": (
        ("REV", "Seen with mother for an asthma review; inhaler technique poor, spacer given. "
         "Mother tired and low; offered an appointment for herself."),
        ("REV", "Seen alone at the young person's request: low mood and poor sleep. Referred "
         "to the school counsellor and CAMHS with consent."),
        ("REV", "Seen for eczema; skin infected and creams not used. Prescribed, review in two "
         "weeks."),
    ),
    "attendance": (
        ("ATT-O", "Attendance this week: {sessions} sessions missed, unauthorised (code O). "
         "Attendance this term {pct}%."),
        ("ATT-N", "Absent with no reason given (code N) for {sessions} sessions; first-day "
         "calls unanswered. Attendance this term {pct}%."),
        ("ATT-U", "Late after the register closed (code U) on three mornings this week; "
         "arrived without breakfast. Attendance this term {pct}%."),
        ("ATT-PA", "Attendance below 90% this term ({pct}%): persistent absence. Letter home "
         "and an attendance meeting offered."),
    ),
    "suspension-primary": (
        ("SUS-PA", "Suspension, 1 day: physical assault against an adult (kicked a teaching "
         "assistant). Reintegration meeting with mother."),
        ("SUS-DB", "Suspension, half a day: persistent disruptive behaviour. Behaviour plan "
         "reviewed with the SENCo."),
    ),
    "suspension-secondary": (
        ("SUS-VA", "Suspension, 2 days: verbal abuse and threatening behaviour against an "
         "adult."),
        ("SUS-PP", "Suspension, 3 days: physical assault against a pupil."),
        ("SUS-OW", "Suspension, 5 days: brought a bladed article into school. Police "
         "school liaison officer told."),
        ("SUS-DA", "Suspension, 2 days: drug-related (cannabis found in a blazer pocket)."),
    ),
    "visit-cp": (
        ("VIS-CP", "Statutory visit (child protection plan): child seen alone in their bedroom; "
         "said things are 'calmer at home'. Home conditions adequate; food in the cupboards."),
        ("VIS-CP", "Statutory visit: mother's partner present and would not leave the room; "
         "child not seen alone. Another visit booked within the week."),
        ("VIS-CP", "Unannounced visit at 16:20: no answer. Mother rang back and said they were "
         "at her sister's; seen there the next morning."),
        ("VIS-CP", "Statutory visit: child seen alone at school; drew their family and talked "
         "about shouting at night. Shared with the core group."),
    ),
    "visit-cin": (
        ("VIS-CIN", "Child in need visit: child seen at school. Attendance and friendships "
         "discussed; the child wants more time with dad."),
        ("VIS-CIN", "Child in need visit at home: mother engaging, housing application made, "
         "family hub sessions started."),
        ("VIS-CIN", "Child in need review meeting with school and health: plan continues; "
         "attendance remains the main worry."),
    ),
    "rhi": (
        ("VIS-RHI", "Return home interview after a missing episode: would not say where they "
         "had been; mentioned 'older friends' with cars."),
        ("VIS-RHI", "Return home interview: said they stayed with a friend to get away from "
         "arguments at home. Safety plan updated."),
    ),
    "core-group": (
        ("CG", "Core group meeting: school, GP practice nurse and family support worker "
         "attended; actions reviewed."),
    ),
    "hv-review": (
        ("HV-NBV", "New birth visit: feeding well; mother tearful and tired, father back at "
         "work. Edinburgh postnatal scale completed."),
        ("HV-1Y", "One-year review at home: development on track; home cold and cluttered. "
         "Money tight; referred to the family hub."),
        ("HV-2Y", "2-2½ year review: speech delay (fewer than 20 words); referred to speech "
         "and language therapy."),
    ),
    "hv-no-access": (
        ("HV-NA", "No access visit: no answer at the booked time; card left, new date sent."),
    ),
    "last-friday": (
        ("DA-A", "Domestic incident at the home address at 22:40. Mother's partner, who had "
         "been drinking, threw a glass and pushed mother against the kitchen door; the child "
         "came downstairs crying. Partner arrested for assault by beating. DASH: high risk; "
         "MARAC referral."),
    ),
    "plan-start": (
        ("S47-SD", "Strategy discussion with police, health and school: section 47 enquiry "
         "agreed after the child's disclosure at school; joint visit today."),
        ("ICPC", "Initial child protection conference: child made subject to a child "
         "protection plan. First core group within ten working days."),
        ("LAC-S20", "Child became looked after (section 20, with mother's agreement) and was "
         "placed with foster carers; contact plan agreed."),
    ),
    "plan-ed": (
        ("ED-INJ", "ED attendance at 19:40 with a painful, swollen wrist after a fall from a "
         "bike; buckle fracture, backslab applied. The adult with the child left before the "
         "doctor's review. CP-IS showed a plan: the council was phoned."),
    ),
}

_HOME = Profile((6, 11), (
    Stream("school", "persistent_absence", "attendance", 0.65, "school"),
    Stream("school", "suspension", "suspension-primary", 0.02, "school", mark=0.5),
    Stream("org:police", "domestic_abuse_incident", "da", 0.1, "night", mark=0.3),
    Stream("org:police", "police_welfare_check", "welfare", 0.03, "evening"),
    Stream("org:hospital", "emergency_attendance", "ed", 0.06, "evening", mark=0.2),
    Stream("org:hospital", "missed_health_appointment", "outpatient-wnb", 0.03, "day"),
    Stream("org:hospital", "hospital_admission", "admission", 0.01, "evening"),
    Stream("gp", "missed_health_appointment", "gp-wnb", 0.07, "day", mark=0.1),
    Stream("gp", "health_visit", "gp-review", 0.04, "day"),
    Stream("org:la", "social_care_visit", "visit-cp", 0.6, "day", 0.25, 0.62, mark=0.05),
    Stream("org:la", "other", "core-group", 0.16, "day", 0.26, 0.62),
    Stream("org:la", "social_care_visit", "visit-cin", 0.3, "day", 0.62),
))
_OUTSIDE = Profile((12, 16), (
    Stream("school", "persistent_absence", "attendance", 0.7, "school"),
    Stream("school", "suspension", "suspension-secondary", 0.05, "school", mark=0.4),
    Stream("org:police", "missing_episode", "missing", 0.16, "night", 0.15, mark=0.15),
    Stream("org:police", "arrest", "arrest", 0.025, "evening", 0.3),
    Stream("org:police", "police_welfare_check", "welfare", 0.02, "evening"),
    Stream("org:police", "domestic_abuse_incident", "da", 0.03, "night"),
    Stream("org:hospital", "emergency_attendance", "ed-teen", 0.07, "night", mark=0.3),
    Stream("org:hospital", "hospital_admission", "admission-teen", 0.01, "night", 0.5),
    Stream("gp", "missed_health_appointment", "gp-wnb", 0.04, "day"),
    Stream("gp", "health_visit", "gp-review", 0.03, "day"),
    Stream("org:la", "social_care_visit", "visit-cin", 0.4, "day", 0.2),
    Stream("org:la", "social_care_visit", "rhi", 0.14, "day", 0.2),
))
_CARE = Profile((8, 13), (
    Stream("school", "persistent_absence", "attendance", 0.8, "school", mark=0.03),
    Stream("org:police", "police_welfare_check", "welfare", 0.05, "evening", mark=0.2),
    Stream("org:police", "domestic_abuse_incident", "da", 0.025, "night"),
    Stream("org:hospital", "emergency_attendance", "ed", 0.04, "evening"),
    Stream("org:hospital", "missed_health_appointment", "outpatient-wnb", 0.04, "day"),
    Stream("org:hospital", "hospital_admission", "admission", 0.01, "evening"),
    Stream("gp", "missed_health_appointment", "gp-wnb", 0.1, "day", mark=0.1),
    Stream("gp", "health_visit", "gp-review", 0.05, "day"),
    Stream("org:la", "social_care_visit", "visit-cin", 0.45, "day", 0.3),
))
PROFILES: dict[str, Profile] = {"home": _HOME, "outside": _OUTSIDE, "care": _CARE}

_LA, _STRATEGY, _CONFERENCE = "org:la", "strategy_discussion", "case_conference"
SCRIPTS: dict[str, tuple[Script, ...]] = {
    "home": (
        Script(0.23, _LA, _STRATEGY, "S47-SD", "Strategy discussion with police, health and "
               "school after an unexplained bruise to the child's upper arm and a domestic "
               "abuse incident: section 47 enquiry; joint visit today."),
        Script(0.25, _LA, _CONFERENCE, "ICPC", "Initial child protection conference: child made "
               "subject to a child protection plan (category: emotional abuse). First core "
               "group within ten working days."),
        Script(0.43, _LA, _CONFERENCE, "RCPC", "Review child protection conference: plan "
               "continues; home conditions better, domestic abuse risk remains."),
        Script(0.62, _LA, _CONFERENCE, "RCPC", "Review child protection conference: plan ended; "
               "stepped down to a child in need plan.", mark=True),
        Script(0.9, _LA, _STRATEGY, "S47-SD", "Strategy discussion after another domestic abuse "
               "incident: section 47 threshold not met; continue under the child in need plan "
               "with a safety plan for mother."),
    ),
    "outside": (
        Script(0.35, _LA, _STRATEGY, "S47-SD", "Strategy discussion: risk of criminal "
               "exploitation after repeated missing episodes and an arrest. Section 47 enquiry; "
               "referral to the exploitation panel."),
        Script(0.4, _LA, _CONFERENCE, "ICPC", "Initial child protection conference: threshold "
               "not met; child in need plan with an exploitation safety plan."),
        Script(0.6, _LA, _STRATEGY, "S47-SD", "Strategy discussion after the young person was "
               "found in another force's area with drugs and cash: NRM referral made; "
               "disruption plan with police.", mark=True),
        Script(0.7, "school", "moved_school", "CTF-MM", "Managed move (six-week trial) to the "
               "Moorside alternative provision two days a week; stays on roll.", "school"),
    ),
    "care": (
        Script(0.28, "school", "child_missing_education", "CME", "Not seen for ten school days "
               "and not reachable at home: child missing education referral to the local "
               "authority.", "school", mark=True),
        Script(0.3, _LA, _STRATEGY, "S47-SD", "Strategy discussion after the child was found "
               "caring alone for a younger sibling while mother was in hospital: single-agency "
               "assessment, not section 47."),
        Script(0.32, _LA, _CONFERENCE, "ICPC", "Initial child protection conference: threshold "
               "not met; child in need plan and a young carers' assessment."),
        Script(0.5, _LA, "other", "YC-ASSESS", "Young carers' assessment completed: support "
               "group place and a carer's break each month."),
    ),
}

# Short histories: a little from whoever works with the child (health visitors for the under-5s).
SMALL: tuple[Stream, ...] = (
    Stream("school", "persistent_absence", "attendance", 0.15, "school"),
    Stream("gp", "missed_health_appointment", "gp-wnb", 0.05, "day"),
    Stream("gp", "health_visit", "gp-review", 0.04, "day"),
    Stream("org:hospital", "emergency_attendance", "ed", 0.03, "evening"),
    Stream("org:health-visiting", "health_visit", "hv-review", 0.06, "day"),
    Stream("org:health-visiting", "missed_health_appointment", "hv-no-access", 0.02, "day"),
    Stream("org:police", "police_welfare_check", "welfare", 0.01, "evening"),
)
# Since a child's plan started: the council's visits and core groups.
PLAN: tuple[Stream, ...] = (
    Stream(_LA, "social_care_visit", "visit-cp", 0.5, "day"),
    Stream(_LA, "other", "core-group", 0.15, "day"),
)

# Three small worries about one child within the window, none shared with the MASH:
# (working hours before now, who shares ("school": the school's lead), what they write:
# the narrative, its categories, the sharer's risk term, the purpose).
ADDING_UP: tuple[tuple[float, str, tuple[str, tuple[str, ...], str, str]], ...] = (
    (330.0, "persona:gp-riverside", (
        "Seen with mum for a chest infection. Clothes too small and unwashed; weight down from "
        "the 50th to the 9th centile since last year. Mum says money has been tight since her "
        "partner left.", ("16A",), "Safeguarding: monitor",
        "So school can keep an eye on lunches and attendance")),
    (150.0, "school", (
        "Came without a coat in the rain three days this week and has been taking food from "
        "other children's lunch boxes. Told a lunchtime supervisor there was 'nothing for tea' "
        "at the weekend.", ("16A",), "Low-level concern",
        "So the GP knows what school is seeing when the family are next seen")),
    (3.0, "school", (
        "Said in class that they look after mum when she 'has her sad days' and make their own "
        "tea. Late four times this fortnight.", ("4B", "7A"), "Low-level concern",
        "So the GP can think about mum's health and support for a young carer")),
)

ACKNOWLEDGEMENTS = (
    "Logged on the pupil's safeguarding record. Class teacher told to be alert today; key "
    "adult check-in at registration went well.",
    "Read before school. Pupil tired but settled; offered time with the learning mentor. Will "
    "share with the social worker at the next meeting.",
    "Noted. Pupil arrived on time; spoke with them briefly at breakfast club. No disclosures; "
    "watching for the rest of the week.",
    "Read at 8:15. Pupil absent today; first-day call made to mother, who said the pupil was "
    "staying with grandmother.",
)
# fmt: on
