"""Demo stories of sharing that went well: published ones, one waiting, one the check blocks.

Written through the story services as each persona, so each is sealed, checked, audited and
moderated as a real one would be, at the time it happened (``core.clock.reading``). The
published ones are properly anonymised (the check finds nothing in them); the blocked one
names a child from the demo index, as a hurried first draft might.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from jigsaw.access.actor import Actor
from jigsaw.access.vocabulary import AgencyKind
from jigsaw.accounts import User
from jigsaw.accounts import services as accounts
from jigsaw.core import clock
from jigsaw.core.uow import UnitOfWork
from jigsaw.demo.generator import DemoPartnership
from jigsaw.demo.keys import demo_id
from jigsaw.stories import services
from jigsaw.stories.rules import Theme

_A = AgencyKind
_T = Theme
PUBLISHED, WAITING, BLOCKED = "published", "waiting", "blocked"


@dataclass(frozen=True, slots=True)
class DemoStory:
    """One story: who told it, its words, agencies and themes, how far it got, and when."""

    persona: str
    title: str
    text: str
    agencies: frozenset[AgencyKind]
    themes: frozenset[Theme]
    days_ago: int
    fate: str = PUBLISHED


STORIES: tuple[DemoStory, ...] = (
    DemoStory(
        "persona:dsl-oakfield",
        "A hungry pupil and a GP's note",
        "A Year 4 pupil had been coming in hungry most mornings since the autumn half term. "
        "The class teacher noticed the child hiding toast from breakfast club and told me, the "
        "DSL. On its own it looked like a family short of money, and we offered the uniform "
        "bank and free school meals.\n\n"
        "I shared it with the MASH anyway, because the pupil had gone quiet too. The MASH asked "
        "the GP practice what they knew: mum had been seen twice about her low mood and had "
        "missed her last appointment. Neither of us had the whole picture.\n\n"
        "Early help started within a week. A family support worker helped mum back to her GP "
        "and with a benefits claim that had stalled. By the spring the pupil was eating at "
        "home again and talking in class. Mum told the family support worker that being asked, "
        "kindly, by the school was what made her say yes to help.",
        frozenset({_A.SCHOOL, _A.GP, _A.MASH, _A.EARLY_HELP}),
        frozenset({_T.NEGLECT, _T.EARLY_HELP, _T.MENTAL_HEALTH}),
        days_ago=120,
    ),
    DemoStory(
        "persona:police-officer",
        "A call-out at night, a quiet word before registration",
        "We attended a domestic incident late one evening. The children were in the house and "
        "one of them, a primary school pupil, had seen the argument from the stairs. We made "
        "sure everyone was safe and that night shared the incident with the child's school "
        "through Operation Encompass.\n\n"
        "The school's designated safeguarding lead read it before the school day began. The "
        "child was met at the gate by a member of staff they trusted, had a quiet breakfast, "
        "and was told it was fine to feel tired and worried. Later that week the child told "
        "the same member of staff that this had happened before.\n\n"
        "That disclosure, shared back with us and with children's social care, meant the "
        "risk was assessed properly and mum was supported by an independent domestic violence "
        "advisor. She has since moved to a safe home with the children, who are settled at "
        "school.",
        frozenset({_A.POLICE, _A.SCHOOL, _A.CHILDRENS_SOCIAL_CARE}),
        frozenset({_T.DOMESTIC_ABUSE}),
        days_ago=95,
    ),
    DemoStory(
        "persona:ed-nurse",
        "Three visits that only made sense together",
        "A baby under a year old was brought to the emergency department with a small bruise "
        "on the cheek. The explanation was plausible and the examination otherwise normal. "
        "Because we check for other attendances, we saw the baby had been seen at another "
        "hospital a few weeks earlier, and at an out-of-hours service before that.\n\n"
        "We asked the health visiting team and the GP what they knew. The health visitor had a "
        "note about a tired, isolated dad who had said he sometimes could not cope with the "
        "crying. None of the three visits would have raised a referral alone.\n\n"
        "We referred to the MASH the same day. A child protection medical found no further "
        "injuries, and the family agreed to a plan with daily support at first. The baby is "
        "now thriving, and dad says the parenting group was the best thing that happened to "
        "him.",
        frozenset({_A.ACUTE_HEALTH, _A.COMMUNITY_HEALTH, _A.GP, _A.MASH}),
        frozenset({_T.PHYSICAL_ABUSE, _T.HEALTH_ATTENDANCE, _T.UNBORN_AND_BABIES}),
        days_ago=70,
    ),
    DemoStory(
        "persona:health-visitor",
        "What a new mum could not say at home",
        "At a new birth visit, mum was tearful and said little while her partner was in the "
        "room. When he went out to the car she told me he checked her phone and kept the "
        "money. She asked me not to tell anyone.\n\n"
        "I talked it through with the consultation line before doing anything. The advice was "
        "clear: a baby living with domestic abuse is at risk, and I could share without her "
        "consent, but it was safer to talk to her first, alone, about what would happen. I "
        "did that at the next visit, at the clinic, and she agreed to a referral.\n\n"
        "The GP practice added what they knew, the police checked their records, and a "
        "specialist worker met her at the clinic rather than at home. Months later she "
        "brought the baby to the clinic and said that being believed the first time was why "
        "she kept going.",
        frozenset({_A.COMMUNITY_HEALTH, _A.GP, _A.POLICE, _A.MASH}),
        frozenset({_T.DOMESTIC_ABUSE, _T.UNBORN_AND_BABIES}),
        days_ago=48,
    ),
    DemoStory(
        "persona:dsl-kestrel",
        "Messages from someone she met online",
        "A Year 9 pupil's friends came to us worried about messages she was getting from an "
        "adult she had met in a gaming chat. She denied it at first. We did not look at her "
        "phone; we listened, wrote down exactly what the friends said, and shared it with the "
        "MASH the same afternoon.\n\n"
        "The police online safety team recognised the account from another school's report. "
        "Together with her parents, who were supportive from the start, the pupil was helped "
        "to keep the messages and block the contact. The mental health service saw her for a "
        "few sessions about the worry and shame she felt.\n\n"
        "Two other children were protected because the pieces from two schools met in one "
        "place. The pupil has since helped run an assembly on staying safe online.",
        frozenset({_A.SCHOOL, _A.POLICE, _A.MASH, _A.MENTAL_HEALTH}),
        frozenset({_T.ONLINE_HARM, _T.EXPLOITATION, _T.MENTAL_HEALTH}),
        days_ago=30,
    ),
    DemoStory(
        "persona:social-worker",
        "The cousin who did not go to school",
        "A primary pupil mentioned to a teaching assistant that a cousin was staying with "
        "them and did not go to school. The school shared it with us, not knowing whether it "
        "mattered.\n\n"
        "We found that the cousin, a twelve-year-old, had arrived from another area after a "
        "family breakdown and was not on any school roll. The housing team knew the household "
        "was overcrowded; the school nurse knew the younger child had been tired and "
        "unwell.\n\n"
        "Within a month the cousin had a school place, the family had a larger home, and a "
        "kinship care assessment was under way. A single remark, passed on, brought a child "
        "back into education.",
        frozenset({_A.SCHOOL, _A.CHILDRENS_SOCIAL_CARE, _A.HOUSING}),
        frozenset({_T.MISSING_EDUCATION, _T.EARLY_HELP}),
        days_ago=12,
    ),
    DemoStory(
        "persona:gp-riverside",
        "A father who asked for help with his temper",
        "A father came to the practice and asked for help with his temper. He said he had "
        "never hurt his children but was scared that one day he might. He did not want social "
        "services involved.\n\n"
        "We talked it through with the consultation line, who advised that what he described "
        "did not need a referral, but that early help with his consent could make a real "
        "difference. He agreed to an anger management course and a family support worker.\n\n"
        "Six months on he says home is calmer, and the children's school has noticed the "
        "difference too. Asking for advice first meant we could offer help rather than alarm.",
        frozenset({_A.GP, _A.EARLY_HELP, _A.MASH}),
        frozenset({_T.EARLY_HELP, _T.MENTAL_HEALTH}),
        days_ago=3,
        fate=WAITING,
    ),
    DemoStory(
        "persona:teacher-oakfield",
        "Late every morning",
        "{name} was late most mornings this term. When I asked, {name} said they got their "
        "little sisters ready because mum was still asleep. I told the DSL, who shared it "
        "with the MASH, and the GP knew that mum had been unwell. Early help is now working "
        "with the family and the mornings are easier.",
        frozenset({_A.SCHOOL, _A.GP, _A.EARLY_HELP}),
        frozenset({_T.YOUNG_CARERS, _T.EARLY_HELP}),
        days_ago=1,
        fate=BLOCKED,
    ),
)


def load_stories(uow: UnitOfWork, partnership: DemoPartnership, *, now: datetime) -> int:
    """Tell, check and moderate the demo stories as of ``now``; returns how many were told.

    Each is written ``days_ago`` days before ``now`` and published by the privacy officer a
    day later; the waiting one is submitted and left; the blocked one is refused by the check
    when its author submits it, and stays a draft naming a child from the index.
    """
    moderator = _actor(uow, demo_id(partnership.seed, "persona:privacy-officer"))
    for demo in STORIES:
        author = _actor(uow, demo_id(partnership.seed, demo.persona))
        text = (
            demo.text.format(name=_pupil_name(partnership)) if demo.fate == BLOCKED else demo.text
        )
        draft = services.StoryDraft(title=demo.title, text=text, agencies=demo.agencies,
                                    themes=demo.themes)  # fmt: skip
        told = now - timedelta(days=demo.days_ago)
        with clock.reading(told):
            outcome = services.start_story(uow, author, draft=draft, submit=True)
        if outcome.done == (demo.fate == BLOCKED):
            raise RuntimeError(f"the demo story {demo.title!r} did not fare as it should")
        if demo.fate == PUBLISHED:
            with clock.reading(told + timedelta(days=1)):
                services.publish_story(uow, moderator, story_id=outcome.story.id)
    return len(STORIES)


def _pupil_name(partnership: DemoPartnership) -> str:
    """The first given name of a child the teacher's school works with (from the index).

    Any child's, in a demo of a child or two.
    """
    keys = sorted(i.child_key for i in partnership.casework.involvements
                  if i.organisation_key == "org:school-1")  # fmt: skip
    keys = keys or sorted(c.key for c in partnership.children)  # a demo of a child or two
    child = next(c for c in partnership.children if c.key == keys[0])
    return child.given_names.split()[0]


def _actor(uow: UnitOfWork, user_id: uuid.UUID) -> Actor:
    with uow:
        return accounts.user_actor(uow.session.get_one(User, user_id))
