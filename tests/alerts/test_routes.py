"""The alert pages: the inbox's tabs, an alert opened, taken and acknowledged with a note."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from jigsaw.access.actor import Actor
from jigsaw.access.models import InvolvementRole
from jigsaw.access.permissions import Permission
from jigsaw.access.vocabulary import AccessBasis, AgencyKind
from jigsaw.alerts import queries
from jigsaw.alerts import services as alerts
from jigsaw.alerts.models import Alert, AlertState
from jigsaw.alerts.queries import InboxView
from jigsaw.audit.models import AuditEvent
from jigsaw.children.models import Child
from jigsaw.config import Settings
from jigsaw.core.uow import UnitOfWork
from jigsaw.notifications import Notification
from tests.alerts.test_engine import (
    GP,
    INCIDENT,
    RECEIVED,
    SCHOOL,
    T,
    contact_of,
    evaluate,
    missed,
    missed_for,
    new_child,
    post,
    raised_for,
    share,
    system_of,
    the_alert,
)
from tests.children.helpers import actor
from tests.demo_world import DemoWorld, bearer, form_token, load_world, sign_in

NOTE = "Spoke to the child's class teacher before registration"


@pytest.fixture
def world(uow: UnitOfWork, app: FastAPI) -> DemoWorld:
    return load_world(uow, app, children=20)


@pytest.fixture
def calendars(settings: Settings) -> alerts.Calendars:
    return alerts.Calendars(settings.working_calendar(), settings.school_calendar())


@pytest.fixture
def alert(uow: UnitOfWork, world: DemoWorld, calendars: alerts.Calendars) -> Alert:
    """Police attended a domestic abuse incident: an alert for Oakfield's DSL (overdue now)."""
    new_child(uow, world, 81, ("school-1", None, InvolvementRole.SCHOOL_ATTENDED))
    posted = post(uow, system_of(world, "police", AgencyKind.POLICE), 81,
                  "domestic_abuse_incident", INCIDENT)  # fmt: skip
    evaluate(uow, calendars, INCIDENT + timedelta(minutes=15))
    [raised] = raised_for(uow, posted.event_id)
    return raised


def stored(uow: UnitOfWork, alert: Alert) -> Alert:
    with uow:
        return uow.session.get_one(Alert, alert.id)


def test_the_school_dsl_finds_opens_takes_and_acknowledges_the_alert(
    client: TestClient, uow: UnitOfWork, world: DemoWorld, alert: Alert
) -> None:
    sign_in(client, world, "dsl-oakfield")
    home = client.get("/account")
    assert 'href="/alerts"' in home.text  # in the service navigation

    team = client.get("/alerts?view=team")
    assert team.status_code == 200
    assert alert.reference in team.text
    assert "Domestic abuse incident attended by Moorshire Police" in team.text
    assert "Overdue" in team.text  # due Tuesday 26 August 2025, long past
    assert alert.reference not in client.get("/alerts").text  # not taken: not "mine" yet

    path = f"/alerts/{alert.id}"
    page = client.get(path)
    assert page.status_code == 200
    assert "26 August 2025, 08:30" in page.text  # due before school starts, London time
    assert "Poppy Alder81" in page.text  # the DSL may reach the pupil: named
    assert "Domestic abuse incident attended by police" in page.text
    assert "What the agency recorded: domestic_abuse_incident" in page.text
    with uow:
        [viewed] = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "alert:viewed",
                                     AuditEvent.subject_id == alert.id)
        ).all()  # fmt: skip
    assert (viewed.child_id, viewed.basis) == (alert.child_id, AccessBasis.RELATIONSHIP)

    token = form_token(client, path)
    taken = client.post(f"{path}/take", data={"csrf_token": token})
    assert (taken.status_code, taken.headers["location"]) == (303, path)
    assert alert.reference in client.get("/alerts?view=mine").text
    assert alert.reference not in client.get("/alerts?view=team").text

    done = client.post(f"{path}/acknowledge", data={"csrf_token": token, "note": NOTE})
    assert (done.status_code, done.headers["location"]) == (303, path)
    assert stored(uow, alert).state is AlertState.ACKNOWLEDGED
    assert alert.reference in client.get("/alerts?view=acknowledged").text
    assert NOTE.replace("'", "&#39;") in client.get(path).text


