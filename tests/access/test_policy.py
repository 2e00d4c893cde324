"""The access rules, decided only in jigsaw.access.policy, against the demo's casework."""

import uuid
from datetime import timedelta

import pytest
from fastapi import FastAPI
from sqlalchemy import column, select

from jigsaw.access import facts, policy
from jigsaw.access.actor import Actor
from jigsaw.access.models import (
    BreakGlassGrant,
    Involvement,
    InvolvementRole,
    MashCase,
    Restriction,
    RestrictionReason,
)
from jigsaw.access.permissions import Permission
from jigsaw.access.vocabulary import AccessBasis, AgencyKind, Role
from jigsaw.accounts import User
from jigsaw.accounts import services as accounts
from jigsaw.core import clock
from jigsaw.core.errors import PermissionDenied
from jigsaw.core.uow import UnitOfWork
from tests.demo_world import DemoWorld, load_world


@pytest.fixture
def world(uow: UnitOfWork, app: FastAPI) -> DemoWorld:
    return load_world(uow, app)


def actor(uow: UnitOfWork, world: DemoWorld, persona: str) -> Actor:
    with uow:
        user = uow.session.get(User, world.id(f"persona:{persona}"))
        assert user is not None
        return accounts.user_actor(user)


def basis(uow: UnitOfWork, who: Actor, child: uuid.UUID) -> AccessBasis | None:
    with uow:
        found = policy.child_access(uow.session, who, child, now=clock.now())
        return None if found is None else found.basis


def restricted(world: DemoWorld) -> set[uuid.UUID]:
    return {world.id(r.child_key) for r in world.partnership.casework.restrictions}


def pupil(world: DemoWorld) -> uuid.UUID:
    """A pupil in the teacher's class whose record is not restricted."""
    return next(c for c in world.children_of("teacher-oakfield") if c not in restricted(world))


def reachable(uow: UnitOfWork, who: Actor) -> set[uuid.UUID]:
    with uow:
        return set(uow.session.scalars(policy.visible_child_ids(who, now=clock.now())))


class TestRelationships:
    def test_a_teacher_reaches_their_class_and_not_the_rest_of_the_school(
        self, uow: UnitOfWork, world: DemoWorld
    ) -> None:
        teacher = actor(uow, world, "teacher-oakfield")
        pupils = set(world.children_of("teacher-oakfield")) - restricted(world)
        school = set(world.children_at("school-1"))
        assert pupils
        assert reachable(uow, teacher) == pupils
        assert all(basis(uow, teacher, c) is AccessBasis.RELATIONSHIP for c in pupils)
        assert all(basis(uow, teacher, c) is None for c in school - pupils)

    def test_a_designated_safeguarding_lead_reaches_every_pupil(
        self, uow: UnitOfWork, world: DemoWorld
    ) -> None:
        dsl = actor(uow, world, "dsl-oakfield")
        assert reachable(uow, dsl) == set(world.children_at("school-1")) - restricted(world)

    def test_another_schools_lead_reaches_none_of_them(
        self, uow: UnitOfWork, world: DemoWorld
    ) -> None:
        other = actor(uow, world, "dsl-kestrel")
        assert reachable(uow, other).isdisjoint(world.children_at("school-1"))

    def test_an_ended_involvement_is_no_longer_a_relationship(
        self, uow: UnitOfWork, world: DemoWorld
    ) -> None:
        teacher = actor(uow, world, "teacher-oakfield")
        child = pupil(world)
        with uow:
            for involvement in uow.session.query(Involvement).filter_by(
                child_id=child, user_id=teacher.id
            ):
                involvement.ended_on = clock.today() - timedelta(days=1)
            uow.commit()
        assert basis(uow, teacher, child) is None

    def test_roles_without_case_work_reach_no_child(
        self, uow: UnitOfWork, world: DemoWorld
    ) -> None:
        child = pupil(world)
        for persona in ("privacy-officer", "system-admin", "admin-oakfield"):
            who = actor(uow, world, persona)
            assert basis(uow, who, child) is None
            assert reachable(uow, who) == set()


