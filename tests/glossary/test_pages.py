"""The glossary's pages and API: find a term, read it in each agency's words, keep the glossary."""

import html
import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from jigsaw.access.permissions import Permission
from jigsaw.core.uow import UnitOfWork
from jigsaw.glossary import queries
from jigsaw.glossary.table import read_csv
from jigsaw.glossary.terms import packaged_terms
from jigsaw.sharing import services as sharing
from tests.children.helpers import actor
from tests.demo_world import DemoWorld, bearer, form_token, load_world, sign_in

NOTE = "Agreed at the practice group"


@pytest.fixture
def world(uow: UnitOfWork, app: FastAPI) -> DemoWorld:
    return load_world(uow, app, children=10)


def text_of(page: str) -> str:
    """The page's words, plain: typographic apostrophes and dashes as their keyboard forms."""
    words = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))
    return words.replace("\u2019", "'").replace("\u2013", "-")


def listed(page: str) -> list[str]:
    """The terms a glossary page lists, by key, in order."""
    return re.findall(
        r'<dt class="govuk-summary-list__key"><a class="govuk-link" href="/glossary/([a-z0-9-]+)"',
        page,
    )


class TestFindingATerm:
    def test_every_term_is_listed_a_to_z_under_its_letter(
        self, client: TestClient, world: DemoWorld
    ) -> None:
        sign_in(client, world, "teacher-oakfield")
        page = client.get("/glossary").text

        keys = listed(page)
        assert len(keys) == len(packaged_terms())
        names = {t.key: t.term for t in packaged_terms()}
        assert [names[k].casefold() for k in keys] == sorted(names[k].casefold() for k in keys)
        assert '<h2 class="govuk-heading-m app-glossary__letter" id="letter-s">S</h2>' in page

    def test_a_search_a_letter_and_an_agency_group_narrow_the_list(
        self, client: TestClient, world: DemoWorld
    ) -> None:
        sign_in(client, world, "teacher-oakfield")

        assert "section-47" in listed(client.get("/glossary?q=s47").text)
        assert listed(client.get("/glossary?q=clare%27s+law").text) == ["dvds"]
        by_letter = listed(client.get("/glossary?letter=m").text)
        assert "marac" in by_letter
        assert all(k[0] in "m" for k in by_letter if k != "multi-agency-child-exploitation")
        police = listed(client.get("/glossary?group=police").text)
        assert "ppn" in police
        assert "ehcp" not in police
        nothing = client.get("/glossary?q=zzzz").text
        assert "No terms match." in nothing

    def test_a_terms_page_gives_each_agency_groups_nearest_words(
        self, client: TestClient, world: DemoWorld
    ) -> None:
        sign_in(client, world, "police-officer")
        page = text_of(client.get("/glossary/section-47").text)

        assert "Section 47 enquiry (s47)" in page
        assert "Children's social care Their own term" in page
        assert (
            "Police the council's child protection enquiry; when a crime may have happened" in page
        )
        assert "As packaged with Jigsaw: not changed by the partnership." in page
        assert "Change this term" not in page  # a keeper's button
        assert client.get("/glossary/no-such-term").status_code == 404

    def test_the_glossary_downloads_as_csv_that_an_import_reads(
        self, client: TestClient, world: DemoWorld
    ) -> None:
        sign_in(client, world, "gp-riverside")
        download = client.get("/glossary.csv")

        assert download.headers["content-type"] == "text/csv; charset=utf-8"
        assert 'filename="glossary-v0.csv"' in download.headers["content-disposition"]
        assert set(read_csv(download.content).terms) == set(packaged_terms())


class TestRiskLevels:
    def test_every_scale_is_shown_against_the_shared_levels_with_its_caveat(
        self, client: TestClient, uow: UnitOfWork, world: DemoWorld
    ) -> None:
        sharing.set_risk_scale(uow, actor(uow, world, "admin-oakfield"),
                               terms=[("Blue", 1), ("Purple", 4)])  # fmt: skip
        sign_in(client, world, "health-visitor")
        page = text_of(client.get("/glossary/risk-levels").text)

        assert "Mappings are indicative, not rules." in page
        assert "Police (usual scale) - None DASH standard DASH medium DASH high" in page
        assert "Oakfield Primary School Its own scale Blue - None - None Purple" in page


