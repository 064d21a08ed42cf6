"""Migrations bring an empty database to head; running them again changes nothing."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlmodel import SQLModel

from models.db import alembic_config, current_revision, get_engine, upgrade

EXPECTED_TABLES = {
    "district",
    "project",
    "project_update",
    "api_token",
    "activity",
    "tool",
    "tool_alias",
    "tool_usage",
    "district_goal",
    "user_account",
    "audit_event",
    "import_run",
    "import_file",
    "rejected_record",
}


def _schema(url: str) -> dict:
    insp = inspect(get_engine(url))
    return {
        table: (
            [(c["name"], str(c["type"]), c["nullable"]) for c in insp.get_columns(table)],
            sorted(i["name"] for i in insp.get_indexes(table)),
            sorted(c["name"] for c in insp.get_check_constraints(table)),
        )
        for table in insp.get_table_names()
    }


def _head() -> str:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def test_empty_database_upgrades_to_head_with_every_table(empty_db_url):
    upgrade(empty_db_url)
    tables = set(inspect(get_engine(empty_db_url)).get_table_names())
    assert EXPECTED_TABLES <= tables
    assert current_revision(empty_db_url) == _head()


def test_second_upgrade_changes_nothing(empty_db_url):
    upgrade(empty_db_url)
    before = _schema(empty_db_url)
    upgrade(empty_db_url)
    assert _schema(empty_db_url) == before
    assert current_revision(empty_db_url) == _head()


def test_migrations_match_the_models(empty_db_url):
    """A model change without its migration is caught here (compare_type on)."""
    upgrade(empty_db_url)
    with get_engine(empty_db_url).connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, SQLModel.metadata)
    assert diff == []
