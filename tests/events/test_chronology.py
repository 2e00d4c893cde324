"""A child's chronology: who sees which agencies' events, filters, what is new, exports, audit."""

import csv
import io
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from jigsaw.access import facts
from jigsaw.access.models import InvolvementRole
from jigsaw.access.permissions import Permission
from jigsaw.audit.models import AuditEvent
from jigsaw.children import merge_children
from jigsaw.core import clock
from jigsaw.core.errors import NotFound, PermissionDenied
from jigsaw.core.uow import UnitOfWork
from jigsaw.events import export, queries
from jigsaw.events.export import ExportFormat, export_chronology
from jigsaw.events.models import ChronologyLook
from jigsaw.events.rules import ChronologyFilter, read_filter
from jigsaw.events.services import record
from jigsaw.taxonomy.events import EventGroup
from tests.children.helpers import actor, add_child
from tests.demo_world import DemoWorld, bearer, form_token, load_world, sign_in

# A Monday in March, before the clocks change (GMT): London dates are UTC dates.
MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
POLICE_WORDS = "Officers attended a disturbance at the home; the child was present"
HIDDEN_LINE = "Other agencies hold information about this child — ask the MASH"


@pytest.fixture
def world(uow: UnitOfWork, app: FastAPI) -> DemoWorld:
    return load_world(uow, app)


def quiet_pupil(world: DemoWorld) -> uuid.UUID:
    """An Oakfield pupil known only to the school and universal health: no MASH, no police."""
    casework = world.partnership.casework
    universal = {"school_attended", "registered_gp", "class_teacher", "health_visitor"}
    busy = {i.child_key for i in casework.involvements if i.role not in universal}
    busy |= {c.child_key for c in casework.mash_cases} | {
        r.child_key for r in casework.restrictions
    }
    return world.id(
        next(
            i.child_key
            for i in casework.involvements
            if i.organisation_key == "org:school-1" and i.child_key not in busy
        )
    )


def involve(
    uow: UnitOfWork, world: DemoWorld, child_id: uuid.UUID, organisation: str, role: InvolvementRole
) -> None:
    """An organisation starts working with the child (its staff who act for it may read)."""
    with uow:
        facts.add_involvement(
            uow.session,
            child_id=child_id,
            user_id=None,
            role=role,
            organisation_id=world.id(f"org:{organisation}"),
            today=clock.today(),
        )
        uow.commit()


@dataclass(frozen=True)
class Timeline:
    """Events about one child, recorded as Jigsaw records its own, each held by an agency."""

    uow: UnitOfWork
    world: DemoWorld
    child_id: uuid.UUID

    def add(
        self,
        organisation: str,
        code: str,
        at: datetime,
        text: str,
        *,
        shared_with: tuple[str, ...] = (),
        open_to_all: bool = False,
    ) -> uuid.UUID:
        with self.uow:
            event = record(
                self.uow,
                child_id=self.child_id,
                code=code,
                occurred_at=at,
                text=text,
                organisation_id=self.world.id(f"org:{organisation}"),
                open_to_all=open_to_all,
                shared_with=[self.world.id(f"org:{o}") for o in shared_with],
            )
            self.uow.commit()
        return event.id

    def five_agencies(self) -> dict[str, uuid.UUID]:
        """A week of the child's life as five agencies hold it, a day apart, oldest first."""
        day = timedelta(days=1)
        return {
            "school": self.add(
                "school-1",
                "concern_shared",
                MONDAY,
                "Concern shared with the MASH",
                shared_with=("mash",),
            ),
            "gp": self.add(
                "gp-1",
                "missed_health_appointment",
                MONDAY + day,
                "Missed the asthma review",
                shared_with=("school-1",),
            ),
            "police": self.add("police", "domestic_abuse_incident", MONDAY + 2 * day, POLICE_WORDS),
            "plan": self.add(
                "la",
                "plan_started",
                MONDAY + 3 * day,
                "Child in need plan started",
                open_to_all=True,
            ),
            "mash": self.add(
                "mash",
                "mash_decision",
                MONDAY + 4 * day,
                "The MASH decided: early help",
                shared_with=("school-1",),
            ),
        }