class TestMash:
    def test_mash_staff_reach_children_with_an_open_case_and_no_others(
        self, uow: UnitOfWork, world: DemoWorld
    ) -> None:
        mash = actor(uow, world, "mash-manager")
        cases = {world.id(c.child_key) for c in world.partnership.casework.mash_cases}
        assert reachable(uow, mash) == cases
        child = next(iter(cases))
        assert basis(uow, mash, child) is AccessBasis.MASH
        with uow:
            for case in uow.session.query(MashCase).filter_by(child_id=child):
                case.closed_at = clock.now()
            uow.commit()
        assert basis(uow, mash, child) is None


class TestRestriction:
    def test_a_restricted_child_is_seen_only_by_those_named(
        self, uow: UnitOfWork, world: DemoWorld
    ) -> None:
        [restriction] = world.partnership.casework.restrictions
        child = world.id(restriction.child_key)
        social_worker = actor(uow, world, "social-worker")
        assert basis(uow, social_worker, child) is AccessBasis.RESTRICTION
        assert child in reachable(uow, social_worker)
        gp = actor(uow, world, "gp-riverside")  # the practice is involved, but not named
        assert basis(uow, gp, child) is None
        assert child not in reachable(uow, gp)

    @pytest.mark.parametrize("listed", [5_000, 1], ids=["ids sent", "restrictions read whole"])
    def test_restricted_among_answers_only_for_the_children_asked_about(
        self, uow: UnitOfWork, world: DemoWorld, monkeypatch: pytest.MonkeyPatch, listed: int
    ) -> None:
        monkeypatch.setattr(policy, "_LISTED_IDS", listed)
        [hidden] = restricted(world)
        asked_about = [hidden, pupil(world)]
        other = next(c for c in world.children_at("school-1") if c not in asked_about)
        with uow:
            uow.session.add(Restriction(child_id=other, reason=RestrictionReason.OTHER,
                                        created_at=clock.now()))  # fmt: skip
            uow.commit()
        with uow:
            assert policy.restricted_among(uow.session, asked_about) == {hidden}

    def test_no_one_can_break_glass_into_a_restricted_child(
        self, uow: UnitOfWork, world: DemoWorld
    ) -> None:
        [restriction] = world.partnership.casework.restrictions
        police = actor(uow, world, "police-officer")
        with uow:
            assert not policy.may_break_glass(uow.session, police, world.id(restriction.child_key))

    def test_service_accounts_never_reach_a_restricted_child(
        self, uow: UnitOfWork, world: DemoWorld
    ) -> None:
        [restriction] = world.partnership.casework.restrictions
        system = Actor.service_account(
            uuid.uuid4(),
            organisation_id=world.id("org:la"),
            agency_kind=AgencyKind.CHILDRENS_SOCIAL_CARE,
            permissions=frozenset({Permission.CHILD_READ}),
        )
        assert basis(uow, system, world.id(restriction.child_key)) is None


class TestBreakGlass:
    def test_a_grant_opens_one_child_until_it_expires(
        self, uow: UnitOfWork, world: DemoWorld
    ) -> None:
        police = actor(uow, world, "police-officer")
        child = pupil(world)
        assert basis(uow, police, child) is None
        with uow:
            assert policy.may_break_glass(uow.session, police, child)
            grant = facts.add_break_glass_grant(
                uow.session,
                police,
                child_id=child,
                reason="test",
                now=clock.now(),
                lasts=timedelta(hours=4),
            )
            uow.commit()
        assert basis(uow, police, child) is AccessBasis.BREAK_GLASS
        assert child in reachable(uow, police)
        with uow:
            uow.session.merge(grant).expires_at = clock.now() - timedelta(seconds=1)
            uow.commit()
        assert basis(uow, police, child) is None

    def test_only_signed_in_people_with_case_roles_may_break_glass(
        self, uow: UnitOfWork, world: DemoWorld
    ) -> None:
        child = pupil(world)
        officer = actor(uow, world, "privacy-officer")
        with uow:
            assert not policy.may_break_glass(uow.session, officer, child)
            assert not policy.may_break_glass(uow.session, Actor.system("test"), child)
            with pytest.raises(ValueError, match="signed-in users"):
                facts.add_break_glass_grant(
                    uow.session,
                    Actor.system("test"),
                    child_id=child,
                    reason="x",
                    now=clock.now(),
                    lasts=timedelta(hours=1),
                )


