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


def test_roadshow_item_uniqueness_keeps_the_earliest_of_old_duplicates(bare_app):
    flask_migrate.upgrade(revision="9b3e5d2a7c41")
    with db.engine.begin() as conn:  # SQLite does not enforce the foreign keys: items alone will do
        conn.execute(sa.text("INSERT INTO roadshow_item (id, roadshow_id, position, match_id, achievement_id) VALUES"
                             " (1, 1, 0, NULL, 7), (2, 1, 1, NULL, 7), (3, 1, 2, 5, NULL), (4, 1, 3, 5, NULL),"
                             " (5, 2, 0, 5, NULL), (6, 1, 4, 6, NULL)"))
    flask_migrate.upgrade()
    with db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT id FROM roadshow_item ORDER BY id")).scalars().all() == [1, 3, 5, 6]
    with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO roadshow_item (roadshow_id, position, achievement_id) VALUES (1, 9, 7)"))
