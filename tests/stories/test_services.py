"""Telling a story and moderating it: the check blocks, each state in turn, who may do what."""

import pytest
from fastapi import FastAPI
from sqlalchemy import select, text

from jigsaw.access.vocabulary import AgencyKind
from jigsaw.audit.models import AuditEvent
from jigsaw.core.errors import Conflict, Invalid, NotFound
from jigsaw.core.uow import UnitOfWork
from jigsaw.stories import queries, services
from jigsaw.stories.models import Story
from jigsaw.stories.queries import Search
from jigsaw.stories.rules import Party, StoryState, Theme
from jigsaw.stories.shapes import Kind
from tests.children.helpers import actor
from tests.demo_world import DemoWorld, load_world
from tests.stories.helpers import TEXT, TITLE, draft, naming_a_child, submitted


@pytest.fixture
def world(uow: UnitOfWork, app: FastAPI) -> DemoWorld:
    return load_world(uow, app)


def now(uow: UnitOfWork, story: Story) -> Story:
    """The story as it is in the database now."""
    with uow:
        return uow.session.get_one(Story, story.id)


def actions(uow: UnitOfWork, story: Story) -> list[str]:
    with uow:
        rows = uow.session.scalars(
            select(AuditEvent.action).where(AuditEvent.subject_id == story.id)
            .order_by(AuditEvent.seq)
        )  # fmt: skip
        return list(rows)


class TestTelling:
    def test_a_story_naming_a_child_in_the_index_is_not_submitted_and_says_why(
        self, uow: UnitOfWork, world: DemoWorld
    ) -> None:
        teacher = actor(uow, world, "teacher-oakfield")
        story_text, given = naming_a_child(world)

        outcome = services.start_story(uow, teacher, draft=draft(story_text), submit=True)

        assert not outcome.done
        assert outcome.story.state is StoryState.DRAFT  # saved, not submitted
        [finding] = outcome.check.findings
        assert (finding.kind, finding.text, finding.in_index) == (Kind.NAME, given, True)
        assert (finding.where, story_text[finding.start : finding.end]) == ("paragraph 2", given)
        assert actions(uow, outcome.story) == ["story:drafted", "story:checked"]

    def test_once_fixed_it_is_submitted_and_the_moderator_sees_it(
        self, uow: UnitOfWork, world: DemoWorld
    ) -> None:
        teacher = actor(uow, world, "teacher-oakfield")
        story = services.start_story(uow, teacher, draft=draft(naming_a_child(world)[0]),
                                     submit=True).story  # fmt: skip

        outcome = services.edit_story(uow, teacher, story_id=story.id, draft=draft(), submit=True)

        assert outcome.done
        assert outcome.check.clear
        assert outcome.story.state is StoryState.SUBMITTED
        assert outcome.story.times_submitted == 1
        [line] = queries.moderation_queue(uow, actor(uow, world, "privacy-officer"))
        assert (line.id, line.title, line.findings) == (story.id, TITLE, 0)
        assert line.told_by == "a school"

    def test_what_is_missing_is_said_field_by_field(
        self, uow: UnitOfWork, world: DemoWorld
    ) -> None:
        teacher = actor(uow, world, "teacher-oakfield")
        bare = draft("Too short.", title=" ", agencies=frozenset({AgencyKind.SCHOOL}),
                     themes=frozenset())  # fmt: skip
        with pytest.raises(Invalid) as raised:
            services.start_story(uow, teacher, draft=bare)
        assert set(raised.value.errors) == {"title", "text", "agencies", "themes"}

    def test_only_case_roles_tell_stories(self, uow: UnitOfWork, world: DemoWorld) -> None:
        for persona in ("privacy-officer", "system-admin"):
            with pytest.raises(NotFound):
                services.start_story(uow, actor(uow, world, persona), draft=draft())

    def test_the_text_is_sealed_until_published(self, uow: UnitOfWork, world: DemoWorld) -> None:
        story = submitted(uow, actor(uow, world, "gp-riverside"))
        with uow:
            row = uow.session.execute(
                text("SELECT title_sealed, text_sealed, published_text FROM stories WHERE id = :i"),
                {"i": story.id.hex if uow.session.get_bind().dialect.name == "sqlite"
                 else story.id},
            ).one()  # fmt: skip
        assert TITLE not in row[0]
        assert "hungry" not in row[1]
        assert row[2] is None


