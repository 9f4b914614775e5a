"""The Alembic migrations build the models' schema on an empty database, and undo it."""
import os

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
import flask_migrate
import pytest
import sqlalchemy as sa

from matchmaker import create_app
from matchmaker.extensions import db


@pytest.fixture
def bare_app(tmp_path):
    """An app on an empty SQLite file: no create_all, only what the migrations build."""
    app = create_app({"TESTING": True, "SECRET_KEY": "test",
                      "SQLALCHEMY_DATABASE_URI": "sqlite:///" + os.path.join(tmp_path, "migrated.db"),
                      "INDEX_DIR": os.path.join(tmp_path, "index")})
    with app.app_context():
        yield app
        db.engine.dispose()


def schema_diff() -> list:
    """What autogenerate would still emit against the current database."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_single_head():
    """Revisions form one line, so `flask db upgrade` never stops at a fork."""
    migrations = os.path.join(os.path.dirname(__file__), "..", "migrations")
    assert len(ScriptDirectory(migrations).get_heads()) == 1


def test_upgrade_builds_every_model_table_with_no_autogenerate_diff(bare_app):
    flask_migrate.upgrade()
    tables = set(sa.inspect(db.engine).get_table_names())
    assert set(db.metadata.tables) <= tables
    assert schema_diff() == []


def test_downgrade_to_base_drops_everything_and_upgrade_again_works(bare_app):
    flask_migrate.upgrade()
    flask_migrate.downgrade(revision="base")
    assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
    flask_migrate.upgrade()
    assert schema_diff() == []
