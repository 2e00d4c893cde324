"""Writing, submitting and moderating stories: each one transaction with its audit rows.

A story is submitted, and published, only when the anonymisation check finds nothing in it;
otherwise the step is not taken and the caller gets the check's findings to show. The text is
sealed until publication; publishing copies it to the searchable plain columns, and
withdrawing a published story clears them.
"""

import uuid
from dataclasses import dataclass

from jigsaw import audit
from jigsaw.access import policy
from jigsaw.access.actor import Actor
from jigsaw.access.permissions import Permission
from jigsaw.access.vocabulary import AgencyKind
from jigsaw.core import clock
from jigsaw.core.encryption import seal
from jigsaw.core.errors import Invalid, NotFound
from jigsaw.core.uow import UnitOfWork
from jigsaw.stories.anonymisation import Check
from jigsaw.stories.models import Story, StoryAgency, StoryTheme
from jigsaw.stories.queries import access_story, run_check, working_copy
from jigsaw.stories.rules import (
    NOTE_MAX,
    TEXT_MAX,
    TEXT_MIN,
    TITLE_MAX,
    Party,
    Step,
    StoryState,
    Theme,
    after,
    agency_label,
    may,
    search_words,
)

MIN_AGENCIES = 2  # a story of sharing has at least two agencies in it


@dataclass(frozen=True, slots=True)
class StoryDraft:
    """What the author writes: a title, the story, the agencies involved, its themes."""

    title: str
    text: str
    agencies: frozenset[AgencyKind]
    themes: frozenset[Theme]


@dataclass(frozen=True, slots=True)
class Outcome:
    """A story after a step, the check as it ran, and whether the step was taken.

    ``done`` is False when the check found something: the story was saved (if that was asked)
    but not submitted or published.
    """

    story: Story
    check: Check
    done: bool


def start_story(
    uow: UnitOfWork, actor: Actor, *, draft: StoryDraft, submit: bool = False
) -> Outcome:
    """Write a new story as a draft, and submit it if asked and the check finds nothing.

    Raises:
        NotFound: the actor does not tell stories (a person with a case role).
        Invalid: something missing or too long.
    """
    if actor.id is None or actor.organisation_id is None or actor.agency_kind is None:
        raise NotFound("story")
    if not policy.can(actor, Permission.STORY_SUBMIT):
        raise NotFound("story")
    _validate(draft)
    now = clock.now()
    with uow:
        story = Story(
            id=uuid.uuid4(), author_id=actor.id, organisation_id=actor.organisation_id,
            organisation_kind=actor.agency_kind, state=StoryState.DRAFT, title_sealed="",
            text_sealed="", created_at=now, updated_at=now, times_submitted=0,
        )  # fmt: skip
        _write(story, draft)
        uow.session.add(story)
        uow.flush()
        _audit(uow, actor, "story:drafted", story)
        outcome = _submitted(uow, actor, story) if submit else _checked(uow, actor, story)
        uow.commit()
    return outcome


def edit_story(
    uow: UnitOfWork, actor: Actor, *, story_id: uuid.UUID, draft: StoryDraft, submit: bool = False
) -> Outcome:
    """Change a story, and (its author) submit it in the same step.

    The author changes it before it is submitted or once it is returned; the moderator while
    it waits for them.

    Raises:
        NotFound: not a story the actor may read.
        Conflict: not a story they may change now.
        Invalid: something missing or too long.
    """
    with uow:
        story, party = _for_step(uow, actor, story_id, Step.EDIT)
        after(party, Step.EDIT, story.state)
        _validate(draft)
        _write(story, draft)
        _audit(uow, actor, "story:edited", story)
        if submit and party is Party.AUTHOR:
            outcome = _submitted(uow, actor, story)
        else:
            outcome = _checked(uow, actor, story)
        uow.commit()
    return outcome


def publish_story(uow: UnitOfWork, actor: Actor, *, story_id: uuid.UUID) -> Outcome:
    """Publish a submitted story for the whole partnership, if the check finds nothing.

    Raises:
        NotFound: the actor does not moderate stories, or no such story.
        Conflict: the story is not waiting for the moderator.
    """
    with uow:
        story = _moderated(uow, actor, story_id)
        state = after(Party.MODERATOR, Step.PUBLISH, story.state)
        check = run_check(uow, actor, story)
        if check.clear:
            title, text = working_copy(story)
            story.state = state
            story.published_at = story.updated_at = clock.now()
            story.moderated_by_id = actor.id
            story.published_title, story.published_text = title, text
            story.search_text = _searchable(title, text, story)
            _audit(uow, actor, "story:published", story)
        uow.commit()
    return Outcome(story, check, check.clear)


