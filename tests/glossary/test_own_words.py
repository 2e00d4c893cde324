"""Reading in your own words on the pages: concerns, feedback, partner answers, chronologies,
and a concern's risk level beside the shared level and the reader's own scale."""

import html
import re
from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from jigsaw.accounts import Organisation
from jigsaw.core.uow import UnitOfWork
from jigsaw.events.services import record
from jigsaw.mash import feedback, partner_checks, services
from jigsaw.mash.models import MashContact
from jigsaw.mash.rules import Action
from tests.children.helpers import actor
from tests.demo_world import DemoWorld, load_world, sign_in
from tests.glossary.helpers import (
    SOCIAL_WORKER_NARRATIVE,
    police_receive_concerns,
    share_with_police,
)
from tests.mash.helpers import decided
from tests.sharing.helpers import raise_to_mash, shared

TERM = re.compile(
    r'<details class="app-term"><summary class="app-term__word">(.*?)'
    r'<span class="govuk-visually-hidden"> \(glossary\)</span></summary>'
    r'<span class="app-term__note">(.*?)</span></details>'
)


@pytest.fixture
def world(uow: UnitOfWork, app: FastAPI) -> DemoWorld:
    return load_world(uow, app, children=40)


def straight(text: str) -> str:
    """Typographic apostrophes as plain ones, so expectations read plainly."""
    return text.replace("\u2019", "'")


def explained(page: str) -> dict[str, str]:
    """Each term on the page, as the author wrote it, and its note as plain text."""
    return {html.unescape(words): straight(html.unescape(re.sub(r"<[^>]+>", "", note)))
            for words, note in TERM.findall(page)}  # fmt: skip


def authors_words(page_part: str) -> str:
    """The text with the glossary's markup taken out: what the author wrote."""
    without_notes = re.sub(r'<span class="app-term__note">.*?</span></details>', "", page_part)
    return html.unescape(re.sub(r"<[^>]+>", "", without_notes.replace(" (glossary)", "")))