def signed_in(app: FastAPI, world: DemoWorld, persona: str) -> TestClient:
    """A browser of the persona's own, signed in."""
    client = TestClient(app, raise_server_exceptions=False, follow_redirects=False)
    sign_in(client, world, persona)
    return client


def seen(
    uow: UnitOfWork,
    world: DemoWorld,
    persona: str,
    child_id: uuid.UUID,
    filters: ChronologyFilter | None = None,
) -> queries.Chronology:
    return queries.chronology(
        uow, actor(uow, world, persona), child_id, filters or ChronologyFilter()
    )


class TestWhoSeesWhat:
    """The same week, read by a social worker, the MASH, the school, and the police."""

    @pytest.fixture
    def child(self, uow: UnitOfWork, world: DemoWorld) -> uuid.UUID:
        child_id = quiet_pupil(world)
        involve(uow, world, child_id, "la", InvolvementRole.CHILDRENS_SOCIAL_CARE)
        return child_id

    def test_a_social_worker_working_with_the_child_sees_every_agency(
        self, uow: UnitOfWork, world: DemoWorld, child: uuid.UUID
    ) -> None:
        events = Timeline(uow, world, child).five_agencies()
        found = seen(uow, world, "social-worker", child)
        assert [e.id for e in found.events] == [
            events[k] for k in ("mash", "plan", "police", "gp", "school")
        ]
        assert found.hidden is False
        police = next(e for e in found.events if e.id == events["police"])
        assert police.text == POLICE_WORDS
        assert police.agency == "Moorshire Police"
        assert police.label == "Domestic abuse incident attended by police"
        assert police.significant is True  # the category is significant when it arrives
        assert {t.label: t.count for t in found.groups}["Police"] == 1

    def test_the_mash_with_an_open_contact_sees_every_agency(
        self, uow: UnitOfWork, world: DemoWorld, child: uuid.UUID
    ) -> None:
        events = Timeline(uow, world, child).five_agencies()
        with pytest.raises(NotFound):  # no contact yet: the MASH has no way in
            seen(uow, world, "mash-practitioner", child)
        with uow:
            facts.open_mash_case(
                uow.session, child_id=child, organisation_id=world.id("org:mash"), now=clock.now()
            )
            uow.commit()
        found = seen(uow, world, "mash-practitioner", child)
        assert {e.id for e in found.events} == set(events.values())
        assert found.hidden is False

    def test_the_school_sees_its_own_what_was_shared_with_it_and_plans_and_is_told_of_more(
        self, uow: UnitOfWork, world: DemoWorld, child: uuid.UUID
    ) -> None:
        events = Timeline(uow, world, child).five_agencies()
        found = seen(uow, world, "dsl-oakfield", child)
        assert [e.id for e in found.events] == [events[k] for k in ("mash", "plan", "gp", "school")]
        assert found.hidden is True
        assert found.everything == 4
        # The counts for the filter form are of what the school may see: no police at all.
        assert "Moorshire Police" not in {t.label for t in found.agencies}
        assert "Police" not in {t.label for t in found.groups}
        # The school marks its own events, not the GP's it was shown.
        assert {e.id for e in found.events if e.may_mark} == {events["school"]}

    def test_the_school_is_told_nothing_when_it_sees_everything(
        self, uow: UnitOfWork, world: DemoWorld, child: uuid.UUID
    ) -> None:
        timeline = Timeline(uow, world, child)
        timeline.add("school-1", "persistent_absence", MONDAY, "Attendance 82%")
        timeline.add("la", "plan_started", MONDAY, "Plan started", open_to_all=True)
        assert seen(uow, world, "dsl-oakfield", child).hidden is False

    def test_the_page_shows_the_school_no_police_words_and_only_the_one_line(
        self, app: FastAPI, uow: UnitOfWork, world: DemoWorld, child: uuid.UUID
    ) -> None:
        Timeline(uow, world, child).five_agencies()
        page = signed_in(app, world, "dsl-oakfield").get(f"/children/{child}/chronology")
        assert page.status_code == 200
        assert HIDDEN_LINE in page.text
        assert POLICE_WORDS not in page.text
        assert "Moorshire Police" not in page.text
        assert "Missed the asthma review" in page.text
        page = signed_in(app, world, "social-worker").get(f"/children/{child}/chronology")
        assert POLICE_WORDS in page.text
        assert HIDDEN_LINE not in page.text

    def test_an_agency_with_no_relationship_gets_not_found_everywhere(
        self, client: TestClient, uow: UnitOfWork, world: DemoWorld, child: uuid.UUID
    ) -> None:
        Timeline(uow, world, child).five_agencies()
        with pytest.raises(NotFound):
            seen(uow, world, "police-officer", child)
        police = bearer(uow, world, "police", "child:read")
        school = bearer(uow, world, "school-1", "child:read")
        assert client.get(f"/api/v1/children/{child}/events", headers=police).status_code == 404
        assert client.get(f"/api/v1/children/{child}/events", headers=school).status_code == 200
        sign_in(client, world, "police-officer")
        for suffix in ("", ".csv", ".pdf"):
            response = client.get(f"/children/{child}/chronology{suffix}")
            assert response.status_code == 404, suffix
            assert POLICE_WORDS not in response.text
        # A child that does not exist answers the same.
        assert client.get(f"/children/{uuid.uuid4()}/chronology").status_code == 404


