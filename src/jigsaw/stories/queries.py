"""Stories as each reader may see them: published and searchable, the author's own, the queue.

Published stories have passed the anonymisation check and a moderator: reading them is not
reading a child's information, so it is not audited. Anything before publication may still
name a child: opening it, and running the check on it, is audited.
"""

import uuid
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from jigsaw import audit
from jigsaw.access import policy
from jigsaw.access.actor import Actor
from jigsaw.access.permissions import Permission
from jigsaw.access.vocabulary import AgencyKind
from jigsaw.core.encryption import unseal
from jigsaw.core.errors import NotFound
from jigsaw.core.uow import UnitOfWork
from jigsaw.stories.anonymisation import Check, check_story
from jigsaw.stories.models import Story, StoryAgency, StoryTheme
from jigsaw.stories.rules import Party, Step, StoryState, Theme, may, search_words, told_by

LIST_LIMIT = 100
QUEUE_LIMIT = 50
_UNCHECKED = Check(())


@dataclass(frozen=True, slots=True)
class Search:
    """What the published list is narrowed to: words, an agency involved, a theme."""

    words: str = ""
    agency: AgencyKind | None = None
    theme: Theme | None = None


@dataclass(frozen=True, slots=True)
class StoryRecord:
    """A story as its reader sees it, and what they may do with it."""

    story: Story
    title: str
    text: str
    note: str  # the moderator's note, for the author and moderators
    told_by: str  # "a school": the kind of organisation, never the person
    agencies: list[AgencyKind]
    themes: list[Theme]
    check: Check  # run on anything unpublished; empty for a published story
    party: Party | None  # who the reader is to this story: its author, a moderator, or neither

    def may(self, step: str) -> bool:
        """Whether the reader may take this step now (for the page's buttons)."""
        return self.party is not None and may(self.party, Step(step), self.story.state)


@dataclass(frozen=True, slots=True)
class StoryLine:
    """A story in a list: the author's own, or the moderator's queue."""

    id: uuid.UUID
    title: str
    state: StoryState
    told_by: str
    updated_at: datetime
    submitted_at: datetime | None
    published_at: datetime | None
    findings: int  # what the check finds now (0 for published and withdrawn stories)
    returned: bool  # back with the author, with a note


def may_tell(actor: Actor) -> bool:
    """Whether the actor tells stories (for the pages' links)."""
    return policy.can(actor, Permission.STORY_SUBMIT)


def may_moderate(actor: Actor) -> bool:
    """Whether the actor moderates stories (for the pages' links)."""
    return policy.may_moderate_stories(actor)


def access_story(uow: UnitOfWork, actor: Actor, story_id: uuid.UUID) -> Story:
    """The story, if the actor may read it: published, their own, or one they moderate.

    Raises:
        NotFound: no such story, or not one the actor may read (the same answer).
    """
    story = uow.session.get(Story, story_id)
    if story is None or not policy.may_read_story(
        actor, author_id=story.author_id, published=story.state is StoryState.PUBLISHED
    ):
        raise NotFound("story")
    return story


def party_to(actor: Actor, story: Story) -> Party | None:
    """Who the actor is to a story they may read: its author, a moderator, or a reader."""
    if policy.is_story_author(actor, story.author_id):
        return Party.AUTHOR
    return Party.MODERATOR if policy.may_moderate_stories(actor) else None


def working_copy(story: Story) -> tuple[str, str]:
    """The title and text as last saved (sealed until published)."""
    title = unseal("stories", "title_sealed", story.id, story.title_sealed)
    return title, unseal("stories", "text_sealed", story.id, story.text_sealed)


def run_check(uow: UnitOfWork, actor: Actor, story: Story) -> Check:
    """The anonymisation check on a story's working copy; audited, as it reads the index."""
    title, text = working_copy(story)
    check = check_story(uow.session, title=title, text=text)
    audit.record(uow, actor, "story:checked", subject_type="story", subject_id=story.id)
    return check


def open_story(uow: UnitOfWork, actor: Actor, *, story_id: uuid.UUID) -> StoryRecord:
    """A story as the actor may see it; before publication an audited read, with the check.

    Raises:
        NotFound: no such story, or not one the actor may read (the same answer).
    """
    with uow:
        story = access_story(uow, actor, story_id)
        party = party_to(actor, story)
        if story.state is StoryState.PUBLISHED:
            record = _published_record(story)
        else:
            title, text = working_copy(story)
            checked = story.state is not StoryState.WITHDRAWN
            record = StoryRecord(
                story=story, title=title, text=text, note="",
                told_by=told_by(story.organisation_kind),
                agencies=[a.agency for a in story.agencies], themes=[t.theme for t in story.themes],
                check=run_check(uow, actor, story) if checked else _UNCHECKED, party=party,
            )  # fmt: skip
            audit.record(uow, actor, "story:viewed", subject_type="story", subject_id=story.id)
        if party is not None:
            note = unseal("stories", "note_sealed", story.id, story.note_sealed)
            record = replace(record, note=note, party=party)
        uow.commit()
    return record


