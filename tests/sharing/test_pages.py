"""The concern pages as a practitioner uses them: draft, guidance, send, My shares, 999."""

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from jigsaw.core.uow import UnitOfWork
from jigsaw.sharing.models import Concern, ConcernStatus, GuidedDecision
from tests.demo_world import DemoWorld, form_token, load_world, sign_in
from tests.sharing.helpers import NARRATIVE, pupil

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
SHARE_NOW = ["immediate-danger=no", "purpose=yes", "identifiable=yes", "significant-harm=yes"]


@pytest.fixture
def world(uow: UnitOfWork, app: FastAPI) -> DemoWorld:
    return load_world(uow, app)


def start(client: TestClient, world: DemoWorld) -> str:
    """Raise a concern about the DSL's pupil from the search page's button; the draft's path."""
    token = form_token(client, "/children/search")
    response = client.post("/concerns", data={"csrf_token": token, "subject": "identified",
                                              "child_id": str(pupil(world))})  # fmt: skip
    assert response.status_code == 303
    path: str = response.headers["location"].removesuffix("/edit")
    return path


def complete(world: DemoWorld, token: str, **changes: object) -> dict[str, object]:
    form: dict[str, object] = {
        "csrf_token": token, "immediate_danger": "no", "narrative": NARRATIVE,
        "happened_on": "2026-11-20", "how_known": "told_by_child", "categories": ["18C", "17A"],
        "level_of_need": "4", "decision": "share", "recipients": [str(world.id("org:mash"))],
        "purpose": "So the MASH can decide whether she needs protection",
        "article_6": "6(1)(e)", "consent": "not_sought",
        "consent_not_sought_reason": "would_increase_risk",
    }  # fmt: skip
    form.update(changes)
    return form


def test_a_dsl_raises_a_concern_with_guidance_and_sees_it_in_my_shares(
    client: TestClient, uow: UnitOfWork, world: DemoWorld
) -> None:
    sign_in(client, world, "dsl-oakfield")
    concern = start(client, world)
    token = form_token(client, f"{concern}/edit")

    # "Should I share?": one page, a question at a time; then kept with the concern.
    page = client.post(f"{concern}/guidance/should-i-share",
                       data={"csrf_token": token, "answers": SHARE_NOW[:-1],
                             "answer": SHARE_NOW[-1]})  # fmt: skip
    assert page.status_code == 200
    assert "Use this decision" in page.text
    attached = client.post(f"{concern}/guidance/should-i-share/attach",
                           data={"csrf_token": token, "answers": SHARE_NOW,
                                 "rationale": "She told me; I must share now."})  # fmt: skip
    assert attached.status_code == 303
    form = client.get(f"{concern}/edit")
    assert 'value="6(1)(e)" selected' in form.text  # the lawful basis, pre-filled
    assert "She told me; I must share now." in form.text

    sent = client.post(f"{concern}/send", data=complete(world, token))

    assert sent.status_code == 303
    shares = client.get(sent.headers["location"])
    with uow:
        row = uow.session.scalars(select(Concern)).one()
        guided = uow.session.scalars(select(GuidedDecision)).one()
    assert row.status is ConcernStatus.SENT
    assert guided.concern_id == row.id
    assert guided.outcome_id == "share-now"
    assert f"Concern {row.reference} sent to Eastmoor Multi-Agency Safeguarding Hub" in shares.text


def test_a_double_click_on_send_makes_one_concern(
    client: TestClient, uow: UnitOfWork, world: DemoWorld
) -> None:
    sign_in(client, world, "dsl-oakfield")
    concern = start(client, world)
    token = form_token(client, f"{concern}/edit")

    first = client.post(f"{concern}/send", data=complete(world, token))
    second = client.post(f"{concern}/send", data=complete(world, token, narrative="changed"))

    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == second.headers["location"]
    with uow:
        rows = uow.session.scalars(select(Concern)).all()
    assert len(rows) == 1


def test_immediate_danger_says_call_999_and_still_saves(
    client: TestClient, world: DemoWorld
) -> None:
    sign_in(client, world, "teacher-oakfield")
    concern = start(client, world)
    token = form_token(client, f"{concern}/edit")

    saved = client.post(f"{concern}/draft", headers={"HX-Request": "true"},
                        data={"csrf_token": token, "immediate_danger": "yes",
                              "narrative": NARRATIVE})  # fmt: skip

    assert saved.status_code == 200
    assert "Draft saved" in saved.text
    assert "Call 999 now" in saved.text
    page = client.get(f"{concern}/edit")
    assert "Call 999 now" in page.text
    assert NARRATIVE in page.text
    # Sending without the rest keeps what was written and says what is missing.
    refused = client.post(f"{concern}/send", data={"csrf_token": token,
                                                   "immediate_danger": "yes",
                                                   "narrative": NARRATIVE})  # fmt: skip
    assert refused.status_code == 422
    assert "Call 999 now" in refused.text
    assert "Say how you know" in refused.text


def test_a_draft_is_saved_as_typed_and_listed_in_my_shares(
    client: TestClient, world: DemoWorld
) -> None:
    sign_in(client, world, "dsl-oakfield")
    concern = start(client, world)
    token = form_token(client, f"{concern}/edit")

    client.post(f"{concern}/draft", headers={"HX-Request": "true"},
                data={"csrf_token": token, "narrative": "Half a sentence"})  # fmt: skip

    shares = client.get("/my-shares")
    assert "Draft" in shares.text
    assert "Half a sentence" in client.get(f"{concern}/edit").text


def test_a_wrong_answer_in_a_flow_asks_again(client: TestClient, world: DemoWorld) -> None:
    sign_in(client, world, "dsl-oakfield")
    concern = start(client, world)
    token = form_token(client, f"{concern}/edit")

    page = client.post(f"{concern}/guidance/should-i-share",
                       data={"csrf_token": token, "answer": "purpose=maybe"})  # fmt: skip

    assert page.status_code == 200
    assert "Choose one of the answers" in page.text


def test_an_attachment_is_checked_and_kept(client: TestClient, world: DemoWorld) -> None:
    sign_in(client, world, "dsl-oakfield")
    concern = start(client, world)
    token = form_token(client, f"{concern}/edit")
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

    added = client.post(f"{concern}/attachments", data={"csrf_token": token},
                        files={"file": ("body map.pdf", pdf, "application/pdf")})  # fmt: skip
    refused = client.post(f"{concern}/attachments", data={"csrf_token": token},
                          files={"file": ("photo.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 64,
                                          "application/pdf")})  # fmt: skip

    assert added.status_code == 303
    assert refused.status_code == 422
    assert "body map.pdf" in refused.text  # the first file is listed on the page
