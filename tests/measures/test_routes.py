"""The measures page, its CSV and the API: filters, refusals, and who may read them."""

import csv
import io
import uuid
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from jigsaw.accounts import Organisation
from jigsaw.audit import AuditEvent
from jigsaw.core import clock
from jigsaw.core.uow import UnitOfWork
from jigsaw.core.working_time import LONDON
from jigsaw.mash.rules import Outcome
from tests.demo_world import DemoWorld, bearer, load_world, sign_in
from tests.measures.helpers import History

AUGUST = {"from": "2025-08-18", "to": "2025-08-29"}


@pytest.fixture
def world(uow: UnitOfWork, app: FastAPI) -> DemoWorld:
    return load_world(uow, app)


@pytest.fixture
def history(uow: UnitOfWork, world: DemoWorld) -> None:
    """Three contacts in August 2025: two from the school (one decided in 2 working hours)."""
    with uow:
        h = History(uow.session, world)
        h.contact("2025-08-22 16:00", "school-1", decided="2025-08-26 10:00",
                  outcome=Outcome.EARLY_HELP)  # fmt: skip
        h.contact("2025-08-27 09:00", "school-1")
        h.contact("2025-08-28 10:00", "police")
        uow.commit()


def viewed(uow: UnitOfWork) -> int:
    with uow:
        query = select(func.count()).where(AuditEvent.action == "measures:viewed")
        return uow.session.scalars(query).one()


def test_the_page_shows_the_last_28_days_by_default_with_charts_and_tables(
    client: TestClient, world: DemoWorld, uow: UnitOfWork
) -> None:
    yesterday = clock.now().astimezone(LONDON) - timedelta(days=1)
    with uow:
        History(uow.session, world).contact(
            yesterday.strftime("%Y-%m-%d %H:%M"), "police",
            decided=(yesterday + timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M"),
            outcome=Outcome.POLICE,
        )  # fmt: skip
        uow.commit()
    sign_in(client, world, "mash-manager")
    page = client.get("/mash/measures")
    assert page.status_code == 200
    assert "Eastmoor Multi-Agency Safeguarding Hub" in page.text
    # The contacts chart is an image; the other bars are drawn in their tables' cells:
    # decided within a working day (one agency) and the eight outcomes, but no consultations.
    assert page.text.count('role="img"') == 1
    assert page.text.count('preserveAspectRatio="none"') == 1 + 8
    assert '<span class="app-figure__number">1</span> contact received' in page.text
    assert "Moorshire Police" in page.text
    assert '<title id="chart-contacts-title">Contacts received per day, by agency' in page.text
    assert "(28 days), all agencies" in page.text
    assert viewed(uow) == 1


@pytest.mark.usefixtures("history")
def test_a_period_and_an_agency_narrow_the_figures_and_the_csv_link_keeps_them(
    client: TestClient, world: DemoWorld
) -> None:
    sign_in(client, world, "mash-practitioner")
    school = world.id("org:school-1")
    page = client.get("/mash/measures", params=AUGUST | {"agency": str(school)})
    assert page.status_code == 200
    assert '<span class="app-figure__number">2</span> contacts received' in page.text
    assert "18 August 2025 to 29 August 2025 (12 days), Oakfield Primary School." in page.text
    assert f"/mash/measures.csv?from=2025-08-18&amp;to=2025-08-29&amp;agency={school}" in page.text
    assert f'<option value="{school}" selected>' in page.text


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"from": "18/08/2025"}, "Enter the start date as year, month and day, like 2026-10-25"),
        ({"from": "2025-08-29", "to": "2025-08-18"}, "The start date must be on or before the end"),
        ({"to": "2999-01-01"}, "The end date must be today or earlier"),
        ({"from": "2020-01-01", "to": "2025-01-01"}, "Choose a period of 366 days or fewer"),
        ({"agency": "the school"}, "Choose an agency from the list"),
        ({"agency": str(uuid.UUID(int=7))}, "Choose an agency from the list"),
    ],
)
def test_wrong_filters_are_explained_on_the_page_with_the_form_kept(
    client: TestClient, world: DemoWorld, uow: UnitOfWork, params: dict[str, str], message: str
) -> None:
    sign_in(client, world, "mash-manager")
    for path in ("/mash/measures", "/mash/measures.csv"):
        page = client.get(path, params=params)
        assert page.status_code == 422
        assert "There is a problem" in page.text
        assert message in page.text
        for field in ("from", "to"):
            assert f'name="{field}" type="date" value="{params.get(field, "")}"' in page.text
        assert "app-figure__number" not in page.text
    assert viewed(uow) == 0


