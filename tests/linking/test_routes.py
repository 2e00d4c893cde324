"""Roster upload and the possible-matches queue through the pages and the API."""

import re
import uuid

import httpx2
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from jigsaw.access.permissions import Permission
from jigsaw.core.uow import UnitOfWork
from jigsaw.linking import LinkReview, LinkReviewStatus
from tests.demo_world import DemoWorld, bearer, form_token, load_world, sign_in
from tests.linking.helpers import actions, counts, known_by_another_name, pupils, roster, row_for

CSV = "text/csv"


@pytest.fixture
def world(uow: UnitOfWork, app: FastAPI) -> DemoWorld:
    return load_world(uow, app, children=200)


def newcomer_row(world: DemoWorld) -> dict[str, str]:
    """A St Aidan's pupil joining Oakfield under another first name: a possible match."""
    return known_by_another_name(world, pupils(world, "org:school-2")[0], "OAK-NEW")


def upload(client: TestClient, data: bytes, **fields: str) -> httpx2.Response:
    token = form_token(client, "/rosters")
    return client.post(
        "/rosters",
        data={"csrf_token": token, **fields},
        files={"roster": ("roll.csv", data, CSV)},
    )


def test_a_dsl_uploads_the_roll_sees_the_counts_and_downloads_the_decisions(
    client: TestClient, uow: UnitOfWork, world: DemoWorld
) -> None:
    sign_in(client, world, "dsl-oakfield")
    page = client.get("/rosters")
    assert page.status_code == 200
    assert "previous_family_names" in page.text
    assert 'href="/rosters"' in page.text  # in the navigation
    rows = [row_for(world, c, f"S-{i}") for i, c in enumerate(pupils(world)[:2])]
    response = upload(client, roster(*rows, newcomer_row(world)))
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert re.fullmatch(r"/rosters/[0-9a-f-]{36}", location)
    summary = client.get(location)
    assert summary.status_code == 200
    assert "Possible matches to check" in summary.text
    download = client.get(f"{location}/decisions.csv")
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/csv")
    assert "attachment" in download.headers["content-disposition"]
    lines = download.text.splitlines()
    assert lines[0] == "row,local_id,decision,child_id,probability,band,explanation"
    assert [line.split(",")[2] for line in lines[1:]] == ["matched", "matched", "possible"]
    assert len(actions(uow, "roster:decisions_downloaded")) == 1
    assert "1 waiting" in client.get("/rosters").text
    client.cookies.clear()
    sign_in(client, world, "dsl-kestrel")
    assert client.get(location).status_code == 404
    assert client.get(f"{location}/decisions.csv").status_code == 404


def test_a_roster_with_bad_rows_is_listed_row_by_row_and_nothing_is_linked(
    client: TestClient, uow: UnitOfWork, world: DemoWorld
) -> None:
    sign_in(client, world, "admin-oakfield")
    child = pupils(world)[0]
    bad = {**row_for(world, child, "S-1"), "nhs_number": "1234567890"}
    before = counts(uow)
    response = upload(client, roster(row_for(world, pupils(world)[1]), bad), create="yes")
    assert response.status_code == 422
    assert "Nothing was linked: the roster has 1 problem" in response.text
    assert "The NHS number is not valid" in response.text
    assert "1234567890" not in response.text
    assert counts(uow)["runs"] == before["runs"]
    assert counts(uow)["involvements"] == before["involvements"]
    empty = client.post("/rosters", data={"csrf_token": form_token(client, "/rosters")})
    assert empty.status_code == 422
    assert "The file is empty" in empty.text
    wrong_role = upload(client, roster(row_for(world, child)), role="class_teacher")
    assert wrong_role.status_code == 422
    assert "Choose how your organisation works with these children" in wrong_role.text


def test_a_dsl_checks_a_possible_match_and_confirms_the_child(
    client: TestClient, uow: UnitOfWork, world: DemoWorld
) -> None:
    sign_in(client, world, "dsl-oakfield")
    assert upload(client, roster(newcomer_row(world))).status_code == 303
    queue = client.get("/match-reviews")
    assert queue.status_code == 200
    [review_id] = re.findall(r'href="/match-reviews/([0-9a-f-]{36})"', queue.text)
    page = client.get(f"/match-reviews/{review_id}")
    assert page.status_code == 200
    child = pupils(world, "org:school-2")[0]
    assert child.family_name in page.text
    assert "Given name: different" in page.text
    assert len(actions(uow, "child:compared")) >= 1
    token = form_token(client, f"/match-reviews/{review_id}")
    nothing = client.post(f"/match-reviews/{review_id}/decision", data={"csrf_token": token})
    assert nothing.status_code == 422
    assert "Choose whether this is one of the children listed" in nothing.text
    chosen = client.post(
        f"/match-reviews/{review_id}/decision",
        data={"csrf_token": token, "choice": f"child:{world.id(child.key)}", "note": "Checked"},
    )
    assert chosen.status_code == 303
    assert chosen.headers["location"] == "/match-reviews"
    with uow:
        review = uow.session.get_one(LinkReview, uuid.UUID(review_id))
    assert (review.status, review.chosen_child_id) == (
        LinkReviewStatus.CONFIRMED,
        world.id(child.key),
    )
    assert "No possible matches are waiting" in client.get("/match-reviews").text
    settled = client.get(f"/match-reviews/{review_id}")
    assert "This possible match was settled: confirmed" in settled.text


