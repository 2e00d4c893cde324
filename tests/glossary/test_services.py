"""Keeping the glossary: every change a new version, audited; bad input loses nothing."""

from dataclasses import replace

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from jigsaw.access.actor import Actor
from jigsaw.audit.models import AuditEvent
from jigsaw.core.errors import Conflict, Invalid, NotFound, PermissionDenied
from jigsaw.core.uow import UnitOfWork
from jigsaw.glossary import queries, services
from jigsaw.glossary.models import GlossaryTerm, GlossaryVersion
from jigsaw.glossary.rules import AgencyGroup, Term
from jigsaw.glossary.table import write_csv
from jigsaw.glossary.terms import packaged_terms
from tests.children.helpers import actor
from tests.demo_world import DemoWorld, load_world

NOTE = "Agreed at the partnership's practice group"
MEDICAL = Term(
    key="child-protection-medical",
    term="Child protection medical",
    definition="A paediatrician's examination of a child when abuse is suspected.",
    forms=("CP medical", "child protection medical"),
    used_by=(AgencyGroup.HEALTH,),
    nearest=((AgencyGroup.POLICE, "the medical examination agreed at the strategy discussion"),),
)


@pytest.fixture
def world(uow: UnitOfWork, app: FastAPI) -> DemoWorld:
    return load_world(uow, app, children=10)


@pytest.fixture
def keeper(uow: UnitOfWork, world: DemoWorld) -> Actor:
    return actor(uow, world, "system-admin")


def versions(uow: UnitOfWork) -> list[tuple[int, str]]:
    with uow:
        rows = uow.session.execute(
            select(GlossaryVersion.number, GlossaryVersion.summary).order_by(GlossaryVersion.number)
        ).all()
    return [(number, summary) for number, summary in rows]


def term_of(uow: UnitOfWork, key: str) -> Term:
    return queries.get_term(uow, key).term


class TestTheFirstChange:
    def test_writes_the_packaged_glossary_as_version_1_then_itself_as_version_2(
        self, uow: UnitOfWork, keeper: Actor
    ) -> None:
        assert queries.current_glossary(uow).version == 0  # the packaged one, read as is

        changed = services.add_term(uow, keeper, term=MEDICAL, note=NOTE)

        assert changed.version == 2
        assert changed.keys == ["child-protection-medical"]
        assert versions(uow) == [(1, "The packaged glossary"),
                                 (2, "Added “Child protection medical”")]  # fmt: skip
        glossary = queries.current_glossary(uow)
        assert glossary.version == 2
        assert len(glossary.terms) == len(packaged_terms()) + 1
        with uow:
            audited = uow.session.scalar(
                select(func.count()).where(AuditEvent.action == "glossary:changed")
            )
        assert audited == 2

    def test_a_term_added_is_found_in_what_people_write_at_once(
        self, uow: UnitOfWork, keeper: Actor
    ) -> None:
        before = queries.explain(uow, "The CP medical is on Monday.", None)
        services.add_term(uow, keeper, term=MEDICAL, note=NOTE)
        after = queries.explain(uow, "The CP medical is on Monday.", None)

        assert [p.explanation for p in before if p.explanation] == []
        assert [p.text for p in after if p.explanation] == ["CP medical"]


class TestKeepersOnly:
    @pytest.mark.parametrize("persona", ["admin-oakfield", "social-worker", "privacy-officer"])
    def test_nobody_else_changes_the_glossary(
        self, uow: UnitOfWork, world: DemoWorld, persona: str
    ) -> None:
        someone = actor(uow, world, persona)
        with pytest.raises(PermissionDenied):
            services.add_term(uow, someone, term=MEDICAL, note=NOTE)
        with pytest.raises(PermissionDenied):
            services.retire_term(uow, someone, key="section-47", note=NOTE)
        with pytest.raises(PermissionDenied):
            services.import_terms(uow, someone, data=write_csv([MEDICAL]).encode(), note=NOTE)
        assert versions(uow) == []