class TestAdministration:
    def test_organisation_admins_manage_their_own_organisation_only(self) -> None:
        school, police = uuid.uuid4(), uuid.uuid4()
        admin = Actor.user(
            uuid.uuid4(),
            organisation_id=school,
            agency_kind=AgencyKind.SCHOOL,
            roles=frozenset({Role.ORGANISATION_ADMIN}),
        )
        assert policy.may_administer(admin, school)
        assert not policy.may_administer(admin, police)
        assert Role.SYSTEM_ADMIN not in policy.grantable_roles(admin)

    def test_system_admins_manage_every_organisation_and_any_role(self) -> None:
        admin = Actor.user(
            uuid.uuid4(),
            organisation_id=uuid.uuid4(),
            agency_kind=AgencyKind.CHILDRENS_SOCIAL_CARE,
            roles=frozenset({Role.SYSTEM_ADMIN}),
        )
        assert policy.may_administer(admin, uuid.uuid4())
        assert policy.grantable_roles(admin) == frozenset(Role)

    def test_practitioners_manage_no_one(self) -> None:
        teacher = Actor.user(
            uuid.uuid4(),
            organisation_id=uuid.uuid4(),
            agency_kind=AgencyKind.SCHOOL,
            roles=frozenset({Role.PRACTITIONER}),
        )
        assert not policy.may_administer(teacher, teacher.organisation_id or uuid.uuid4())
        assert policy.grantable_roles(teacher) == frozenset()
        with pytest.raises(PermissionDenied):
            policy.require(teacher, Permission.USER_MANAGE)

    def test_privacy_officers_oversee_their_own_organisation(self) -> None:
        council, school = uuid.uuid4(), uuid.uuid4()
        officer = Actor.user(
            uuid.uuid4(),
            organisation_id=council,
            agency_kind=AgencyKind.CHILDRENS_SOCIAL_CARE,
            roles=frozenset({Role.PRIVACY_OFFICER}),
        )
        assert policy.may_review_break_glass(officer, council)
        assert not policy.may_review_break_glass(officer, school)
        assert policy.may_read_actions_of(officer, council)
        assert not policy.may_read_actions_of(officer, school)


def test_privacy_officers_review_only_their_own_organisations_break_glass(
    uow: UnitOfWork, world: DemoWorld
) -> None:
    social_worker = actor(uow, world, "social-worker")
    police = actor(uow, world, "police-officer")
    with uow:
        for who in (social_worker, police):
            facts.add_break_glass_grant(
                uow.session,
                who,
                child_id=pupil(world),
                reason="test",
                now=clock.now(),
                lasts=timedelta(hours=1),
            )
        uow.commit()
    officer = actor(uow, world, "privacy-officer")  # the council's
    with uow:
        reviewable = uow.session.scalars(
            select(BreakGlassGrant.user_id).where(policy.reviewable_break_glass(officer))
        ).all()
        by_police = uow.session.scalars(
            select(BreakGlassGrant.id).where(policy.reviewable_break_glass(police))
        ).all()
    assert reviewable == [social_worker.id]
    assert by_police == []


def test_who_may_see_a_child_listed_in_search_and_who_may_open_it(
    uow: UnitOfWork, world: DemoWorld
) -> None:
    [restriction] = world.partnership.casework.restrictions
    hidden, listed = world.id(restriction.child_key), pupil(world)
    officer = actor(uow, world, "privacy-officer")
    police = actor(uow, world, "police-officer")
    teacher = actor(uow, world, "teacher-oakfield")
    named = actor(uow, world, "social-worker")
    both = [hidden, listed]
    with uow:
        now = clock.now()
        assert policy.searchable_among(uow.session, officer, both) == set()
        assert policy.searchable_among(uow.session, police, both) == {listed}
        assert policy.searchable_among(uow.session, named, both) == {hidden, listed}
        assert policy.reachable_among(uow.session, police, both, now=now) == set()
        assert policy.reachable_among(uow.session, teacher, both, now=now) == {listed}
        for who in (police, teacher, named):
            for child in both:
                opens = policy.child_access(uow.session, who, child, now=now) is not None
                assert opens == (
                    child in policy.reachable_among(uow.session, who, [child], now=now)
                )


def test_only_signed_in_users_declare_an_involvement(uow: UnitOfWork, world: DemoWorld) -> None:
    with uow, pytest.raises(ValueError, match="signed-in users"):
        facts.add_declared_involvement(
            uow.session,
            Actor.system("test"),
            child_id=pupil(world),
            role=InvolvementRole.OTHER,
            reason="x",
            today=clock.today(),
        )