@pytest.mark.usefixtures("history")
def test_the_csv_has_every_measure_for_the_period(client: TestClient, world: DemoWorld) -> None:
    sign_in(client, world, "consultation-advisor")
    response = client.get("/mash/measures.csv", params=AUGUST)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == (
        'attachment; filename="mash-measures-2025-08-18-to-2025-08-29.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["measure", "date", "agency", "value"]
    assert ["contacts received", "2025-08-22", "Oakfield Primary School", "1"] in rows
    assert ["contacts received", "", "All agencies", "3"] in rows
    assert ["time to decision, median working hours", "", "All agencies", "2.00"] in rows
    assert ["outcome: Early help or family help", "", "All agencies", "1"] in rows
    assert ["repeat contacts (of)", "", "All agencies", "3"] in rows


@pytest.mark.usefixtures("history")
def test_the_api_gives_the_measures_to_a_mash_system(
    client: TestClient, world: DemoWorld, uow: UnitOfWork
) -> None:
    headers = bearer(uow, world, "mash", "measures:read")
    response = client.get("/api/v1/mash/measures", params=AUGUST, headers=headers)
    assert response.status_code == 200
    body = response.json()
    assert (body["from_date"], body["to_date"], body["agency_id"]) == (
        "2025-08-18", "2025-08-29", None,
    )  # fmt: skip
    assert body["contacts"] == 3
    assert body["contacts_per_day"][0] == {
        "date": "2025-08-22", "agency_id": str(world.id("org:school-1")), "contacts": 1,
    }  # fmt: skip
    assert body["decisions"]["median_working_hours"] == 2.0
    assert body["decisions"]["outcomes"]["early_help"] == 1
    assert body["decisions"]["within_one_working_day"] == {"count": 1, "of": 3, "ratio": 0.3333}
    assert body["partner_checks"] == [{
        "agency_id": None, "asked": 0, "answered": 0, "median_working_hours": None,
        "answered_by_due": {"count": 0, "of": 0, "ratio": None},
    }]  # fmt: skip
    refused = client.get("/api/v1/mash/measures", params={"from": "soon"}, headers=headers)
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    assert "soon" not in refused.text


def test_the_api_refuses_other_agencies_and_tokens_without_the_permission(
    client: TestClient, world: DemoWorld, uow: UnitOfWork
) -> None:
    school = bearer(uow, world, "school-1", "measures:read")
    screener = bearer(uow, world, "mash", "contact:screen")
    assert client.get("/api/v1/mash/measures", headers=school).status_code == 404
    assert client.get("/api/v1/mash/measures", headers=screener).status_code == 403
    assert client.get("/api/v1/mash/measures").status_code == 401
    sign_in(client, world, "mash-manager")
    assert client.get("/api/v1/mash/measures").status_code == 401  # never a cookie


def test_the_queue_links_to_the_measures(client: TestClient, world: DemoWorld) -> None:
    sign_in(client, world, "mash-practitioner")
    assert 'href="/mash/measures"' in client.get("/mash").text


@pytest.mark.usefixtures("history")
def test_the_csv_never_hands_a_spreadsheet_a_formula(
    client: TestClient, world: DemoWorld, uow: UnitOfWork
) -> None:
    with uow:
        school = uow.session.get_one(Organisation, world.id("org:school-1"))
        school.name = "=HYPERLINK(0)"
        uow.commit()
    sign_in(client, world, "mash-manager")
    rows = list(csv.reader(io.StringIO(client.get("/mash/measures.csv", params=AUGUST).text)))
    assert ["contacts received", "2025-08-22", "'=HYPERLINK(0)", "1"] in rows
    assert not any(cell.startswith("=") for row in rows for cell in row)