def test_acknowledging_without_a_note_is_refused_and_what_was_typed_is_kept(
    client: TestClient, uow: UnitOfWork, world: DemoWorld, alert: Alert
) -> None:
    sign_in(client, world, "dsl-oakfield")
    path = f"/alerts/{alert.id}"
    token = form_token(client, path)

    for typed in ("", "Called."):
        refused = client.post(f"{path}/acknowledge", data={"csrf_token": token, "note": typed})
        assert refused.status_code == 422
        assert "There is a problem" in refused.text
        assert 'href="#note"' in refused.text  # the summary links to the field
        assert "govuk-textarea--error" in refused.text
        assert f">{typed}</textarea>" in refused.text
    forged = client.post(f"{path}/acknowledge", data={"note": NOTE})  # no form token
    assert forged.status_code == 400  # "This form has expired": nothing was saved
    assert "This form has expired" in forged.text
    assert stored(uow, alert).state is AlertState.OPEN


@pytest.mark.parametrize(
    "refusal",
    [
        ("dsl-kestrel", 404),  # another school's DSL: the alert is not theirs
        ("mash-manager", 404),  # works alerts, but not the school's
        ("teacher-oakfield", 403),  # the school's, but no role that owns alerts
    ],
)
def test_anyone_but_the_alert_s_owners_is_refused(
    client: TestClient, uow: UnitOfWork, world: DemoWorld, alert: Alert, refusal: tuple[str, int]
) -> None:
    persona, status = refusal
    sign_in(client, world, persona)
    token = form_token(client, "/account")
    path = f"/alerts/{alert.id}"

    assert client.get(path).status_code == status
    assert client.post(f"{path}/take", data={"csrf_token": token}).status_code == status
    acknowledged = client.post(f"{path}/acknowledge", data={"csrf_token": token, "note": NOTE})
    assert acknowledged.status_code == status
    assert alert.reference not in client.get("/alerts?view=team").text
    assert stored(uow, alert).state is AlertState.OPEN
    assert stored(uow, alert).assigned_to_id is None
    with uow:
        assert uow.session.scalars(
            select(AuditEvent.seq).where(AuditEvent.action == "alert:viewed",
                                         AuditEvent.subject_id == alert.id)
        ).all() == []  # fmt: skip


def test_a_notice_links_the_owner_to_the_alert(
    client: TestClient, uow: UnitOfWork, world: DemoWorld, alert: Alert
) -> None:
    with uow:
        [notice] = uow.session.scalars(
            select(Notification).where(Notification.user_id == world.id("persona:dsl-oakfield"),
                                       Notification.link == f"/alerts/{alert.id}")
        ).all()  # fmt: skip
    sign_in(client, world, "dsl-oakfield")
    assert client.get(notice.link).status_code == 200
    assert client.get(f"/alerts/{uuid.uuid4()}").status_code == 404