class TestConcerns:
    """Who may raise a concern about a child, and who may read one (issue 5)."""

    def test_raising_needs_case_work_and_a_restricted_child_needs_the_raiser_named(
        self, uow: UnitOfWork, world: DemoWorld
    ) -> None:
        [restriction] = world.partnership.casework.restrictions
        hidden = world.id(restriction.child_key)
        police = actor(uow, world, "police-officer")  # no relationship needed to raise
        officer = actor(uow, world, "privacy-officer")
        named = actor(uow, world, "social-worker")
        with uow:
            assert policy.may_raise_concern_about(uow.session, police, pupil(world))
            assert not policy.may_raise_concern_about(uow.session, officer, pupil(world))
            assert not policy.may_raise_concern_about(uow.session, police, hidden)
            assert policy.may_raise_concern_about(uow.session, named, hidden)

    def test_a_concern_is_read_by_its_author_and_once_sent_by_its_receivers(
        self, uow: UnitOfWork, world: DemoWorld
    ) -> None:
        teacher = actor(uow, world, "teacher-oakfield")
        mash = actor(uow, world, "mash-practitioner")
        sent = policy.ConcernFacts(
            author_id=teacher.id,
            recipient_organisation_ids=frozenset({world.id("org:mash")}),
            child_id=pupil(world),
            is_draft=False,
        )
        outsiders = [
            actor(uow, world, p) for p in ("dsl-kestrel", "privacy-officer", "police-officer")
        ]
        with uow:
            access = policy.concern_access(uow.session, teacher, sent)
            assert access is not None
            assert access.basis is AccessBasis.AUTHOR
            received = policy.concern_access(uow.session, mash, sent)
            assert received == policy.ChildAccess(AccessBasis.RECIPIENT, world.id("org:mash"))
            draft = policy.ConcernFacts(sent.author_id, sent.recipient_organisation_ids,
                                        sent.child_id, is_draft=True)  # fmt: skip
            assert policy.concern_access(uow.session, mash, draft) is None
            for outsider in outsiders:
                assert policy.concern_access(uow.session, outsider, sent) is None

    def test_a_restricted_child_s_concern_reaches_only_receivers_named_on_it(
        self, uow: UnitOfWork, world: DemoWorld
    ) -> None:
        [restriction] = world.partnership.casework.restrictions
        facts_ = policy.ConcernFacts(
            author_id=uuid.uuid4(),
            recipient_organisation_ids=frozenset({world.id("org:la"), world.id("org:gp-1")}),
            child_id=world.id(restriction.child_key),
            is_draft=False,
        )
        social_worker = actor(uow, world, "social-worker")
        gp = actor(uow, world, "gp-riverside")  # receives for the practice, not named
        with uow:
            named = policy.concern_access(uow.session, social_worker, facts_)
            assert named is not None
            assert named.basis is AccessBasis.RECIPIENT
            assert policy.concern_access(uow.session, gp, facts_) is None

    def test_the_inbox_is_empty_for_those_who_do_not_receive(
        self, uow: UnitOfWork, world: DemoWorld
    ) -> None:
        officer = actor(uow, world, "privacy-officer")
        condition = policy.receives_concerns_for(officer, column("organisation"), column("child"))
        assert str(condition) == "false"


def test_the_mash_system_reaches_a_child_with_an_open_contact_only_if_it_works_contacts(
    uow: UnitOfWork, world: DemoWorld
) -> None:
    child = pupil(world)
    mash = world.id("org:mash")
    with uow:
        facts.open_mash_case(uow.session, child_id=child, organisation_id=mash, now=clock.now())
        uow.commit()

    def system(*permissions: Permission) -> Actor:
        return Actor.service_account(uuid.uuid4(), organisation_id=mash,
                                     agency_kind=AgencyKind.MASH,
                                     permissions=frozenset(permissions))  # fmt: skip

    assert basis(uow, system(Permission.CHILD_READ, Permission.CONTACT_SCREEN), child) is (
        AccessBasis.MASH
    )
    assert basis(uow, system(Permission.CHILD_READ), child) is None
    with uow:
        facts.close_mash_case(uow.session, child_id=child, organisation_id=mash, now=clock.now())
        uow.commit()
    assert basis(uow, system(Permission.CHILD_READ, Permission.CONTACT_SCREEN), child) is None
    assert basis(uow, actor(uow, world, "mash-practitioner"), child) is None


