"""Stories written for tests: clean ones, and ones naming a child from the demo index."""

from jigsaw.access.actor import Actor
from jigsaw.access.vocabulary import AgencyKind
from jigsaw.core.uow import UnitOfWork
from jigsaw.stories import services
from jigsaw.stories.models import Story
from jigsaw.stories.rules import Theme
from tests.demo_world import DemoWorld

TITLE = "A hungry pupil and a GP's note"
TEXT = (
    "A Year 4 pupil came in hungry most days in the spring term, and the class teacher told "
    "the DSL. On its own it looked like a family short of money.\n\n"
    "The DSL shared it with the MASH, and the GP practice had seen mum about her low mood. "
    "Together the two pieces showed a mum struggling to cope. Early help started within a week "
    "and the child now has breakfast at school."
)
AGENCIES = frozenset({AgencyKind.SCHOOL, AgencyKind.GP, AgencyKind.MASH})
THEMES = frozenset({Theme.NEGLECT, Theme.EARLY_HELP})


def draft(text: str = TEXT, title: str = TITLE, **changes: object) -> services.StoryDraft:
    values: dict[str, object] = {"title": title, "text": text, "agencies": AGENCIES,
                                 "themes": THEMES}  # fmt: skip
    values.update(changes)
    return services.StoryDraft(**values)  # type: ignore[arg-type]


def naming_a_child(world: DemoWorld) -> tuple[str, str]:
    """A story naming the first demo child, and that child's first given name."""
    child = world.partnership.children[0]
    given = child.given_names.split()[0]
    return TEXT.replace("the child now has", f"{given} now has"), given


def submitted(uow: UnitOfWork, author: Actor, text: str = TEXT) -> Story:
    outcome = services.start_story(uow, author, draft=draft(text), submit=True)
    assert outcome.done, outcome.check.findings
    return outcome.story
