"""user membership state and session token

Revision ID: 9b3e5d2a7c41
Revises: 4ce98aebafeb
Create Date: 2026-11-23 10:00:00.000000

Existing accounts keep their organization (membership "confirmed") and get a
random session token each, which also ends the sessions and remember-me
cookies issued before this revision (they held the bare user id).
"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9b3e5d2a7c41'
down_revision = '4ce98aebafeb'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('membership', sa.Enum('confirmed', 'pending', 'rejected', name='membership',
                                                            native_enum=False, create_constraint=False, length=16),
                                      nullable=False, server_default='confirmed'))
        batch_op.add_column(sa.Column('session_token', sa.String(length=64), nullable=True))

    user = sa.table('user', sa.column('id', sa.Integer), sa.column('session_token', sa.String))
    connection = op.get_bind()
    for (user_id,) in connection.execute(sa.select(user.c.id)).all():
        connection.execute(user.update().where(user.c.id == user_id)
                           .values(session_token=secrets.token_urlsafe(24)))

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.alter_column('membership', server_default=None)
        batch_op.alter_column('session_token', existing_type=sa.String(length=64), nullable=False)


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('session_token')
        batch_op.drop_column('membership')
