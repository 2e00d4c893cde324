"""A contact's lifecycle: every allowed step, and every other one refused."""

import pytest

from jigsaw.mash.rules import (
    TRANSITIONS,
    Action,
    ContactState,
    ForbiddenTransition,
    Urgency,
    allowed_actions,
    next_state,
    suggested_urgency,
)

S, A = ContactState, Action
ALLOWED = {
    (S.RECEIVED, A.ACCEPT): S.SCREENING,
    (S.SCREENING, A.REQUEST_INFORMATION): S.AWAITING_INFORMATION,
    (S.AWAITING_INFORMATION, A.INFORMATION_RECEIVED): S.SCREENING,
    (S.SCREENING, A.DECIDE): S.DECIDED,
    (S.AWAITING_INFORMATION, A.DECIDE): S.DECIDED,
    (S.DECIDED, A.CLOSE): S.CLOSED,
    (S.RECEIVED, A.REJECT): S.REJECTED,
    (S.SCREENING, A.REJECT): S.REJECTED,
    (S.RECEIVED, A.REVOKE): S.REVOKED,
    (S.SCREENING, A.REVOKE): S.REVOKED,
    (S.AWAITING_INFORMATION, A.REVOKE): S.REVOKED,
}
FORBIDDEN = [(state, action) for state in S for action in A if (state, action) not in ALLOWED]


@pytest.mark.parametrize(("step", "after"), ALLOWED.items(), ids=str)
def test_each_allowed_step(step: tuple[ContactState, Action], after: ContactState) -> None:
    assert next_state(*step) is after


@pytest.mark.parametrize("step", FORBIDDEN, ids=lambda v: f"{v[1].value} when {v[0].value}")
def test_every_other_step_is_refused(step: tuple[ContactState, Action]) -> None:
    with pytest.raises(ForbiddenTransition, match=f"cannot {step[1].value}"):
        next_state(*step)


def test_the_table_is_exactly_the_lifecycle_and_ended_contacts_stay_ended() -> None:
    assert dict(TRANSITIONS) == ALLOWED
    for ended in (S.CLOSED, S.REJECTED, S.REVOKED):
        assert allowed_actions(ended) == []
        assert not ended.is_open
    assert allowed_actions(S.RECEIVED) == [A.ACCEPT, A.REJECT, A.REVOKE]


@pytest.mark.parametrize(
    ("level", "danger", "urgency"),
    [(4, False, Urgency.RED), (3, False, Urgency.AMBER), (2, False, Urgency.GREEN),
     (None, False, Urgency.GREEN), (1, True, Urgency.RED)],
)  # fmt: skip
def test_a_contact_starts_rated_from_what_the_sharer_said(
    level: int | None, danger: bool, urgency: Urgency
) -> None:
    assert suggested_urgency(level, immediate_danger=danger) is urgency
