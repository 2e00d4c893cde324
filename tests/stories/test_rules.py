"""A story's moderation states: every step each party may take, and every one they may not."""

import itertools

import pytest

from jigsaw.access.vocabulary import AgencyKind
from jigsaw.core.errors import Conflict
from jigsaw.stories.rules import (
    Party,
    Step,
    StoryState,
    after,
    agency_label,
    may,
    search_words,
    told_by,
)

S = StoryState
A, M = Party.AUTHOR, Party.MODERATOR
# Every step that may be taken: (who, what, from) -> to. Anything not here is refused.
ALLOWED = {
    (A, Step.EDIT, S.DRAFT): S.DRAFT,
    (A, Step.EDIT, S.RETURNED): S.RETURNED,
    (A, Step.SUBMIT, S.DRAFT): S.SUBMITTED,
    (A, Step.SUBMIT, S.RETURNED): S.SUBMITTED,  # resubmitted once changed
    (A, Step.WITHDRAW, S.DRAFT): S.WITHDRAWN,
    (A, Step.WITHDRAW, S.SUBMITTED): S.WITHDRAWN,
    (A, Step.WITHDRAW, S.RETURNED): S.WITHDRAWN,
    (A, Step.WITHDRAW, S.PUBLISHED): S.WITHDRAWN,
    (M, Step.EDIT, S.SUBMITTED): S.SUBMITTED,
    (M, Step.PUBLISH, S.SUBMITTED): S.PUBLISHED,
    (M, Step.RETURN, S.SUBMITTED): S.RETURNED,
    (M, Step.WITHDRAW, S.SUBMITTED): S.WITHDRAWN,
    (M, Step.WITHDRAW, S.RETURNED): S.WITHDRAWN,
    (M, Step.WITHDRAW, S.PUBLISHED): S.WITHDRAWN,
}


@pytest.mark.parametrize(("party", "step", "state"), list(itertools.product(Party, Step, S)))
def test_each_step_is_allowed_only_where_the_table_says(
    party: Party, step: Step, state: StoryState
) -> None:
    expected = ALLOWED.get((party, step, state))
    assert may(party, step, state) is (expected is not None)
    if expected is None:
        with pytest.raises(Conflict):
            after(party, step, state)
    else:
        assert after(party, step, state) is expected


def test_only_the_moderator_publishes_and_only_what_was_submitted() -> None:
    assert [s for s in S if may(M, Step.PUBLISH, s)] == [S.SUBMITTED]
    assert not any(may(A, Step.PUBLISH, s) for s in S)


def test_nothing_leaves_withdrawn() -> None:
    assert not any(may(p, step, S.WITHDRAWN) for p in Party for step in Step)


def test_a_published_story_says_who_told_it_as_a_kind_of_agency() -> None:
    assert told_by(AgencyKind.GP) == "a GP practice"
    assert agency_label(AgencyKind.POLICE) == "Police"
    for kind in AgencyKind:  # every kind of agency has its words
        assert told_by(kind)
        assert agency_label(kind)


def test_search_words_are_plain_lower_case_words_each_after_a_space() -> None:
    assert search_words("A GP\u2019s note", "Café—neglect!") == " a gp s note cafe neglect "
