"""The demo consultation line: work waiting, advice given, calls logged, a referral drafted."""

from fastapi import FastAPI

from jigsaw.consultations import queries
from jigsaw.consultations.queries import QueueView
from jigsaw.consultations.rules import Channel, ConsultationOutcome, ConsultationState
from jigsaw.core import clock
from jigsaw.core.uow import UnitOfWork
from jigsaw.demo.consultations import CONSULTATIONS, load_consultations
from jigsaw.mash.rules import Urgency
from tests.children.helpers import actor
from tests.demo_world import load_world


def test_the_demo_line_has_every_kind_of_work(uow: UnitOfWork, app: FastAPI) -> None:
    world = load_world(uow, app)

    assert load_consultations(uow, world.partnership, now=clock.now()) == len(CONSULTATIONS)

    advisor = actor(uow, world, "consultation-advisor")
    now = clock.now()
    waiting = queries.queue(uow, advisor, view=QueueView.WAITING, now=now)
    advised = queries.queue(uow, advisor, view=QueueView.ADVISED, now=now)
    assert {line.urgency for line in waiting} == set(Urgency)
    assert any(line.overdue for line in waiting)  # the red one, asked three working days ago
    assert any(line.advisor for line in waiting)  # one taken
    assert any(not line.advisor for line in waiting)  # and some not yet
    assert {line.outcome for line in advised} == set(ConsultationOutcome)
    assert {line.channel for line in advised} == set(Channel)  # calls logged too
    assert all(line.created_at < now for line in waiting + advised)

    # The teacher has advice not yet read; the DSL's became a draft referral.
    teacher = queries.mine(uow, actor(uow, world, "teacher-oakfield"), now=now)
    assert any(line.unread for line in teacher)
    dsl = queries.mine(uow, actor(uow, world, "dsl-oakfield"), now=now)
    [converted] = dsl
    record = queries.open_consultation(uow, actor(uow, world, "dsl-oakfield"),
                                       consultation_id=converted.id)  # fmt: skip
    assert record.referral is not None
    assert ConsultationState.WITHDRAWN in {
        line.state for line in queries.mine(uow, actor(uow, world, "dsl-kestrel"), now=now)
    }
    # The GP, who called, finds the advice in her account.
    assert [line.channel for line in queries.mine(uow, actor(uow, world, "gp-riverside"),
                                                  now=now)] == [Channel.PHONE]  # fmt: skip
