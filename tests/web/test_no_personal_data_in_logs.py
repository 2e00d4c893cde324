"""A full sign-in and a child's record, and not one name, birth date or NHS number in the logs."""

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from jigsaw.children import format_nhs_number
from jigsaw.core.uow import UnitOfWork
from tests.demo_world import PASSWORD, load_world, sign_in


def test_sign_in_and_record_view_log_no_personal_data(
    client: TestClient, app: FastAPI, uow: UnitOfWork, capsys: pytest.CaptureFixture[str]
) -> None:
    world = load_world(uow, app)
    capsys.readouterr()
    sign_in(client, world, "dsl-oakfield")
    child_ids = world.children_of("teacher-oakfield")[:5]
    pages = [client.get(f"/children/{child}") for child in child_ids]
    logged = capsys.readouterr().err
    assert "request.completed" in logged

    persona = world.persona("dsl-oakfield")
    forbidden = {persona.email, persona.family_name, PASSWORD, world.keys[persona.email]}
    children = {world.id(c.key): c for c in world.partnership.children}
    for child_id, page in zip(child_ids, pages, strict=True):
        child = children[child_id]
        born = child.date_of_birth
        shown_nhs_number = format_nhs_number(child.nhs_number)
        forbidden |= {child.family_name, child.nhs_number, shown_nhs_number, born.isoformat(),
                      f"{born:%-d %B %Y}"}  # fmt: skip
        if page.status_code == 200:  # the page showed it, so it went through the app
            assert shown_nhs_number in page.text
    assert any(page.status_code == 200 for page in pages)
    assert sorted(value for value in forbidden if value in logged) == []
