"""Migrations upgrade an empty database to head on both engines, and match the models."""

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, String, inspect

from jigsaw import migrations
from jigsaw.access.vocabulary import AgencyKind
from jigsaw.core.db import StrEnumValue, UtcDateTime
from jigsaw.migrations.metadata import render_item

EXPECTED_TABLES = {
    "addresses",
    "adults",
    "alembic_version",
    "alert_items",
    "alerts",
    "api_tokens",
    "audit_chain_head",
    "audit_checkpoints",
    "audit_events",
    "break_glass_grants",
    "child_addresses",
    "child_event_audiences",
    "child_events",
    "child_flags",
    "child_identifiers",
    "child_match_keys",
    "child_match_records",
    "child_merges",
    "child_names",
    "child_relationships",
    "children",
    "chronology_looks",
    "concern_attachments",
    "concern_recipients",
    "concerns",
    "consultations",
    "duplicate_reviews",
    "events_waiting",
    "glossary_revisions",
    "glossary_terms",
    "glossary_versions",
    "guided_decisions",
    "identity_providers",
    "involvements",
    "link_reviews",
    "link_runs",
    "mash_cases",
    "mash_contact_events",
    "mash_contacts",
    "mash_feedback",
    "mash_information_requests",
    "notifications",
    "organisations",
    "outbox_emails",
    "recovery_codes",
    "restriction_members",
    "restrictions",
    "risk_terms",
    "role_grants",
    "service_accounts",
    "sign_in_throttles",
    "stories",
    "story_agencies",
    "story_themes",
    "training_spaces",
    "user_sessions",
    "users",
}


def test_an_empty_database_upgrades_to_head(empty_database: Engine) -> None:
    assert migrations.current_revision(empty_database) is None
    assert not migrations.is_at_head(empty_database)

    migrations.upgrade(empty_database)

    assert migrations.is_at_head(empty_database)
    assert set(inspect(empty_database).get_table_names()) == EXPECTED_TABLES


def test_the_migrated_schema_matches_the_models(empty_database: Engine) -> None:
    migrations.upgrade(empty_database)
    assert migrations.schema_differences(empty_database) == []


def test_upgrading_twice_changes_nothing(empty_database: Engine) -> None:
    migrations.upgrade(empty_database)
    migrations.upgrade(empty_database)
    assert migrations.is_at_head(empty_database)


def test_there_is_a_single_head() -> None:
    assert migrations.head_revision() is not None


def test_downgrade_to_nothing_and_back(empty_database: Engine) -> None:
    migrations.upgrade(empty_database)
    command.downgrade(migrations.alembic_config(empty_database), "base")
    assert set(inspect(empty_database).get_table_names()) == {"alembic_version"}
    migrations.upgrade(empty_database)
    assert migrations.schema_differences(empty_database) == []


def test_migrations_render_jigsaw_types_as_the_plain_types_they_store() -> None:
    assert render_item("type", UtcDateTime(), None) == "sa.DateTime(timezone=True)"
    assert render_item("type", StrEnumValue(AgencyKind), None) == "sa.String(length=64)"
    assert render_item("type", String(10), None) is False


def test_env_refuses_to_run_without_an_engine() -> None:
    with pytest.raises(RuntimeError, match="jigsaw db upgrade"):
        command.upgrade(Config_without_engine(), "head")


def Config_without_engine() -> Config:  # noqa: N802 - reads as a constructor
    config = Config()
    config.set_main_option("script_location", str(migrations.HERE))
    return config