class TestTheApi:
    def test_a_system_reads_what_its_organisation_may_see_a_page_at_a_time(
        self, client: TestClient, uow: UnitOfWork, world: DemoWorld
    ) -> None:
        child = quiet_pupil(world)
        events = Timeline(uow, world, child).five_agencies()
        school = bearer(uow, world, "school-1", "child:read")
        first = client.get(f"/api/v1/children/{child}/events?limit=3", headers=school).json()
        assert [e["id"] for e in first["events"]] == [
            str(events[k]) for k in ("mash", "plan", "gp")
        ]
        assert first["more"] is True
        assert first["other_agencies_hold_information"] is True
        assert first["events"][0]["category"] == "mash_decision"
        rest = client.get(
            f"/api/v1/children/{child}/events",
            params={"before": first["next_before"]},
            headers=school,
        ).json()
        assert [e["id"] for e in rest["events"]] == [str(events["school"])]
        assert rest["more"] is False


class TestFilters:
    @pytest.fixture
    def child(self, uow: UnitOfWork, world: DemoWorld) -> uuid.UUID:
        child_id = quiet_pupil(world)
        involve(uow, world, child_id, "la", InvolvementRole.CHILDRENS_SOCIAL_CARE)
        return child_id

    def test_agency_category_and_significance_narrow_the_list_but_not_the_counts(
        self, uow: UnitOfWork, world: DemoWorld, child: uuid.UUID
    ) -> None:
        events = Timeline(uow, world, child).five_agencies()
        police_and_gp = read_filter(
            agencies=[str(world.id("org:police")), str(world.id("org:gp-1"))]
        )
        found = seen(uow, world, "social-worker", child, police_and_gp)
        assert [e.id for e in found.events] == [events["police"], events["gp"]]
        assert (found.matching, found.everything) == (2, 5)
        health = seen(uow, world, "social-worker", child, read_filter(groups=["health"]))
        assert [e.id for e in health.events] == [events["gp"]]
        # Counts stay those of everything visible, so the form shows what each choice holds.
        assert {t.key: t.count for t in health.groups} == {
            "safeguarding": 2,
            "health": 1,
            "police": 1,
            "social_care": 1,
        }
        significant = seen(uow, world, "social-worker", child, read_filter(significant="1"))
        assert [e.id for e in significant.events] == [
            events["mash"],
            events["plan"],
            events["police"],
        ]

    def test_a_period_is_london_dates_both_included(
        self, uow: UnitOfWork, world: DemoWorld, child: uuid.UUID
    ) -> None:
        # 23:30 UTC on 31 March is 00:30 on 1 April in London (British Summer Time).
        late = Timeline(uow, world, child).add(
            "school-1",
            "suspension",
            datetime(2026, 3, 31, 23, 30, tzinfo=UTC),
            "Suspended for a day",
        )
        early = Timeline(uow, world, child).add(
            "school-1",
            "suspension",
            datetime(2026, 3, 31, 22, 30, tzinfo=UTC),
            "Suspended for a day",
        )
        april = seen(uow, world, "social-worker", child, read_filter(start="2026-04-01"))
        march = seen(
            uow, world, "social-worker", child, read_filter(start="2026-03-31", end="2026-03-31")
        )
        assert [e.id for e in april.events] == [late]
        assert [e.id for e in march.events] == [early]

    def test_other_events_include_codes_no_longer_in_the_taxonomy(
        self, uow: UnitOfWork, world: DemoWorld, child: uuid.UUID
    ) -> None:
        retired = Timeline(uow, world, child).add("school-1", "retired_code", MONDAY, "Old record")
        found = seen(
            uow,
            world,
            "social-worker",
            child,
            ChronologyFilter(groups=frozenset({EventGroup.OTHER})),
        )
        assert [e.id for e in found.events] == [retired]
        assert found.events[0].label == "Other event"

    def test_a_wrong_filter_is_shown_on_the_page_and_nothing_else_is_lost(
        self, client: TestClient, uow: UnitOfWork, world: DemoWorld, child: uuid.UUID
    ) -> None:
        Timeline(uow, world, child).five_agencies()
        sign_in(client, world, "social-worker")
        page = client.get(f"/children/{child}/chronology?from=2026-03-09&to=2026-03-01")
        assert page.status_code == 422
        assert "The start date must be on or before the end date" in page.text
        assert 'value="2026-03-09"' in page.text
        narrowed = client.get(
            f"/children/{child}/chronology", params={"group": "police", "view": "compact"}
        )
        assert narrowed.status_code == 200
        assert "Domestic abuse incident attended by police" in narrowed.text
        assert POLICE_WORDS not in narrowed.text  # the compact view has no words
        assert "Missed a health appointment" not in narrowed.text


