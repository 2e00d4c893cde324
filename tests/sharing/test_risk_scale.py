"""Each organisation's own risk scale, mapped to the shared levels of need."""

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from jigsaw.core.errors import Invalid
from jigsaw.core.uow import UnitOfWork
from jigsaw.sharing import queries, services
from jigsaw.taxonomy.levels import LevelOfNeed
from tests.children.helpers import actor
from tests.demo_world import DemoWorld, bearer, form_token, load_world, sign_in


@pytest.fixture
def world(uow: UnitOfWork, app: FastAPI) -> DemoWorld:
    return load_world(uow, app)


def test_each_kind_of_agency_starts_with_its_usual_scale(uow: UnitOfWork, world: DemoWorld) -> None:
    police = queries.risk_scale(uow, actor(uow, world, "police-officer"))
    school = queries.risk_scale(uow, actor(uow, world, "dsl-oakfield"))

    assert police[-1] == ("DASH high", LevelOfNeed.CHILD_PROTECTION)
    assert ("Low-level concern", LevelOfNeed.FAMILY_HELP) in school


def test_an_organisation_admin_sets_the_scale_its_practitioners_choose_from(
    client: TestClient, uow: UnitOfWork, world: DemoWorld
) -> None:
    sign_in(client, world, "admin-oakfield")
    token = form_token(client, "/risk-scale")

    scale = "Green = 1\nAmber=3\n  Red  =  4\n"
    saved = client.post("/risk-scale", data={"csrf_token": token, "scale": scale})

    assert saved.status_code == 303
    assert queries.risk_scale(uow, actor(uow, world, "teacher-oakfield")) == [
        ("Green", LevelOfNeed.UNIVERSAL), ("Amber", LevelOfNeed.CHILD_IN_NEED),
        ("Red", LevelOfNeed.CHILD_PROTECTION),
    ]  # fmt: skip
    # Another school keeps its own.
    assert queries.risk_scale(uow, actor(uow, world, "dsl-kestrel"))[0][0] == "Welfare note"
    services.set_risk_scale(uow, actor(uow, world, "admin-oakfield"), terms=[])
    assert queries.risk_scale(uow, actor(uow, world, "teacher-oakfield"))[0][0] == "Welfare note"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Amber", "Line 1: write a term, then = and a level from 1 to 4"),
        ("Amber = 5", "Line 1: write a term, then = and a level from 1 to 4"),
        ("Amber = 3\namber = 2", "Line 2: this term is already on the scale"),
        (" = 2", "Line 1: write a term, then = and a level from 1 to 4"),
    ],
)
def test_a_scale_that_is_not_terms_and_levels_is_refused_with_the_line(
    text: str, message: str
) -> None:
    with pytest.raises(Invalid) as refused:
        services.parse_risk_scale(text)
    assert refused.value.errors == {"scale": message}


def test_a_system_reads_its_organisation_s_scale(
    client: TestClient, uow: UnitOfWork, world: DemoWorld
) -> None:
    response = client.get("/api/v1/risk-scale",
                          headers=bearer(uow, world, "police", "concern:raise"))  # fmt: skip

    assert response.status_code == 200
    assert {"term": "DASH high", "level_of_need": 4} in response.json()