class TestModerating:
    def test_the_moderator_publishes_and_everyone_finds_it_by_agency_theme_and_words(
        self, uow: UnitOfWork, world: DemoWorld
    ) -> None:
        story = submitted(uow, actor(uow, world, "teacher-oakfield"))
        moderator = actor(uow, world, "privacy-officer")

        outcome = services.publish_story(uow, moderator, story_id=story.id)

        assert outcome.done
        assert outcome.story.state is StoryState.PUBLISHED
        police = actor(uow, world, "police-officer")
        for search in (Search(theme=Theme.NEGLECT), Search(agency=AgencyKind.GP),
                       Search(words="breakfast"), Search(words="hungr"),
                       Search(words="MASH early help", theme=Theme.EARLY_HELP)):  # fmt: skip
            assert [r.story.id for r in queries.list_published(uow, police, search=search)] == [
                story.id
            ], search
        for search in (Search(theme=Theme.ONLINE_HARM), Search(agency=AgencyKind.POLICE),
                       Search(words="unbreakfast"), Search(words="breakfast police")):  # fmt: skip
            assert queries.list_published(uow, police, search=search) == [], search
        record = queries.open_story(uow, police, story_id=story.id)
        assert (record.title, record.text, record.told_by) == (TITLE, TEXT, "a school")
        assert actions(uow, story)[-1] == "story:published"

    def test_publishing_is_refused_while_the_check_finds_anything(
        self, uow: UnitOfWork, world: DemoWorld
    ) -> None:
        story = submitted(uow, actor(uow, world, "teacher-oakfield"))
        moderator = actor(uow, world, "privacy-officer")
        child = world.partnership.children[1]
        naming = TEXT + f" Her NHS number was {child.nhs_number}."

        services.edit_story(uow, moderator, story_id=story.id, draft=draft(naming))
        refused = services.publish_story(uow, moderator, story_id=story.id)

        assert not refused.done
        assert refused.story.state is StoryState.SUBMITTED
        assert [(f.kind, f.in_index) for f in refused.check.findings] == [(Kind.NHS_NUMBER, True)]
        # The moderator takes it out, and then it is published.
        services.edit_story(uow, moderator, story_id=story.id, draft=draft())
        assert services.publish_story(uow, moderator, story_id=story.id).done

    def test_returned_with_a_note_the_author_changes_it_and_submits_it_again(
        self, uow: UnitOfWork, world: DemoWorld
    ) -> None:
        gp = actor(uow, world, "gp-riverside")
        story = submitted(uow, gp)
        moderator = actor(uow, world, "privacy-officer")
        with pytest.raises(Invalid):
            services.return_story(uow, moderator, story_id=story.id, note="  ")

        returned = services.return_story(uow, moderator, story_id=story.id,
                                         note="Say less about the practice's size.")  # fmt: skip

        assert returned.state is StoryState.RETURNED
        record = queries.open_story(uow, gp, story_id=story.id)
        assert record.note == "Say less about the practice's size."
        assert record.party is Party.AUTHOR
        assert record.may("edit")
        assert record.may("submit")
        changed = TEXT.replace("the GP practice", "the GP")
        assert services.edit_story(uow, gp, story_id=story.id, draft=draft(changed),
                                   submit=True).done  # fmt: skip
        assert (now(uow, story).state, now(uow, story).times_submitted) == (
            StoryState.SUBMITTED, 2,
        )  # fmt: skip

    def test_the_author_withdraws_a_published_story_and_nothing_searchable_is_left(
        self, uow: UnitOfWork, world: DemoWorld
    ) -> None:
        teacher = actor(uow, world, "teacher-oakfield")
        story = submitted(uow, teacher)
        services.publish_story(uow, actor(uow, world, "privacy-officer"), story_id=story.id)

        story = services.withdraw_story(uow, teacher, story_id=story.id)

        assert story.state is StoryState.WITHDRAWN
        assert (story.published_title, story.published_text, story.search_text) == (None,) * 3
        assert now(uow, story).search_text is None
        police = actor(uow, world, "police-officer")
        assert queries.list_published(uow, police, search=Search()) == []
        with pytest.raises(NotFound):
            queries.open_story(uow, police, story_id=story.id)

    def test_the_moderator_withdraws_a_published_story(
        self, uow: UnitOfWork, world: DemoWorld
    ) -> None:
        story = submitted(uow, actor(uow, world, "dsl-kestrel"))
        moderator = actor(uow, world, "privacy-officer")
        services.publish_story(uow, moderator, story_id=story.id)
        assert services.withdraw_story(uow, moderator, story_id=story.id).state is (
            StoryState.WITHDRAWN
        )
        assert actions(uow, story)[-1] == "story:withdrawn"


