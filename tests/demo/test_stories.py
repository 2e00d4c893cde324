"""The demo stories: published across agencies and themes, one waiting, one the check blocks."""

from fastapi import FastAPI

from jigsaw.core import clock
from jigsaw.core.uow import UnitOfWork
from jigsaw.demo.stories import STORIES, load_stories
from jigsaw.stories import queries
from jigsaw.stories.queries import Search
from jigsaw.stories.rules import StoryState
from jigsaw.stories.shapes import Kind
from tests.children.helpers import actor
from tests.demo_world import load_world


def test_the_demo_has_stories_to_read_one_to_moderate_and_one_blocked(
    uow: UnitOfWork, app: FastAPI
) -> None:
    world = load_world(uow, app)
    now = clock.now()

    assert load_stories(uow, world.partnership, now=now) == len(STORIES)

    police = actor(uow, world, "police-officer")
    published = queries.list_published(uow, police, search=Search())
    assert len(published) == 6
    assert all(record.story.published_at and record.story.published_at < now
               for record in published)  # fmt: skip
    assert len({record.told_by for record in published}) >= 5  # told across agencies
    assert len({theme for record in published for theme in record.themes}) >= 8
    # The moderator has one waiting, which the check finds nothing in.
    [waiting] = queries.moderation_queue(uow, actor(uow, world, "privacy-officer"))
    assert (waiting.told_by, waiting.findings) == ("a GP practice", 0)
    # The teacher's hurried draft names a pupil from the index, so it was never submitted.
    teacher = actor(uow, world, "teacher-oakfield")
    [draft] = queries.list_mine(uow, teacher)
    assert draft.state is StoryState.DRAFT
    record = queries.open_story(uow, teacher, story_id=draft.id)
    assert {(f.kind, f.in_index) for f in record.check.findings} == {(Kind.NAME, True)}
