"""Every measure on a small history whose figures are worked out by hand in the comments.

The period is Monday 18 to Friday 29 August 2025 (London); Monday 25 August is the summer
bank holiday. Office hours are 09:00 to 17:00, so a working day is 8 working hours. "Now"
is Monday 1 September 2025, 12:00.
"""

import uuid

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from jigsaw.audit import AuditEvent
from jigsaw.consultations.rules import ConsultationOutcome, ConsultationState
from jigsaw.core.errors import Invalid, NotFound
from jigsaw.core.uow import UnitOfWork
from jigsaw.mash.rules import ContactState, Outcome
from jigsaw.measures import queries
from jigsaw.measures.queries import Measures
from jigsaw.measures.rules import Period, Share
from tests.children.helpers import actor
from tests.demo_world import DemoWorld, load_world
from tests.measures.helpers import History, another_mash, at

AUGUST = Period(*(at(day).date() for day in ("2025-08-18 12:00", "2025-08-29 12:00")))
NOW = at("2025-09-01 12:00")
R, S = ContactState.REJECTED, ContactState.SCREENING


@pytest.fixture
def world(uow: UnitOfWork, app: FastAPI) -> DemoWorld:
    return load_world(uow, app)


@pytest.fixture
def august(uow: UnitOfWork, world: DemoWorld) -> dict[str, uuid.UUID]:
    """The history; returns the organisations by name."""
    x, y, z, w, v, u = (world.id(child.key) for child in world.partnership.children[:6])
    with uow:
        h = History(uow.session, world)
        elsewhere = another_mash(uow.session)
        # Before the period: X's earlier contact (a repeat-maker), one decided in the period.
        h.contact("2025-03-10 11:00", "school-1", child=x, decided="2025-03-10 15:00",
                  outcome=Outcome.NO_FURTHER_ACTION)  # fmt: skip
        p2 = h.contact("2025-08-15 10:00", "school-1", decided="2025-08-18 10:00",
                       outcome=Outcome.ADVICE_AND_SIGNPOSTING)  # fmt: skip
        h.request(p2, "gp-1", asked="2025-08-15 11:00", due="2025-08-15 15:00",
                  answered="2025-08-15 12:00")  # fmt: skip
        h.contact("2024-08-20 10:00", "police", child=v)  # more than 12 months before H
        h.contact("2024-08-28 16:30", "school-1", child=u)  # exactly 12 months before I
        h.contact("2025-08-17 23:30", "police")  # J: the evening before the period
        # At another MASH: never counted here, and no repeat for Z.
        history = History(uow.session, world, mash=elsewhere)
        history.contact("2025-07-01 10:00", "gp-1", child=z)
        history.contact("2025-08-19 10:00", "school-1", child=x)
        history.consultation("2025-08-19 10:00", "school-1", due="2025-08-19 14:00")

        # In the period.
        b = h.contact("2025-08-18 09:30", "police", child=y, decided="2025-08-18 12:30",
                      outcome=Outcome.STRATEGY_DISCUSSION)  # fmt: skip
        c = h.contact("2025-08-19 14:00", "school-1", child=x, decided="2025-08-21 11:00",
                      outcome=Outcome.EARLY_HELP)  # fmt: skip
        a = h.contact("2025-08-22 16:00", "school-1", child=x, decided="2025-08-26 10:00",
                      outcome=Outcome.CHILD_IN_NEED_ASSESSMENT)  # fmt: skip
        d = h.contact("2025-08-23 10:00", "gp-1", child=z, decided="2025-08-26 17:00",
                      outcome=Outcome.NO_FURTHER_ACTION)  # fmt: skip
        h.contact("2025-08-26 09:00", "police", child=v, state=ContactState.REVOKED)  # H
        h.contact("2025-08-27 09:00", "police", state=S)  # E: still being screened
        h.contact("2025-08-28 10:00", "gp-1", child=y, state=R)  # G: rejected
        i = h.contact("2025-08-28 16:30", "school-1", child=u, decided="2025-08-29 16:45",
                      outcome=Outcome.ADVICE_AND_SIGNPOSTING)  # fmt: skip
        f = h.contact("2025-08-29 15:00", "school-1", child=w)  # F: received, not yet due
        h.contact("2025-08-29 23:59", "school-2")  # K: the period's last minute
        h.contact("2025-08-30 00:00", "school-2")  # L: just after the period

        for contact, sent in ((a, "2025-08-26 15:00"), (b, "2025-08-19 10:30"), (c, None),
                              (d, "2025-08-27 09:15"), (i, "2025-09-01 09:00"),
                              (p2, "2025-08-18 11:00")):  # fmt: skip
            h.feedback(contact, sent=sent)

        h.request(c, "gp-1", asked="2025-08-19 15:00", due="2025-08-20 15:00",
                  answered="2025-08-20 10:00")  # R1  # fmt: skip
        h.request(c, "police", asked="2025-08-19 15:00", due="2025-08-20 15:00",
                  answered="2025-08-21 09:30")  # R2  # fmt: skip
        h.request(a, "gp-1", asked="2025-08-22 16:30", due="2025-08-26 16:30",
                  answered=None)  # R3  # fmt: skip
        h.request(f, "gp-1", asked="2025-08-29 16:00", due="2025-09-01 16:00",
                  answered=None)  # R4  # fmt: skip

        advised = ConsultationState.ADVISED
        h.consultation("2025-08-18 10:00", "school-1", due="2025-08-18 14:00", state=advised,
                       advised="2025-08-18 13:00",
                       outcome=ConsultationOutcome.SHARE_WITH_CONSENT)  # K1  # fmt: skip
        h.consultation("2025-08-22 16:00", "police", due="2025-08-26 12:00", state=advised,
                       advised="2025-08-26 14:00",
                       outcome=ConsultationOutcome.MAKE_REFERRAL)  # K2  # fmt: skip
        h.consultation("2025-08-27 09:00", "school-1", due="2025-08-27 13:00")  # K3
        h.consultation("2025-08-28 11:00", "gp-1", due="2025-08-28 15:00",
                       state=ConsultationState.WITHDRAWN)  # K4  # fmt: skip
        h.consultation("2025-08-29 16:00", "school-1", due="2025-09-01 12:30")  # K5
        uow.commit()
    return {name: world.id(f"org:{name}") for name in ("school-1", "school-2", "police", "gp-1")}