class TestKeepingTheGlossary:
    def test_a_keeper_adds_a_term_and_it_is_explained_in_what_people_write(
        self, client: TestClient, uow: UnitOfWork, world: DemoWorld
    ) -> None:
        sign_in(client, world, "system-admin")
        token = form_token(client, "/glossary/new")
        form = {"csrf_token": token, "key": "cp-medical", "term": "Child protection medical",
                "definition": "A paediatrician examines a child when abuse is suspected.",
                "forms": "CP medical; child protection medical", "used_by": ["health"],
                "nearest_police": "the medical agreed at the strategy discussion",
                "note": NOTE}  # fmt: skip

        added = client.post("/glossary", data=form)

        assert added.status_code == 303
        assert added.headers["location"] == "/glossary/cp-medical?saved=1"
        page = text_of(client.get(added.headers["location"]).text)
        assert "Saved as version 2 of the glossary." in page
        assert NOTE in page  # the history says why, and who
        assert "Ben Hartley" in page
        found = queries.explain(uow, "A CP medical is booked.", None)
        assert [p.text for p in found if p.explanation] == ["CP medical"]

    def test_a_refused_term_comes_back_with_every_problem_and_what_was_typed(
        self, client: TestClient, world: DemoWorld
    ) -> None:
        sign_in(client, world, "system-admin")
        token = form_token(client, "/glossary/new")
        typed = {"csrf_token": token, "key": "Not A Key", "term": "My term",
                 "definition": "", "forms": "CIN; my term", "note": ""}  # fmt: skip

        refused = client.post("/glossary", data=typed)

        assert refused.status_code == 422
        page = refused.text
        assert page.count('class="govuk-error-message"') == 3  # key, definition, note
        assert 'value="Not A Key"' in page
        assert 'value="CIN; my term"' in page
        assert "Error: Add a term - Glossary - Jigsaw" in text_of(page)

    def test_an_edit_that_crosses_anothers_keeps_the_typed_words_and_shows_theirs(
        self, client: TestClient, world: DemoWorld
    ) -> None:
        sign_in(client, world, "system-admin")
        edit = client.get("/glossary/icpc/edit").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', edit)
        assert token
        based_on = re.search(r'name="based_on" value="(\d+)"', edit)
        assert based_on
        first = {"csrf_token": token.group(1), "term": "Initial Child Protection Conference (ICPC)",
                 "definition": "First keeper's words.", "forms": "ICPC", "used_by": "social_care",
                 "note": NOTE, "based_on": based_on.group(1)}  # fmt: skip
        assert client.post("/glossary/icpc", data=first).status_code == 303

        second = {**first, "definition": "Second keeper's words."}
        clash = client.post("/glossary/icpc", data=second)

        assert clash.status_code == 409
        assert "Someone else changed this term while you were editing it." in clash.text
        assert "Second keeper&#39;s words." in clash.text  # kept in the form
        assert "First keeper&#39;s words." in clash.text  # the term as it is now, shown
        assert 'name="based_on" value="2"' in clash.text
        assert client.post("/glossary/icpc", data={**second, "based_on": "2"}).status_code == 303

    def test_retiring_needs_a_reason_and_keeps_the_term_in_its_own_list(
        self, client: TestClient, world: DemoWorld
    ) -> None:
        sign_in(client, world, "system-admin")
        token = form_token(client, "/glossary/section-47")

        refused = client.post("/glossary/section-47/retire", data={"csrf_token": token})
        assert refused.status_code == 422
        assert "Say why, for the glossary" in refused.text
        reason = {"csrf_token": token, "note": "Local wording instead"}
        retired = client.post("/glossary/section-47/retire", data=reason)

        assert retired.status_code == 303
        assert "section-47" not in listed(client.get("/glossary").text)
        assert "section-47" in listed(client.get("/glossary?retired=1").text)
        assert "Restore this term" in client.get("/glossary/section-47").text

    def test_a_file_with_a_bad_row_imports_nothing_and_lists_each_problem(
        self, client: TestClient, world: DemoWorld
    ) -> None:
        sign_in(client, world, "system-admin")
        token = form_token(client, "/glossary/import")
        bad = b"key,term,definition,used_by\r\nfine,Fine,A term.,police\r\nBad Key,,x,fire\r\n"

        refused = client.post("/glossary/import", data={"csrf_token": token, "note": NOTE},
                              files={"glossary": ("terms.csv", bad, "text/csv")})  # fmt: skip

        assert refused.status_code == 422
        page = text_of(refused.text)
        assert "Nothing was imported: the file has 3 problems" in page
        assert "3 key" in page
        assert "3 term Enter the term" in page
        assert "3 used_by Agency groups are" in page
        assert client.get("/glossary/fine").status_code == 404

        good = b"key,term,definition\r\nfine,Fine,A term.\r\n"
        imported = client.post("/glossary/import", data={"csrf_token": token, "note": NOTE},
                               files={"glossary": ("terms.csv", good, "text/csv")})  # fmt: skip
        assert imported.headers["location"] == "/glossary/history?imported=2"
        history = text_of(client.get(imported.headers["location"]).text)
        assert "The file is imported as version 2 of the glossary." in history
        assert "Imported a file of 1 terms (1 new)" in history


class TestTheApi:
    def test_an_agency_system_reads_the_glossary_and_one_term(
        self, client: TestClient, uow: UnitOfWork, world: DemoWorld
    ) -> None:
        headers = bearer(uow, world, "police", Permission.GLOSSARY_READ)

        glossary = client.get("/api/v1/glossary", headers=headers).json()
        assert glossary["version"] == 0
        assert len(glossary["terms"]) == len(packaged_terms())
        term = client.get("/api/v1/glossary/section-47", headers=headers).json()
        assert term["forms"][0] == "s47"
        assert term["used_by"] == ["social_care"]
        assert term["nearest"]["police"].startswith("the council\u2019s child protection enquiry")
        assert client.get("/api/v1/glossary/nothing", headers=headers).status_code == 404
        none = bearer(uow, world, "police", Permission.CHILD_READ)
        assert client.get("/api/v1/glossary", headers=none).status_code == 403


def test_the_search_form_as_a_browser_sends_it_with_no_group_chosen(
    client: TestClient, world: DemoWorld
) -> None:
    sign_in(client, world, "teacher-oakfield")
    found = client.get("/glossary?q=ICPC&group=")
    assert found.status_code == 200
    assert listed(found.text) == ["icpc"]
    assert listed(client.get("/glossary?q=ICPC&group=unknown").text) == ["icpc"]  # ignored
