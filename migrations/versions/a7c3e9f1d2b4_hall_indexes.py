"""hall indexes: the newest page and the facet counts of both halls read narrow indexes (coop_modes becomes
JSONB on PostgreSQL: plain json cannot sit in a btree index)

Revision ID: a7c3e9f1d2b4
Revises: 8d901b1fe88c
Create Date: 2026-12-07 23:40:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = 'a7c3e9f1d2b4'
down_revision = '8d901b1fe88c'
branch_labels = None
depends_on = None

INDEXES = {
    "achievement": {"ix_achievement_hall": ["status", "published_at", "id"],
                    "ix_achievement_facets": ["status", "field_code", "region", "trl", "coop_modes"]},
    "need": {"ix_need_hall": ["status", "published_at", "id"],
             "ix_need_facets": ["status", "deadline", "field_code", "region", "budget_max", "budget_min",
                                "is_challenge", "coop_modes"]},
}


def _coop_type(type_, using):
    if op.get_bind().dialect.name == "postgresql":
        for table in INDEXES:
            op.alter_column(table, "coop_modes", type_=type_, postgresql_using=f"coop_modes::{using}")


def upgrade():
    _coop_type(postgresql.JSONB(), "jsonb")
    for table, indexes in INDEXES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, columns in indexes.items():
                batch_op.create_index(name, columns, unique=False)


def downgrade():
    for table, indexes in INDEXES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name in indexes:
                batch_op.drop_index(name)
    _coop_type(sa.JSON(), "json")