def measures(uow: UnitOfWork, world: DemoWorld, agency: uuid.UUID | None = None) -> Measures:
    manager = actor(uow, world, "mash-manager")
    return queries.get_measures(uow, manager, period=AUGUST, agency_id=agency, now=NOW)


def test_contacts_per_day_by_agency_count_london_dates_and_keep_to_the_period(
    uow: UnitOfWork, world: DemoWorld, august: dict[str, uuid.UUID]
) -> None:
    found = measures(uow, world).contacts
    school, police, gp, school_2 = (august[n] for n in ("school-1", "police", "gp-1", "school-2"))

    # A, C, I, F from the school; B, H, E from the police; D, G from the GP; K from school 2.
    # J (Sunday 23:30) and L (Saturday 30th, 00:00) fall outside; so does the other MASH's.
    assert found.total == 10
    assert found.by_source == {school: 4, police: 3, gp: 2, school_2: 1}
    assert found.sources[:2] == [school, police]
    assert len(found.days) == 12
    assert found.counts == {
        (AUGUST.start, police): 1,  # B, Monday 18th
        (at("2025-08-19 12:00").date(), school): 1,  # C
        (at("2025-08-22 12:00").date(), school): 1,  # A
        (at("2025-08-23 12:00").date(), gp): 1,  # D, a Saturday
        (at("2025-08-26 12:00").date(), police): 1,  # H
        (at("2025-08-27 12:00").date(), police): 1,  # E
        (at("2025-08-28 12:00").date(), gp): 1,  # G
        (at("2025-08-28 12:00").date(), school): 1,  # I
        (AUGUST.end, school): 1,  # F
        (AUGUST.end, school_2): 1,  # K at 23:59 London (22:59 UTC) is still the 29th
    }