def test_the_inbox_lists_the_team_s_alerts_soonest_due_first_with_overdue_flags(
    uow: UnitOfWork, world: DemoWorld, calendars: alerts.Calendars
) -> None:
    new_child(uow, world, 82, ("school-1", None, InvolvementRole.SCHOOL_ATTENDED))
    police = system_of(world, "police", AgencyKind.POLICE)
    # Tuesday 26 August 2025 10:00 BST is after school started: due Wednesday 08:30 BST.
    later = post(uow, police, 82, "domestic_abuse_incident", datetime(2025, 8, 26, 9, tzinfo=UTC))
    # Friday night before the bank holiday: due Tuesday 08:30 BST (07:30 UTC).
    sooner = post(uow, police, 82, "domestic_abuse_incident", INCIDENT)
    evaluate(uow, calendars, datetime(2025, 8, 26, 9, 15, tzinfo=UTC))
    [first], [second] = raised_for(uow, sooner.event_id), raised_for(uow, later.event_id)
    noon = datetime(2025, 8, 26, 11, 0, tzinfo=UTC)  # Tuesday 12:00 BST

    ours = {first.id, second.id}

    def listed(who: Actor, view: InboxView) -> list[queries.AlertLine]:
        return [line for line in queries.inbox(uow, who, view, now=noon) if line.id in ours]

    dsl = actor(uow, world, "dsl-oakfield")
    team = listed(dsl, InboxView.TEAM)
    assert [(line.id, line.overdue) for line in team] == [(first.id, True), (second.id, False)]
    assert team[0].due_at == datetime(2025, 8, 26, 7, 30, tzinfo=UTC)
    assert team[1].due_at == datetime(2025, 8, 27, 7, 30, tzinfo=UTC)
    assert listed(dsl, InboxView.MINE) == []
    for other in ("dsl-kestrel", "teacher-oakfield", "mash-manager"):
        assert listed(actor(uow, world, other), InboxView.TEAM) == []
    assert queries.inbox(uow, Actor.system("test:inbox"), InboxView.TEAM, now=noon) == []

    alerts.take(uow, dsl, alert_id=second.id)
    alerts.acknowledge(uow, dsl, alert_id=first.id, note=NOTE)
    assert [line.id for line in listed(dsl, InboxView.MINE)] == [second.id]
    assert listed(dsl, InboxView.TEAM) == []
    [done] = listed(dsl, InboxView.ACKNOWLEDGED)
    assert (done.id, done.overdue, done.assignee) == (first.id, False, "Joanne Whitfield")


def test_an_alert_names_the_child_only_to_a_reader_who_may_reach_them(
    client: TestClient, uow: UnitOfWork, world: DemoWorld, calendars: alerts.Calendars
) -> None:
    child_id = new_child(
        uow, world, 83,
        ("school-1", None, InvolvementRole.SCHOOL_ATTENDED),
        ("gp-1", None, InvolvementRole.REGISTERED_GP),
    )  # fmt: skip
    share(uow, world, SCHOOL, child_id, T - timedelta(days=20), to="gp-1")
    share(uow, world, GP, child_id, T - timedelta(days=10), to="school-1")
    share(uow, world, SCHOOL, child_id, T, to="gp-1")
    evaluate(uow, calendars, T)
    alert = the_alert(uow, child_id, "adding-up")
    manager = actor(uow, world, "mash-manager")

    record = queries.open_alert(uow, manager, alert.id)
    assert record.child is not None
    assert record.child.name == "Poppy Alder83"
    assert [(e.agency, e.category) for e in record.events] == [
        ("Oakfield Primary School", "Concern shared"),
        ("Riverside Medical Practice", "Concern shared"),
        ("Oakfield Primary School", "Concern shared"),
    ]
    assert all(e.text.startswith("Concern C-") for e in record.events)
    alerts.acknowledge(uow, manager, alert_id=alert.id, note=NOTE)

    again = queries.open_alert(uow, manager, alert.id)
    assert again.child is None  # the MASH's way in closed with the acknowledgement
    assert (again.note, again.acknowledged_by) == (NOTE, "Claire Donnelly")
    with uow:
        reads = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "alert:viewed",
                                     AuditEvent.subject_id == alert.id)
            .order_by(AuditEvent.seq)
        ).all()  # fmt: skip
    assert [(r.child_id, r.basis) for r in reads] == [
        (child_id, AccessBasis.MASH),
        (child_id, None),
    ]
    sign_in(client, world, "mash-manager")
    page = client.get(f"/alerts/{alert.id}")
    assert "A child whose record you cannot open" in page.text
    assert "Poppy" not in page.text