class TestPaging:
    def test_show_earlier_never_splits_one_moment_and_loses_nothing(
        self, uow: UnitOfWork, world: DemoWorld
    ) -> None:
        child = quiet_pupil(world)
        at = [MONDAY + timedelta(hours=h) for h in (0, 1, 1, 1, 2)]
        made = [
            Timeline(uow, world, child).add("school-1", "persistent_absence", t, "Absent")
            for t in at
        ]
        dsl = actor(uow, world, "dsl-oakfield")
        first = queries.chronology(uow, dsl, child, ChronologyFilter(), limit=2)
        # The 2nd newest shares its moment with two more: all three come on this page.
        assert len(first.events) == 4
        assert first.more is True
        second = queries.chronology(
            uow, dsl, child, ChronologyFilter(), limit=2, before=first.next_before
        )
        assert [e.id for e in second.events] == [made[0]]
        assert second.more is False
        assert {e.id for e in first.events} | {made[0]} == set(made)


class TestNewSinceLastLook:
    def test_events_recorded_since_the_last_look_are_new_once(
        self, uow: UnitOfWork, world: DemoWorld
    ) -> None:
        child = quiet_pupil(world)
        Timeline(uow, world, child).add("school-1", "persistent_absence", MONDAY, "Attendance 80%")
        first = seen(uow, world, "dsl-oakfield", child)
        assert (first.new, first.last_looked_at) == (0, None)  # a first look marks nothing
        with clock.reading(clock.now() + timedelta(minutes=5)):
            later = Timeline(uow, world, child).add(
                "school-1",
                "suspension",
                MONDAY - timedelta(days=30),
                "Suspended in February: recorded late",
            )
        with clock.reading(clock.now() + timedelta(minutes=10)):
            second = seen(uow, world, "dsl-oakfield", child)
            third = seen(uow, world, "dsl-oakfield", child)
        assert second.new == 1
        assert [e.id for e in second.events if e.new] == [later]  # new by when it was recorded
        assert second.last_looked_at is not None
        assert third.new == 0
        # Each person has their own last look.
        involve(uow, world, child, "la", InvolvementRole.CHILDRENS_SOCIAL_CARE)
        assert seen(uow, world, "social-worker", child).new == 0
        with uow:
            looks = uow.session.scalars(
                select(ChronologyLook).where(ChronologyLook.child_id == child)
            ).all()
        assert len(looks) == 2