def test_consultations_and_measures_are_read_by_the_line_and_the_mash_only(
    uow: UnitOfWork, world: DemoWorld
) -> None:
    mash = world.id("org:mash")
    teacher = actor(uow, world, "teacher-oakfield")
    advisor = actor(uow, world, "consultation-advisor")
    screener = actor(uow, world, "mash-practitioner")
    assert policy.may_read_consultation(teacher, asker_id=teacher.id, line_id=mash)
    assert not policy.may_read_consultation(teacher, asker_id=uuid.uuid4(), line_id=mash)
    assert policy.may_read_consultation(advisor, asker_id=teacher.id, line_id=mash)
    assert policy.may_read_consultation(screener, asker_id=teacher.id, line_id=mash)
    assert not policy.may_advise_consultations(screener, mash)
    assert policy.may_advise_consultations(advisor, mash)
    assert not policy.may_advise_consultations(advisor, world.id("org:la"))
    assert policy.may_read_measures(screener, mash)
    assert not policy.may_read_measures(actor(uow, world, "social-worker"), mash)
    assert not policy.may_read_measures(actor(uow, world, "dsl-oakfield"), mash)


def test_a_reader_outside_any_organisation_sees_only_events_open_to_all() -> None:
    # Such a reader (a system admin named on a restricted record, say) holds nothing and
    # had nothing shared with it; the filter must not compare an organisation with NULL.
    def visible(scope: policy.ChronologyScope) -> str:
        return str(
            policy.event_is_visible(
                scope,
                holder=column("holder"),
                open_to_all=column("open_to_all"),
                shared_with=lambda org: column("shared") == org,
            )
        )

    assert visible(policy.ChronologyScope(everything=False, organisation_id=None)) == "open_to_all"
    own = visible(policy.ChronologyScope(everything=False, organisation_id=uuid.uuid4()))
    assert "holder" in own
    assert "shared" in own
    assert visible(policy.ChronologyScope(everything=True, organisation_id=None)) == "true"


def test_stories_are_read_by_all_once_published_and_before_by_author_and_moderators(
    uow: UnitOfWork, world: DemoWorld
) -> None:
    author = actor(uow, world, "dsl-oakfield")
    assert author.id is not None
    officer = actor(uow, world, "police-officer")
    moderator = actor(uow, world, "privacy-officer")
    system = Actor.service_account(
        uuid.uuid4(),
        organisation_id=world.id("org:la"),
        agency_kind=AgencyKind.CHILDRENS_SOCIAL_CARE,
        permissions=frozenset({Permission.STORY_READ, Permission.STORY_MODERATE}),
    )
    for published in (False, True):
        assert policy.may_read_story(author, author_id=author.id, published=published)
        assert policy.may_read_story(moderator, author_id=author.id, published=published)
    assert policy.may_read_story(officer, author_id=author.id, published=True)
    assert not policy.may_read_story(officer, author_id=author.id, published=False)
    assert policy.may_read_story(system, author_id=author.id, published=True)
    assert not policy.may_read_story(system, author_id=author.id, published=False)
    assert policy.may_moderate_stories(moderator)
    assert not policy.may_moderate_stories(author)
    assert not policy.may_moderate_stories(system)


def test_the_glossary_is_kept_by_system_admins_and_training_runs_only_in_a_training_space(
    uow: UnitOfWork, world: DemoWorld
) -> None:
    assert policy.may_manage_glossary(actor(uow, world, "system-admin"))
    assert not policy.may_manage_glossary(actor(uow, world, "admin-oakfield"))
    facilitator = Actor.user(
        uuid.uuid4(),
        organisation_id=world.id("org:la"),
        agency_kind=AgencyKind.CHILDRENS_SOCIAL_CARE,
        roles=frozenset({Role.TRAINING_FACILITATOR}),
    )
    assert policy.may_facilitate_training(facilitator, training_space=True)
    assert not policy.may_facilitate_training(facilitator, training_space=False)
    assert not policy.may_facilitate_training(
        actor(uow, world, "mash-manager"), training_space=True
    )