class TestTheConcernPage:
    def test_a_police_officer_reads_a_social_workers_terms_in_police_words(
        self, client: TestClient, uow: UnitOfWork, world: DemoWorld
    ) -> None:
        police_receive_concerns(uow, world)
        concern = share_with_police(uow, world, actor(uow, world, "social-worker"))
        sign_in(client, world, "police-officer")

        page = client.get(f"/concerns/{concern.id}").text

        terms = explained(page)
        assert {"Strategy discussion", "s47 enquiry", "CIN", "ICPC"} <= set(terms)
        assert "In police terms: the council's child protection enquiry" in terms["s47 enquiry"]
        assert terms["CIN"].startswith("Child in need (CIN): A child who")
        assert "In police terms: a vulnerable child" in terms["CIN"]
        assert "In police terms: the multi-agency meeting" in terms["ICPC"]
        # Strategy discussions are the police's own: defined, not translated.
        assert "In police terms" not in terms["Strategy discussion"]
        narrative = page.split("What happened</dt>")[1].split("</dd>")[0]
        assert authors_words(narrative) == SOCIAL_WORKER_NARRATIVE

    def test_the_risk_level_is_shown_beside_the_shared_level_and_the_readers_own_scale(
        self, client: TestClient, uow: UnitOfWork, world: DemoWorld
    ) -> None:
        police_receive_concerns(uow, world)
        concern = share_with_police(uow, world, actor(uow, world, "social-worker"))
        sign_in(client, world, "police-officer")

        page = client.get(f"/concerns/{concern.id}").text
        cell = page.split("Their risk level</dt>")[1].split("</dd>")[0]
        row = straight(re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", cell))))

        with uow:
            council = uow.session.get_one(Organisation, world.id("org:la")).name
        assert f"Amber on the scale of {council}" in row
        assert "Usually means: Level 3: child in need" in row
        assert "In your organisation's scale: DASH medium" in row
        assert "Mappings are indicative." in row

    def test_the_author_reads_their_own_risk_level_without_a_translation(
        self, client: TestClient, uow: UnitOfWork, world: DemoWorld
    ) -> None:
        concern = share_with_police(uow, world, actor(uow, world, "social-worker"))
        sign_in(client, world, "social-worker")

        page = client.get(f"/concerns/{concern.id}").text
        row = straight(html.unescape(page.split("Their risk level</dt>")[1].split("</dd>")[0]))

        assert "Usually means: Level 3: child in need" in row
        assert "In your organisation's scale" not in row
        assert all("In children's social care terms" not in n for n in explained(page).values())

    def test_the_mashs_feedback_is_explained_to_the_school_that_shared(
        self, client: TestClient, uow: UnitOfWork, world: DemoWorld
    ) -> None:
        concern, contact = decided(uow, world, rationale="Early help through the school")
        text = "A s47 enquiry has started; the DSL will be invited to the ICPC."
        feedback.send(uow, actor(uow, world, "mash-practitioner"), contact_id=contact.id, text=text)
        sign_in(client, world, "dsl-oakfield")

        terms = explained(client.get(f"/concerns/{concern.id}").text)

        assert "In education terms: a child protection enquiry" in terms["s47 enquiry"]
        assert "In education terms" not in terms["DSL"]  # the school's own term


class TestTheMashContactPage:
    def test_the_concern_and_a_partners_answer_are_read_in_the_mashs_words(
        self, client: TestClient, uow: UnitOfWork, world: DemoWorld
    ) -> None:
        child_id = next(c for c in world.children_at("school-1") if c in world.children_at("gp-1"))
        draft = shared(narrative="Told the DSL she is a young carer; EHCP in place.")
        concern = raise_to_mash(uow, world, actor(uow, world, "dsl-oakfield"), child_id=child_id,
                                draft=draft)  # fmt: skip
        contact = _contact_of(uow, concern.id)
        practitioner = actor(uow, world, "mash-practitioner")
        services.act(uow, practitioner, contact_id=contact.id, action=Action.ACCEPT)
        gp = [world.id("org:gp-1")]
        [request] = partner_checks.ask(uow, practitioner, contact_id=contact.id,
                                       organisation_ids=gp, question="")  # fmt: skip
        partner_checks.answer(uow, actor(uow, world, "gp-riverside"), request_id=request.id,
                              text="Two WNB for immunisations; named nurse informed.")  # fmt: skip
        sign_in(client, world, "mash-practitioner")

        page = client.get(f"/mash/contacts/{contact.id}").text
        terms = explained(page)

        assert "In children's social care terms: the school's safeguarding lead" in terms["DSL"]
        assert "In children's social care terms: a missed health appointment" in terms["WNB"]
        assert "named nurse" in terms
        assert "Usually means: Level 4: child protection" in page


class TestTheChronology:
    def test_an_events_words_and_its_source_code_are_explained(
        self, client: TestClient, uow: UnitOfWork, world: DemoWorld
    ) -> None:
        child_id = world.children_at("school-1")[0]
        with uow:
            words = "Strategy discussion: section 47 enquiry; school to attend the ICPC."
            event = record(uow, child_id=child_id, code="strategy_discussion", text=words,
                           occurred_at=datetime.now(UTC), organisation_id=world.id("org:la"),
                           open_to_all=True)  # fmt: skip
            event.source_code = "S47-SD"
            uow.commit()
        sign_in(client, world, "dsl-oakfield")

        page = client.get(f"/children/{child_id}/chronology").text
        terms = explained(page)

        assert {"Strategy discussion", "section 47 enquiry", "ICPC", "S47"} <= set(terms)
        assert "In education terms" in terms["section 47 enquiry"]
        assert '<div class="govuk-body-s app-preserve-lines' in page  # details may not sit in a <p>


def _contact_of(uow: UnitOfWork, concern_id: object) -> MashContact:
    with uow:
        return uow.session.scalars(
            select(MashContact).where(MashContact.concern_id == concern_id)
        ).one()