class TestEdit:
    def test_an_edit_keeps_the_key_and_lists_the_fields_it_changed(
        self, uow: UnitOfWork, keeper: Actor
    ) -> None:
        s47 = term_of(uow, "section-47")
        changed = replace(s47, key="ignored", definition="The council's enquiry (CA 1989 s47).")

        services.edit_term(uow, keeper, key="section-47", term=changed, based_on=0, note=NOTE)

        record = queries.get_term(uow, "section-47")
        assert record.term.definition == "The council's enquiry (CA 1989 s47)."
        assert record.term.key == "section-47"
        latest = record.history[0]
        assert (latest.version, latest.change, latest.fields, latest.note) == (
            2, "edited", ["definition"], NOTE
        )  # fmt: skip
        assert latest.made_by == "Ben Hartley"
        assert record.history[1].change == "added"  # version 1, as packaged

    def test_an_edit_of_a_term_changed_since_the_editor_read_it_is_refused(
        self, uow: UnitOfWork, keeper: Actor
    ) -> None:
        s47 = term_of(uow, "section-47")
        services.edit_term(uow, keeper, key="section-47", based_on=0, note=NOTE,
                           term=replace(s47, definition="First keeper's words."))  # fmt: skip

        with pytest.raises(Conflict):
            services.edit_term(uow, keeper, key="section-47", based_on=1, note=NOTE,
                               term=replace(s47, definition="Second keeper's words."))  # fmt: skip
        assert term_of(uow, "section-47").definition == "First keeper's words."

    def test_bad_input_is_refused_with_every_field_named_and_nothing_saved(
        self, uow: UnitOfWork, keeper: Actor
    ) -> None:
        bad = replace(MEDICAL, key="Bad Key", definition="", forms=("CIN",))
        with pytest.raises(Invalid) as refused:
            services.add_term(uow, keeper, term=bad, note="")
        assert set(refused.value.errors) == {"key", "definition", "note"}

        with pytest.raises(Invalid) as clash:
            services.add_term(uow, keeper, term=replace(MEDICAL, forms=("CIN",)), note=NOTE)
        assert clash.value.errors == {
            "forms": "“CIN” is already a form of the term “child-in-need”"
        }
        with pytest.raises(Invalid, match="already has this key"):
            services.add_term(uow, keeper, term=replace(MEDICAL, key="section-47"), note=NOTE)
        with pytest.raises(NotFound):
            services.edit_term(uow, keeper, key="no-such-term", term=MEDICAL, based_on=0, note=NOTE)
        assert versions(uow) == []

    def test_saving_a_term_unchanged_makes_no_version(self, uow: UnitOfWork, keeper: Actor) -> None:
        s47 = term_of(uow, "section-47")
        with pytest.raises(Invalid, match="Nothing changed"):
            services.edit_term(uow, keeper, key="section-47", term=s47, based_on=0, note=NOTE)
        assert versions(uow) == []


class TestRetire:
    def test_a_retired_term_keeps_its_history_but_is_no_longer_found_until_restored(
        self, uow: UnitOfWork, keeper: Actor
    ) -> None:
        text = "Police joined the s47."
        services.retire_term(uow, keeper, key="section-47", note="Replaced by local wording")

        assert [p.explanation for p in queries.explain(uow, text, None) if p.explanation] == []
        record = queries.get_term(uow, "section-47")
        assert record.term.retired
        assert record.history[0].change == "retired"
        assert "section-47" not in {t.key for t in queries.list_terms(uow).terms}
        assert "section-47" in {t.key for t in queries.list_terms(uow, retired=True).terms}

        services.retire_term(uow, keeper, key="section-47", note="Back again", retired=False)
        assert [p.text for p in queries.explain(uow, text, None) if p.explanation] == ["s47"]
        assert queries.get_term(uow, "section-47").history[0].change == "restored"


class TestImport:
    def test_a_file_adds_and_changes_terms_as_one_version_and_leaves_the_rest(
        self, uow: UnitOfWork, keeper: Actor
    ) -> None:
        s47 = replace(term_of(uow, "section-47"), definition="Changed by import.")
        data = write_csv([s47, MEDICAL]).encode()

        changed = services.import_terms(uow, keeper, data=data, note=NOTE)

        assert changed.version == 2
        assert sorted(changed.keys) == ["child-protection-medical", "section-47"]
        assert versions(uow)[-1] == (2, "Imported a file of 2 terms (1 new)")
        assert term_of(uow, "section-47").definition == "Changed by import."
        assert term_of(uow, "icpc") == next(t for t in packaged_terms() if t.key == "icpc")
        [line] = [v for v in queries.list_versions(uow) if v.number == 2]
        assert sorted(line.keys) == ["child-protection-medical", "section-47"]

    def test_one_wrong_row_and_nothing_is_applied_every_problem_named(
        self, uow: UnitOfWork, keeper: Actor
    ) -> None:
        good = replace(MEDICAL, definition="Fine.")
        clash = replace(MEDICAL, key="another", forms=("ICPC",))  # a form the glossary has
        data = write_csv([good, clash]).encode()

        with pytest.raises(services.ImportRejected) as rejected:
            services.import_terms(uow, keeper, data=data, note=NOTE)

        assert [(p.row, p.column) for p in rejected.value.problems] == [(3, "forms")]
        assert rejected.value.errors == {"file": "Nothing was imported: the file has 1 problem"}
        assert versions(uow) == []
        with uow:
            assert uow.session.scalar(select(func.count()).select_from(GlossaryTerm)) == 0

    def test_a_file_that_changes_nothing_or_has_no_note_is_refused(
        self, uow: UnitOfWork, keeper: Actor
    ) -> None:
        same = write_csv([term_of(uow, "section-47")]).encode()
        with pytest.raises(Invalid, match="Nothing changed"):
            services.import_terms(uow, keeper, data=same, note=NOTE)
        with pytest.raises(Invalid, match="Say why"):
            services.import_terms(uow, keeper, data=same, note=" ")
        assert versions(uow) == []