class TestMergedRecords:
    def test_a_duplicate_merged_into_the_child_brings_its_events(
        self, client: TestClient, uow: UnitOfWork, world: DemoWorld
    ) -> None:
        child = quiet_pupil(world)
        with uow:
            duplicate = add_child(uow.session, given="Dupe", family="Record", born=date(2017, 1, 9))
            uow.commit()
        kept = Timeline(uow, world, child).add("school-1", "persistent_absence", MONDAY, "Absent")
        moved = Timeline(uow, world, duplicate).add("school-1", "moved_school", MONDAY, "Joined")
        merge_children(
            uow,
            actor(uow, world, "mash-manager"),
            kept_id=child,
            merged_id=duplicate,
            reason="The same child: one record per school roll",
        )
        found = seen(uow, world, "dsl-oakfield", child)
        assert {kept, moved} <= {e.id for e in found.events}
        sign_in(client, world, "dsl-oakfield")
        response = client.get(f"/children/{duplicate}/chronology?view=compact")
        assert response.status_code == 303
        assert response.headers["location"] == f"/children/{child}/chronology?view=compact"


class TestMarking:
    def test_marking_works_with_and_without_javascript_and_only_on_what_one_may_mark(
        self, client: TestClient, uow: UnitOfWork, world: DemoWorld
    ) -> None:
        child = quiet_pupil(world)
        involve(uow, world, child, "la", InvolvementRole.CHILDRENS_SOCIAL_CARE)
        events = Timeline(uow, world, child).five_agencies()
        sign_in(client, world, "dsl-oakfield")
        token = form_token(client, f"/children/{child}/chronology")
        url = f"/children/{child}/chronology/events/{{}}/significant"
        plain = client.post(
            url.format(events["school"]), data={"significant": "1", "csrf_token": token}
        )
        assert plain.status_code == 303
        assert plain.headers["location"] == f"/children/{child}/chronology#event-{events['school']}"
        assert _significant(uow, world, child, events["school"]) is True
        swapped = client.post(
            url.format(events["school"]), data={"csrf_token": token}, headers={"HX-Request": "true"}
        )
        assert swapped.status_code == 200
        assert "Mark significant" in swapped.text and "<html" not in swapped.text  # noqa: PT018
        assert _significant(uow, world, child, events["school"]) is False
        # The GP's event shared with the school, and the police's hidden one: not the school's.
        for other in ("gp", "police"):
            response = client.post(
                url.format(events[other]), data={"significant": "1", "csrf_token": token}
            )
            assert response.status_code == 404
        with uow:
            marks = uow.session.scalars(
                select(AuditEvent.action).where(AuditEvent.subject_id == events["school"])
            ).all()
        assert marks == ["event:marked", "event:unmarked"]


def _significant(uow: UnitOfWork, world: DemoWorld, child: uuid.UUID, event: uuid.UUID) -> bool:
    found = seen(uow, world, "social-worker", child)
    return next(e.significant for e in found.events if e.id == event)