def test_time_to_decision_counts_working_hours_over_the_bank_holiday(
    uow: UnitOfWork, world: DemoWorld, august: dict[str, uuid.UUID]
) -> None:
    found = measures(uow, world).decisions

    # B: Mon 09:30 to 12:30 = 3 h. C: Tue 14:00 to Thu 11:00 = 3 + 8 + 2 = 13 h.
    # A: Fri 16:00 to Tue 10:00 = 1 (Fri) + 0 (bank holiday) + 1 (Tue) = 2 h.
    # D: Sat 10:00 counts from Tue 09:00 (weekend, bank holiday) to Tue 17:00 = 8 h.
    # I: Thu 16:30 to Fri 16:45 = 0.5 + 7.75 = 8.25 h.
    # Sorted 2, 3, 8, 8.25, 13: median 8; 90th percentile is the 5th of 5 (ceil 4.5) = 13.
    assert found.decided == 5
    assert found.median_hours == 8.0
    assert found.p90_hours == 13.0
    # Within one working day: A (due Tue 16:00), B, and D exactly at its due time (Tue 17:00);
    # C (due Wed 14:00) and I (due Fri 16:30) late. Of 5 decided plus E, undecided past its
    # due time (Thu 09:00); F (due Mon 15:00) and K (due Mon 17:00) are not yet due;
    # G (rejected) and H (withdrawn) are left out. 3 of 6.
    assert found.within_one_day == Share(3, 6)
    assert found.within_one_day_by_source == {
        august["school-1"]: Share(1, 3),  # A on time; C, I late; F not yet due
        august["police"]: Share(1, 2),  # B on time; E overdue
        august["gp-1"]: Share(1, 1),  # D on time; G rejected
    }
    assert found.outcomes == {
        Outcome.NO_FURTHER_ACTION: 1, Outcome.ADVICE_AND_SIGNPOSTING: 1,
        Outcome.EARLY_HELP: 1, Outcome.CHILD_IN_NEED_ASSESSMENT: 1,
        Outcome.STRATEGY_DISCUSSION: 1, Outcome.LADO: 0, Outcome.POLICE: 0,
        Outcome.TRANSFER: 0,
    }  # fmt: skip
    assert (found.undecided, found.rejected, found.revoked) == (3, 1, 1)  # E, F, K; G; H


@pytest.mark.usefixtures("august")
def test_time_to_feedback_follows_contacts_decided_in_the_period(
    uow: UnitOfWork, world: DemoWorld
) -> None:
    found = measures(uow, world).feedback

    # Decided in the period: A, B, C, D, I and P2 (received on the 15th, decided the 18th).
    # Sent: A Tue 10:00 -> 15:00 = 5 h; B Mon 12:30 -> Tue 10:30 = 4.5 + 1.5 = 6 h;
    # D Tue 17:00 -> Wed 09:15 = 0.25 h; I Fri 16:45 -> Mon 1st 09:00 = 0.25 h;
    # P2 Mon 10:00 -> 11:00 = 1 h. C's feedback is still a draft: 5 of 6.
    # Sorted 0.25, 0.25, 1, 5, 6: median 1.
    assert found.sent == Share(5, 6)
    assert found.median_hours == 1.0


def test_partner_checks_by_the_agency_asked(
    uow: UnitOfWork, world: DemoWorld, august: dict[str, uuid.UUID]
) -> None:
    gp, police, everyone = measures(uow, world).partners

    # R1 GP: Tue 15:00 -> Wed 10:00 = 2 + 1 = 3 h, on time. R3 GP: unanswered, past due.
    # R4 GP: unanswered, not yet due (Mon 16:00). P2's check was asked before the period.
    assert (gp.organisation_id, gp.asked, gp.answered) == (august["gp-1"], 3, 1)
    assert gp.median_hours == 3.0
    assert gp.answered_by_due == Share(1, 2)
    # R2 police: Tue 15:00 -> Thu 09:30 = 2 + 8 + 0.5 = 10.5 h, after its due time.
    assert (police.organisation_id, police.asked, police.answered) == (august["police"], 1, 1)
    assert police.median_hours == 10.5
    assert police.answered_by_due == Share(0, 1)
    # Together: median of 3 and 10.5 = 6.75; on time 1 of 3.
    assert (everyone.organisation_id, everyone.asked, everyone.answered) == (None, 4, 2)
    assert everyone.median_hours == 6.75
    assert everyone.answered_by_due == Share(1, 3)


@pytest.mark.usefixtures("august")
def test_consultations_and_their_outcomes(uow: UnitOfWork, world: DemoWorld) -> None:
    found = measures(uow, world).consultations

    # K1..K5 at this MASH's line (the other MASH's is left out). K1: Mon 10:00 -> 13:00 =
    # 3 h, on time. K2: Fri 16:00 -> Tue 14:00 = 1 + 5 = 6 h, due Tue 12:00: late.
    # K3 waiting past due (settled, late); K5 waiting, not yet due; K4 withdrawn.
    assert found.created == 5
    assert found.outcomes == {
        ConsultationOutcome.NO_ACTION: 0, ConsultationOutcome.SHARE_WITH_CONSENT: 1,
        ConsultationOutcome.MAKE_REFERRAL: 1, ConsultationOutcome.CALL_POLICE: 0,
    }  # fmt: skip
    assert (found.waiting, found.withdrawn) == (2, 1)
    assert found.median_hours == 4.5
    assert found.advised_by_due == Share(1, 3)