class TestWhoMay:
    def test_an_unpublished_story_is_not_found_by_anyone_but_its_author_and_the_moderator(
        self, uow: UnitOfWork, world: DemoWorld
    ) -> None:
        story = submitted(uow, actor(uow, world, "teacher-oakfield"))
        for persona in ("dsl-oakfield", "police-officer", "system-admin"):
            someone = actor(uow, world, persona)
            with pytest.raises(NotFound):
                queries.open_story(uow, someone, story_id=story.id)
            with pytest.raises(NotFound):
                services.withdraw_story(uow, someone, story_id=story.id)
            with pytest.raises(NotFound):
                services.edit_story(uow, someone, story_id=story.id, draft=draft())
        assert queries.open_story(uow, actor(uow, world, "privacy-officer"),
                                  story_id=story.id).party is Party.MODERATOR  # fmt: skip

    def test_only_the_moderator_publishes_or_returns(
        self, uow: UnitOfWork, world: DemoWorld
    ) -> None:
        teacher = actor(uow, world, "teacher-oakfield")
        story = submitted(uow, teacher)
        with pytest.raises(NotFound):
            services.publish_story(uow, teacher, story_id=story.id)
        with pytest.raises(NotFound):
            services.return_story(uow, teacher, story_id=story.id, note="No")
        with pytest.raises(NotFound):
            queries.moderation_queue(uow, teacher)

    def test_a_step_out_of_turn_is_refused(self, uow: UnitOfWork, world: DemoWorld) -> None:
        teacher = actor(uow, world, "teacher-oakfield")
        moderator = actor(uow, world, "privacy-officer")
        story = submitted(uow, teacher)
        with pytest.raises(Conflict):  # submitted: the text is the moderator's now
            services.edit_story(uow, teacher, story_id=story.id, draft=draft())
        services.publish_story(uow, moderator, story_id=story.id)
        with pytest.raises(Conflict):  # published: withdraw it, do not change it
            services.edit_story(uow, moderator, story_id=story.id, draft=draft())
        with pytest.raises(Conflict):
            services.publish_story(uow, moderator, story_id=story.id)
        with pytest.raises(Conflict):
            services.return_story(uow, moderator, story_id=story.id, note="Too late")

    def test_the_authors_list_shows_each_story_where_it_is_and_what_the_check_finds(
        self, uow: UnitOfWork, world: DemoWorld
    ) -> None:
        teacher = actor(uow, world, "teacher-oakfield")
        clean = submitted(uow, teacher)
        blocked = services.start_story(uow, teacher, draft=draft(naming_a_child(world)[0]),
                                       submit=True).story  # fmt: skip
        lines = {line.id: line for line in queries.list_mine(uow, teacher)}
        assert (lines[clean.id].state, lines[clean.id].findings) == (StoryState.SUBMITTED, 0)
        assert (lines[blocked.id].state, lines[blocked.id].findings) == (StoryState.DRAFT, 1)
        assert queries.list_mine(uow, actor(uow, world, "gp-riverside")) == []