class TestExportsAndAudit:
    @pytest.fixture
    def child(self, uow: UnitOfWork, world: DemoWorld) -> uuid.UUID:
        child_id = quiet_pupil(world)
        involve(uow, world, child_id, "la", InvolvementRole.CHILDRENS_SOCIAL_CARE)
        return child_id

    def test_viewing_is_audited_with_the_basis(
        self, uow: UnitOfWork, world: DemoWorld, child: uuid.UUID
    ) -> None:
        seen(uow, world, "social-worker", child)
        [entry] = _audit(uow, child, "chronology:viewed")
        assert entry.actor_id == world.id("persona:social-worker")
        assert entry.basis == "relationship"
        assert entry.basis_id is not None

    def test_the_csv_holds_what_the_reader_sees_oldest_first_and_is_audited(
        self, client: TestClient, uow: UnitOfWork, world: DemoWorld, child: uuid.UUID
    ) -> None:
        events = Timeline(uow, world, child).five_agencies()
        Timeline(uow, world, child).add(
            "school-1", "other", MONDAY + timedelta(days=9), '=HYPERLINK("http://example.invalid")'
        )
        sign_in(client, world, "dsl-oakfield")
        response = client.get(f"/children/{child}/chronology.csv?group=safeguarding&group=other")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        disposition = response.headers["content-disposition"]
        assert f"chronology-{child}-" in disposition
        name = seen(uow, world, "social-worker", child).opened.name
        assert name.split()[-1] not in disposition
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert [r["event id"] for r in rows[:2]] == [str(events["school"]), str(events["mash"])]
        assert rows[2]["what happened"].startswith("'=HYPERLINK")  # not run as a formula
        assert POLICE_WORDS not in response.text
        [entry] = _audit(uow, child, "chronology:exported")
        assert (entry.subject_type, entry.actor_id) == (
            "chronology_csv",
            world.id("persona:dsl-oakfield"),
        )

    def test_the_pdf_is_a_pdf_named_by_id_and_is_audited(
        self, client: TestClient, uow: UnitOfWork, world: DemoWorld, child: uuid.UUID
    ) -> None:
        Timeline(uow, world, child).five_agencies()
        sign_in(client, world, "social-worker")
        response = client.get(f"/children/{child}/chronology.pdf?significant=1")
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/pdf"
        assert response.content.startswith(b"%PDF-")
        assert response.headers["content-disposition"].endswith('.pdf"')
        assert str(child) in response.headers["content-disposition"]
        [entry] = _audit(uow, child, "chronology:exported")
        assert entry.subject_type == "chronology_pdf"

    def test_a_pdf_too_long_to_lay_out_is_refused_and_the_page_says_how_to_narrow_it(
        self, app: FastAPI, uow: UnitOfWork, world: DemoWorld, child: uuid.UUID,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:  # fmt: skip
        Timeline(uow, world, child).five_agencies()
        monkeypatch.setattr(export, "PDF_MOST", 3)
        client = signed_in(app, world, "social-worker")
        page = client.get(f"/children/{child}/chronology")
        assert "Download PDF" not in page.text
        assert "A PDF holds up to 3 events" in page.text
        assert client.get(f"/children/{child}/chronology.pdf").status_code == 422
        assert _audit(uow, child, "chronology:exported") == []
        significant = client.get(f"/children/{child}/chronology?significant=1")
        assert "Download PDF" in significant.text  # three events: the PDF is offered
        assert client.get(f"/children/{child}/chronology.pdf?significant=1").status_code == 200

    def test_a_reader_who_may_not_export_is_refused(
        self, uow: UnitOfWork, world: DemoWorld, child: uuid.UUID
    ) -> None:
        reader = actor(uow, world, "social-worker")
        reader = replace(reader, permissions=reader.permissions - {Permission.CHRONOLOGY_EXPORT})
        with pytest.raises(PermissionDenied):
            export_chronology(uow, reader, child, ChronologyFilter(), fmt=ExportFormat.CSV)
        assert _audit(uow, child, "chronology:exported") == []


def _audit(uow: UnitOfWork, child: uuid.UUID, action: str) -> list[AuditEvent]:
    with uow:
        return list(
            uow.session.scalars(
                select(AuditEvent).where(AuditEvent.child_id == child, AuditEvent.action == action)
            )
        )
