"""each match and each achievement at most once per roadshow programme

Revision ID: d4a7e1c93b20
Revises: 9b3e5d2a7c41
Create Date: 2026-11-22 12:00:00.000000

Duplicates left by concurrent double submits are removed first (the earliest item stays).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4a7e1c93b20'
down_revision = '9b3e5d2a7c41'
branch_labels = None
depends_on = None


def upgrade():
    item = sa.table('roadshow_item', sa.column('id', sa.Integer), sa.column('roadshow_id', sa.Integer),
                    sa.column('match_id', sa.Integer), sa.column('achievement_id', sa.Integer))
    connection = op.get_bind()
    for column in (item.c.match_id, item.c.achievement_id):
        keep = (sa.select(sa.func.min(item.c.id)).where(column.is_not(None))
                .group_by(item.c.roadshow_id, column).scalar_subquery())
        connection.execute(item.delete().where(column.is_not(None), item.c.id.not_in(keep)))
    with op.batch_alter_table('roadshow_item', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_roadshow_item_match', ['roadshow_id', 'match_id'])
        batch_op.create_unique_constraint('uq_roadshow_item_achievement', ['roadshow_id', 'achievement_id'])


def downgrade():
    with op.batch_alter_table('roadshow_item', schema=None) as batch_op:
        batch_op.drop_constraint('uq_roadshow_item_achievement', type_='unique')
        batch_op.drop_constraint('uq_roadshow_item_match', type_='unique')