def return_story(uow: UnitOfWork, actor: Actor, *, story_id: uuid.UUID, note: str) -> Story:
    """Send a submitted story back to its author with a note of what to change.

    Raises:
        NotFound: the actor does not moderate stories, or no such story.
        Conflict: the story is not waiting for the moderator.
        Invalid: no note, or too long.
    """
    with uow:
        story = _moderated(uow, actor, story_id)
        state = after(Party.MODERATOR, Step.RETURN, story.state)
        if not note.strip():
            raise Invalid({"note": "Say what the author should change"})
        if len(note) > NOTE_MAX:
            raise Invalid({"note": f"Keep the note to {NOTE_MAX:,} characters"})
        story.state = state
        story.note_sealed = seal("stories", "note_sealed", story.id, note.strip())
        story.returned_at = story.updated_at = clock.now()
        story.moderated_by_id = actor.id
        _audit(uow, actor, "story:returned", story)
        uow.commit()
    return story


def withdraw_story(uow: UnitOfWork, actor: Actor, *, story_id: uuid.UUID) -> Story:
    """Take a story back (its author) or down (the moderator), published or not.

    A published story's plain copy is cleared: a story withdrawn because it could identify
    someone leaves nothing searchable behind.

    Raises:
        NotFound: not a story the actor may read.
        Conflict: already withdrawn, or a draft the moderator has not been sent.
    """
    with uow:
        story, party = _for_step(uow, actor, story_id, Step.WITHDRAW)
        story.state = after(party, Step.WITHDRAW, story.state)
        story.withdrawn_at = story.updated_at = clock.now()
        story.withdrawn_by_id = actor.id
        story.published_title = story.published_text = story.search_text = None
        _audit(uow, actor, "story:withdrawn", story)
        uow.commit()
    return story


def _for_step(
    uow: UnitOfWork, actor: Actor, story_id: uuid.UUID, step: Step
) -> tuple[Story, Party]:
    """The story and who the actor is to it for this step: its author first, else moderator.

    Raises:
        NotFound: not a story the actor may read.
    """
    story = access_story(uow, actor, story_id)
    if policy.is_story_author(actor, story.author_id) and (
        may(Party.AUTHOR, step, story.state) or not policy.may_moderate_stories(actor)
    ):
        return story, Party.AUTHOR
    if policy.may_moderate_stories(actor):
        return story, Party.MODERATOR
    raise NotFound("story")


def _moderated(uow: UnitOfWork, actor: Actor, story_id: uuid.UUID) -> Story:
    if not policy.may_moderate_stories(actor):
        raise NotFound("story")
    return access_story(uow, actor, story_id)


def _submitted(uow: UnitOfWork, actor: Actor, story: Story) -> Outcome:
    """Submit the story if the check finds nothing; the check is recorded either way."""
    state = after(Party.AUTHOR, Step.SUBMIT, story.state)
    uow.flush()
    check = run_check(uow, actor, story)
    if check.clear:
        story.state = state
        story.submitted_at = story.updated_at = clock.now()
        story.times_submitted += 1
        _audit(uow, actor, "story:submitted", story)
    return Outcome(story, check, check.clear)


def _checked(uow: UnitOfWork, actor: Actor, story: Story) -> Outcome:
    uow.flush()
    check = run_check(uow, actor, story)
    return Outcome(story, check, done=False)


def _validate(draft: StoryDraft) -> None:
    problems = {}
    if not draft.title.strip():
        problems["title"] = "Give the story a title"
    elif len(draft.title) > TITLE_MAX:
        problems["title"] = f"Keep the title to {TITLE_MAX} characters"
    if len(draft.text.strip()) < TEXT_MIN:
        problems["text"] = "Tell the story: what was shared, by whom, and what it led to"
    elif len(draft.text) > TEXT_MAX:
        problems["text"] = f"Keep the story to {TEXT_MAX:,} characters"
    if len(draft.agencies) < MIN_AGENCIES:
        problems["agencies"] = "Choose the agencies that shared: at least two"
    if not draft.themes:
        problems["themes"] = "Choose at least one theme"
    if problems:
        raise Invalid(problems)


def _write(story: Story, draft: StoryDraft) -> None:
    story.title_sealed = seal("stories", "title_sealed", story.id, draft.title.strip()) or ""
    story.text_sealed = seal("stories", "text_sealed", story.id, draft.text.strip()) or ""
    # Rows still wanted are kept (a row deleted and added again in one flush would clash).
    agencies = [row for row in story.agencies if row.agency in draft.agencies]
    kept = {row.agency for row in agencies}
    story.agencies = agencies + [StoryAgency(agency=a) for a in sorted(draft.agencies - kept)]
    themes = [row for row in story.themes if row.theme in draft.themes]
    held = {row.theme for row in themes}
    story.themes = themes + [StoryTheme(theme=t) for t in sorted(draft.themes - held)]
    story.updated_at = clock.now()


def _searchable(title: str, text: str, story: Story) -> str:
    agencies = [agency_label(a.agency) for a in story.agencies]
    themes = [t.theme.label for t in story.themes]
    return search_words(title, text, *agencies, *themes)


def _audit(uow: UnitOfWork, actor: Actor, action: str, story: Story) -> None:
    audit.record(uow, actor, action, subject_type="story", subject_id=story.id)