def published_story(uow: UnitOfWork, actor: Actor, *, story_id: uuid.UUID) -> StoryRecord:
    """A published story (the API's: nothing unpublished is ever given to a system).

    Raises:
        NotFound: no such published story.
    """
    with uow:
        story = uow.session.get(Story, story_id)
        if story is None or story.state is not StoryState.PUBLISHED:
            raise NotFound("story")
        if not policy.may_read_story(actor, author_id=story.author_id, published=True):
            raise NotFound("story")
        return _published_record(story)


def list_published(uow: UnitOfWork, actor: Actor, *, search: Search) -> list[StoryRecord]:
    """Published stories, newest first, narrowed by words, agency and theme.

    Words are matched against the published words (``search_text``) with LIKE, the same on
    SQLite and PostgreSQL: a partnership publishes hundreds of stories, not millions, so one
    pass over the published rows is quick and needs no engine-specific full-text index.
    """
    if not policy.can(actor, Permission.STORY_READ):
        raise NotFound("stories")
    query = _published(search).options(selectinload(Story.agencies), selectinload(Story.themes))
    with uow:
        stories = list(uow.session.scalars(query.limit(LIST_LIMIT)))
    return [_published_record(story) for story in stories]


def _published_record(story: Story) -> StoryRecord:
    return StoryRecord(
        story=story, title=story.published_title or "", text=story.published_text or "",
        note="", told_by=told_by(story.organisation_kind),
        agencies=[a.agency for a in story.agencies], themes=[t.theme for t in story.themes],
        check=_UNCHECKED, party=None,
    )  # fmt: skip


def _published(search: Search) -> Select[Story]:
    query = select(Story).where(Story.state == StoryState.PUBLISHED)
    for word in search_words(search.words).split():
        query = query.where(Story.search_text.contains(f" {word}", autoescape=True))
    if search.agency is not None:
        query = query.where(
            Story.id.in_(select(StoryAgency.story_id).where(StoryAgency.agency == search.agency))
        )
    if search.theme is not None:
        query = query.where(
            Story.id.in_(select(StoryTheme.story_id).where(StoryTheme.theme == search.theme))
        )
    return query.order_by(Story.published_at.desc(), Story.id)


def list_mine(uow: UnitOfWork, actor: Actor) -> list[StoryLine]:
    """The actor's own stories, newest first, each unpublished one checked again now."""
    if actor.id is None:
        return []
    with uow:
        stories = list(uow.session.scalars(
            select(Story).where(Story.author_id == actor.id)
            .order_by(Story.updated_at.desc()).limit(LIST_LIMIT)
        ))  # fmt: skip
        lines = _lines(uow, actor, stories)
        uow.commit()
    return lines


def moderation_queue(uow: UnitOfWork, actor: Actor) -> list[StoryLine]:
    """Stories waiting for the moderator, longest waiting first, each checked again now.

    Raises:
        NotFound: the actor does not moderate stories.
    """
    if not policy.may_moderate_stories(actor):
        raise NotFound("stories")
    with uow:
        stories = list(uow.session.scalars(
            select(Story).where(Story.state == StoryState.SUBMITTED)
            .order_by(Story.submitted_at, Story.id).limit(QUEUE_LIMIT)
        ))  # fmt: skip
        lines = _lines(uow, actor, stories)
        if stories:
            audit.record_many(uow, actor, "story:listed", subject_type="story",
                              subject_ids=[story.id for story in stories])  # fmt: skip
        uow.commit()
    return lines


def _lines(uow: UnitOfWork, actor: Actor, stories: list[Story]) -> list[StoryLine]:
    lines = []
    for story in stories:
        checked = story.state not in {StoryState.PUBLISHED, StoryState.WITHDRAWN}
        findings = len(run_check(uow, actor, story).findings) if checked else 0
        title = story.published_title or working_copy(story)[0]
        lines.append(StoryLine(
            id=story.id, title=title, state=story.state, told_by=told_by(story.organisation_kind),
            updated_at=story.updated_at, submitted_at=story.submitted_at,
            published_at=story.published_at, findings=findings,
            returned=story.state is StoryState.RETURNED,
        ))  # fmt: skip
    return lines