def test_a_missed_timescale_alert_links_to_the_record_that_is_late(
    client: TestClient, uow: UnitOfWork, world: DemoWorld, calendars: alerts.Calendars
) -> None:
    child_id = new_child(uow, world, 84, ("school-1", None, InvolvementRole.SCHOOL_ATTENDED))
    contact = contact_of(uow, share(uow, world, SCHOOL, child_id, RECEIVED))
    missed(uow, calendars, contact.due_at + timedelta(minutes=1))
    [alert] = missed_for(uow, contact)

    sign_in(client, world, "mash-manager")
    page = client.get(f"/alerts/{alert.id}")
    assert page.status_code == 200
    assert "A contact was not decided by its due time" in page.text
    assert f'href="/mash/contacts/{contact.id}"' in page.text
    assert "What happened" not in page.text  # no events: the record is what was late
    assert "Poppy Alder84" in page.text  # the MASH's open contact lets it reach the child


class TestTheFeedForAgencySystems:
    """``GET /api/v1/alerts``: an organisation's alerts for its own system's screens."""

    def test_the_school_s_system_reads_its_open_then_acknowledged_alerts(
        self, client: TestClient, uow: UnitOfWork, world: DemoWorld, alert: Alert
    ) -> None:
        headers = bearer(uow, world, "school-1", Permission.ALERT_WORK)
        [line] = client.get("/api/v1/alerts", headers=headers).json()
        assert line["reference"] == alert.reference
        assert (line["state"], line["overdue"], line["path"]) == (
            "open",
            True,
            f"/alerts/{alert.id}",
        )
        assert client.get("/api/v1/alerts?state=acknowledged", headers=headers).json() == []

        dsl = actor(uow, world, "dsl-oakfield")
        alerts.acknowledge(uow, dsl, alert_id=alert.id, note=NOTE)
        assert client.get("/api/v1/alerts", headers=headers).json() == []
        [done] = client.get("/api/v1/alerts?state=acknowledged", headers=headers).json()
        assert (done["id"], done["state"]) == (str(alert.id), "acknowledged")
        assert done["acknowledged_at"] is not None

    def test_it_names_no_child(
        self, client: TestClient, uow: UnitOfWork, world: DemoWorld, alert: Alert
    ) -> None:
        headers = bearer(uow, world, "school-1", Permission.ALERT_WORK)
        answer = client.get("/api/v1/alerts", headers=headers)
        with uow:
            child = uow.session.get_one(Child, alert.child_id)
            names = [n.given_names for n in child.names] + [n.family_name for n in child.names]
        assert names
        assert not any(name in answer.text for name in names)
        assert str(alert.child_id) not in answer.text

    @pytest.mark.usefixtures("alert")
    def test_another_organisation_s_system_reads_none_of_them(
        self, client: TestClient, uow: UnitOfWork, world: DemoWorld
    ) -> None:
        for organisation in ("school-2", "police", "la"):
            headers = bearer(uow, world, organisation, Permission.ALERT_WORK)
            assert client.get("/api/v1/alerts", headers=headers).json() == []
            acknowledged = client.get("/api/v1/alerts?state=acknowledged", headers=headers)
            assert acknowledged.json() == []

    @pytest.mark.usefixtures("alert")
    def test_a_token_without_the_permission_is_refused_and_a_person_s_cookie_is_not_a_token(
        self, client: TestClient, uow: UnitOfWork, world: DemoWorld
    ) -> None:
        headers = bearer(uow, world, "school-1", Permission.EVENT_POST)
        assert client.get("/api/v1/alerts", headers=headers).status_code == 403
        sign_in(client, world, "dsl-oakfield")
        assert client.get("/api/v1/alerts").status_code == 401

    def test_a_state_it_does_not_know_is_a_clear_422(
        self, client: TestClient, uow: UnitOfWork, world: DemoWorld
    ) -> None:
        headers = bearer(uow, world, "school-1", Permission.ALERT_WORK)
        refused = client.get("/api/v1/alerts?state=closed", headers=headers)
        assert refused.status_code == 422
        assert "state" in refused.text