@pytest.mark.usefixtures("august")
def test_repeat_contacts_look_back_twelve_months_at_the_same_mash(
    uow: UnitOfWork, world: DemoWorld
) -> None:
    found = measures(uow, world).repeats

    # A (X: March and C before it), C (X: March), G (Y: B on the 18th) and I (U: exactly
    # twelve months before) are repeats. H (V: 20 August 2024, more than twelve months)
    # and D (Z: only at the other MASH) are not; B, F and the unidentified E, K are not.
    assert found == Share(4, 10)


def test_one_agency_narrows_contacts_feedback_checks_and_consultations(
    uow: UnitOfWork, world: DemoWorld, august: dict[str, uuid.UUID]
) -> None:
    found = measures(uow, world, august["school-1"])

    assert found.agency is not None
    assert found.agency.name == "Oakfield Primary School"
    # Contacts A, C, I, F. Decided A 2 h, C 13 h, I 8.25 h: median 8.25, p90 the 3rd = 13.
    assert found.contacts.total == 4
    assert (found.decisions.median_hours, found.decisions.p90_hours) == (8.25, 13.0)
    assert found.decisions.within_one_day == Share(1, 3)
    # Feedback: A, C, I, P2 decided; A (5 h), I (0.25 h), P2 (1 h) sent: median 1.
    assert found.feedback.sent == Share(3, 4)
    assert found.feedback.median_hours == 1.0
    # Partner checks are narrowed to the agency asked: none asked of the school.
    assert [line.asked for line in found.partners] == [0]
    # Consultations asked from the school: K1 (3 h, on time), K3 (late), K5 (not yet due).
    assert (found.consultations.created, found.consultations.waiting) == (3, 2)
    assert found.consultations.median_hours == 3.0
    assert found.consultations.advised_by_due == Share(1, 2)
    assert found.repeats == Share(3, 4)  # A, C, I

    police = measures(uow, world, august["police"]).partners
    assert [(line.organisation_id, line.asked) for line in police] == [
        (august["police"], 1), (None, 1),
    ]  # fmt: skip


@pytest.mark.usefixtures("august")
def test_a_day_s_period_and_an_empty_one(uow: UnitOfWork, world: DemoWorld) -> None:
    manager = actor(uow, world, "mash-manager")
    friday = at("2025-08-29 12:00").date()
    found = queries.get_measures(uow, manager, period=Period(friday, friday), agency_id=None,
                                 now=NOW)  # fmt: skip
    assert found.contacts.total == 2  # F and K (at 23:59); not L at midnight
    january = Period.last_days(at("2025-01-31 12:00").date())
    empty = queries.get_measures(uow, manager, period=january, agency_id=None, now=NOW)
    assert empty.contacts.total == 0
    assert empty.decisions.median_hours is None
    assert empty.decisions.within_one_day.ratio is None
    assert empty.partners[-1].asked == 0


@pytest.mark.usefixtures("august")
def test_only_the_mash_s_own_staff_read_its_measures_and_it_is_audited(
    uow: UnitOfWork, world: DemoWorld
) -> None:
    for persona in ("mash-practitioner", "consultation-advisor", "mash-manager"):
        reader = actor(uow, world, persona)
        queries.get_measures(uow, reader, period=AUGUST, agency_id=None, now=NOW)
    for outsider in ("social-worker", "dsl-oakfield", "privacy-officer", "system-admin"):
        with pytest.raises(NotFound):
            queries.get_measures(uow, actor(uow, world, outsider), period=AUGUST,
                                 agency_id=None, now=NOW)  # fmt: skip
        with pytest.raises(NotFound):
            queries.list_agencies(uow, actor(uow, world, outsider))
    with uow:
        events = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "measures:viewed")
        ).all()
    assert len(events) == 3
    assert {(e.subject_type, e.subject_id, e.child_id) for e in events} == {
        ("organisation", world.id("org:mash"), None)
    }


def test_an_agency_that_is_not_one_of_the_partnership_s_is_refused(
    uow: UnitOfWork, world: DemoWorld
) -> None:
    manager = actor(uow, world, "mash-manager")
    for agency in (uuid.uuid4(), world.id("org:mash")):
        with pytest.raises(Invalid) as refused:
            queries.get_measures(uow, manager, period=AUGUST, agency_id=agency, now=NOW)
        assert refused.value.errors == {"agency": "Choose an agency from the list"}
    names = [agency.name for agency in queries.list_agencies(uow, manager)]
    assert "Oakfield Primary School" in names
    assert "Eastmoor Multi-Agency Safeguarding Hub" not in names
    assert names == sorted(names)