def test_a_school_system_links_its_roll_and_settles_possible_matches_through_the_api(
    client: TestClient, uow: UnitOfWork, world: DemoWorld
) -> None:
    school = bearer(uow, world, "school-1", Permission.ROSTER_LINK, Permission.MATCH_REVIEW)
    rows = [row_for(world, c, f"S-{i}") for i, c in enumerate(pupils(world)[:2])]
    files = {"roster": ("roll.csv", roster(*rows, newcomer_row(world)), CSV)}
    linked = client.post("/api/v1/rosters", headers=school, files=files)
    assert linked.status_code == 200, linked.text
    body = linked.json()
    assert (body["rows"], body["matched"], body["possible"], body["role"]) == (
        3,
        2,
        1,
        "school_attended",
    )
    assert [d["decision"] for d in body["decisions"]] == ["matched", "matched", "possible"]
    queue = client.get("/api/v1/match-reviews", headers=school)
    assert queue.status_code == 200
    [item] = queue.json()
    assert item["roster_row"]["local_id"] == "OAK-NEW"
    assert "given_names" not in item["candidates"][0]  # no one else's details in the list
    compared = client.get(f"/api/v1/match-reviews/{item['id']}", headers=school).json()
    child = pupils(world, "org:school-2")[0]
    best = compared["candidates"][0]
    assert (best["child_id"], best["family_name"]) == (str(world.id(child.key)), child.family_name)
    assert best["evidence"][0]["text"]
    decided = client.post(
        f"/api/v1/match-reviews/{item['id']}/decision",
        headers=school,
        json={"decision": "confirmed", "child_id": best["child_id"]},
    )
    assert decided.status_code == 200
    assert decided.json()["status"] == "confirmed"
    again = client.post(
        f"/api/v1/match-reviews/{item['id']}/decision",
        headers=school,
        json={"decision": "rejected"},
    )
    assert again.status_code == 409


def test_the_api_refuses_a_bad_roster_with_every_problem_and_links_nothing(
    client: TestClient, uow: UnitOfWork, world: DemoWorld
) -> None:
    school = bearer(uow, world, "school-1", Permission.ROSTER_LINK)
    first, second = pupils(world)[:2]
    bad = [
        {**row_for(world, first), "date_of_birth": "yesterday"},
        {**row_for(world, second), "upn": "Z000000000000", "given_names": ""},
    ]
    before = counts(uow)
    files = {"roster": ("roll.csv", roster(*bad), CSV)}
    refused = client.post("/api/v1/rosters", headers=school, files=files)
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["errors"] == [
        {"row": 2, "column": "date_of_birth", "message": refused.json()["errors"][0]["message"]},
        {"row": 3, "column": "given_names", "message": "Enter the given names"},
        {"row": 3, "column": "upn", "message": refused.json()["errors"][2]["message"]},
    ]
    assert counts(uow) == before
    reviews_without_permission = client.get("/api/v1/match-reviews", headers=school)
    assert reviews_without_permission.status_code == 403
    police = bearer(uow, world, "police", Permission.MATCH_REVIEW)
    assert client.get("/api/v1/match-reviews", headers=police).json() == []
    with uow:
        assert uow.session.scalars(select(LinkReview)).all() == []
    missing = client.get(f"/api/v1/match-reviews/{uuid.uuid4()}", headers=police)
    assert missing.status_code == 404


def test_linking_and_reviewing_log_no_personal_data(
    client: TestClient, world: DemoWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    children = pupils(world)[:2]
    bad = {**row_for(world, children[1], "S-2"), "nhs_number": "1234567890"}
    capsys.readouterr()
    sign_in(client, world, "dsl-oakfield")
    assert upload(client, roster(row_for(world, children[0], "S-1"), bad)).status_code == 422
    assert (
        upload(client, roster(row_for(world, children[0]), newcomer_row(world))).status_code == 303
    )
    [review_id] = re.findall(
        r'href="/match-reviews/([0-9a-f-]{36})"', client.get("/match-reviews").text
    )
    assert client.get(f"/match-reviews/{review_id}").status_code == 200
    logged = capsys.readouterr().err
    assert "request.completed" in logged
    newcomer = pupils(world, "org:school-2")[0]
    forbidden = {"1234567890", newcomer.family_name, newcomer.date_of_birth.isoformat()}
    for child in children:
        forbidden |= {child.family_name, child.nhs_number, child.date_of_birth.isoformat()}
    assert sorted(value for value in forbidden if value in logged) == []
