"""initial schema: every table of models/ as of issue 2

Revision ID: c19c9746564a
Revises:
Create Date: 2026-11-22 03:55:13.687780

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c19c9746564a'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('organization',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.Enum('university', 'institute', 'enterprise', 'service', name='orgkind', native_enum=False, length=16), nullable=False),
    sa.Column('region', sa.String(length=16), nullable=False),
    sa.Column('credit_code', sa.String(length=18), nullable=True),
    sa.Column('verified', sa.Boolean(), nullable=False),
    sa.Column('verified_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organization')),
    sa.UniqueConstraint('credit_code', name=op.f('uq_organization_credit_code')),
    sa.UniqueConstraint('name', name=op.f('uq_organization_name'))
    )
    op.create_table('outbox_email',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('to_addr', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'sent', 'failed', name='outboxstatus', native_enum=False, length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_email'))
    )
    with op.batch_alter_table('outbox_email', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_email_next_attempt_at'), ['next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_email_status'), ['status'], unique=False)

    op.create_table('tech_field',
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('parent_code', sa.String(length=16), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['parent_code'], ['tech_field.code'], name=op.f('fk_tech_field_parent_code_tech_field')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_tech_field'))
    )
    with op.batch_alter_table('tech_field', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tech_field_parent_code'), ['parent_code'], unique=False)

    op.create_table('user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('password_hash', sa.String(length=256), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('role', sa.Enum('researcher', 'enterprise', 'broker', 'admin', name='role', native_enum=False, length=16), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('last_login_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_user_organization_id_organization')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user')),
    sa.UniqueConstraint('email', name=op.f('uq_user_email'))
    )
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_user_role'), ['role'], unique=False)

    op.create_table('achievement',
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('keywords', sa.JSON(), nullable=False),
    sa.Column('industries', sa.JSON(), nullable=False),
    sa.Column('trl', sa.Integer(), nullable=True),
    sa.Column('coop_modes', sa.JSON(), nullable=False),
    sa.Column('price_mode', sa.Enum('negotiable', 'agreement', 'listed', name='pricemode', native_enum=False, length=16), nullable=False),
    sa.Column('price_amount', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('innovation_points', sa.Text(), nullable=True),
    sa.Column('key_indicators', sa.Text(), nullable=True),
    sa.Column('team', sa.Text(), nullable=True),
    sa.Column('discipline', sa.String(length=40), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('field_code', sa.String(length=16), nullable=True),
    sa.Column('region', sa.String(length=16), nullable=True),
    sa.Column('status', sa.Enum('draft', 'pending', 'published', 'rejected', 'withdrawn', 'expired', 'closed', name='listingstatus', native_enum=False, length=16), nullable=False),
    sa.Column('review_note', sa.Text(), nullable=True),
    sa.Column('contact_name', sa.String(length=60), nullable=True),
    sa.Column('contact_phone', sa.String(length=32), nullable=True),
    sa.Column('contact_email', sa.String(length=254), nullable=True),
    sa.Column('index_state', sa.Enum('synced', 'pending', name='indexstate', native_enum=False, length=16), nullable=False),
    sa.Column('external_key', sa.String(length=64), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_achievement_organization_id_organization')),
    sa.ForeignKeyConstraint(['owner_id'], ['user.id'], name=op.f('fk_achievement_owner_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_achievement')),
    sa.UniqueConstraint('external_key', name=op.f('uq_achievement_external_key'))
    )
    with op.batch_alter_table('achievement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_achievement_field_code'), ['field_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_achievement_index_state'), ['index_state'], unique=False)
        batch_op.create_index(batch_op.f('ix_achievement_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_achievement_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_achievement_region'), ['region'], unique=False)
        batch_op.create_index(batch_op.f('ix_achievement_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_achievement_trl'), ['trl'], unique=False)

    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('object_type', sa.String(length=32), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_audit_log_actor_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_created_at'), ['created_at'], unique=False)

    op.create_table('broker_coverage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('broker_id', sa.Integer(), nullable=False),
    sa.Column('field_code', sa.String(length=16), nullable=True),
    sa.Column('region', sa.String(length=16), nullable=True),
    sa.ForeignKeyConstraint(['broker_id'], ['user.id'], name=op.f('fk_broker_coverage_broker_id_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['field_code'], ['tech_field.code'], name=op.f('fk_broker_coverage_field_code_tech_field')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_broker_coverage')),
    sa.UniqueConstraint('broker_id', 'field_code', 'region', name='uq_broker_coverage')
    )
    with op.batch_alter_table('broker_coverage', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_broker_coverage_broker_id'), ['broker_id'], unique=False)

    op.create_table('need',
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('indicators', sa.Text(), nullable=True),
    sa.Column('keywords', sa.JSON(), nullable=False),
    sa.Column('budget_min', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('budget_max', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('coop_modes', sa.JSON(), nullable=False),
    sa.Column('ip_ownership', sa.Enum('enterprise', 'shared', 'developer', 'negotiable', name='ipownership', native_enum=False, length=16), nullable=False),
    sa.Column('is_challenge', sa.Boolean(), nullable=False),
    sa.Column('reward', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('solver_conditions', sa.Text(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('field_code', sa.String(length=16), nullable=True),
    sa.Column('region', sa.String(length=16), nullable=True),
    sa.Column('status', sa.Enum('draft', 'pending', 'published', 'rejected', 'withdrawn', 'expired', 'closed', name='listingstatus', native_enum=False, length=16), nullable=False),
    sa.Column('review_note', sa.Text(), nullable=True),
    sa.Column('contact_name', sa.String(length=60), nullable=True),
    sa.Column('contact_phone', sa.String(length=32), nullable=True),
    sa.Column('contact_email', sa.String(length=254), nullable=True),
    sa.Column('index_state', sa.Enum('synced', 'pending', name='indexstate', native_enum=False, length=16), nullable=False),
    sa.Column('external_key', sa.String(length=64), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_need_organization_id_organization')),
    sa.ForeignKeyConstraint(['owner_id'], ['user.id'], name=op.f('fk_need_owner_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_need')),
    sa.UniqueConstraint('external_key', name=op.f('uq_need_external_key'))
    )
    with op.batch_alter_table('need', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_need_deadline'), ['deadline'], unique=False)
        batch_op.create_index(batch_op.f('ix_need_field_code'), ['field_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_need_index_state'), ['index_state'], unique=False)
        batch_op.create_index(batch_op.f('ix_need_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_need_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_need_region'), ['region'], unique=False)
        batch_op.create_index(batch_op.f('ix_need_status'), ['status'], unique=False)

    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=True),
    sa.Column('link', sa.String(length=500), nullable=True),
    sa.Column('read_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_notification_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification'))
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_notification_user_id'), ['user_id'], unique=False)

    op.create_table('roadshow',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=True),
    sa.Column('link', sa.String(length=500), nullable=True),
    sa.Column('focus_field_code', sa.String(length=16), nullable=True),
    sa.Column('status', sa.Enum('planned', 'held', 'cancelled', name='roadshowstatus', native_enum=False, length=16), nullable=False),
    sa.Column('organizer_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organizer_id'], ['user.id'], name=op.f('fk_roadshow_organizer_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roadshow'))
    )
    with op.batch_alter_table('roadshow', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roadshow_starts_at'), ['starts_at'], unique=False)

    op.create_table('ip_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('achievement_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('ip_type', sa.Enum('invention', 'utility', 'design', 'software', 'ic_layout', 'plant_variety', 'trade_secret', name='iptype', native_enum=False, length=16), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=True),
    sa.Column('status', sa.Enum('filed', 'granted', 'lapsed', name='ipstatus', native_enum=False, length=16), nullable=False),
    sa.ForeignKeyConstraint(['achievement_id'], ['achievement.id'], name=op.f('fk_ip_item_achievement_id_achievement'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ip_item'))
    )
    with op.batch_alter_table('ip_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ip_item_achievement_id'), ['achievement_id'], unique=False)

    op.create_table('match',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('need_id', sa.Integer(), nullable=False),
    sa.Column('achievement_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Double(), nullable=False),
    sa.Column('score_parts', sa.JSON(), nullable=False),
    sa.Column('explanation', sa.JSON(), nullable=False),
    sa.Column('origin', sa.Enum('engine', 'broker', name='matchorigin', native_enum=False, length=16), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('broker_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.Enum('new', 'contacted', 'introduced', 'roadshow', 'negotiating', 'deal', 'declined', 'closed', name='matchstate', native_enum=False, length=16), nullable=False),
    sa.Column('decline_reason', sa.Enum('too_early', 'benefit_unclear', 'market_unclear', 'description_unclear', 'ip_unavailable', 'budget_mismatch', 'other', name='declinereason', native_enum=False), nullable=True),
    sa.Column('decline_note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['achievement_id'], ['achievement.id'], name=op.f('fk_match_achievement_id_achievement'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['broker_id'], ['user.id'], name=op.f('fk_match_broker_id_user')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_match_created_by_id_user')),
    sa.ForeignKeyConstraint(['need_id'], ['need.id'], name=op.f('fk_match_need_id_need'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match')),
    sa.UniqueConstraint('need_id', 'achievement_id', name='uq_match_pair')
    )
    with op.batch_alter_table('match', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_match_achievement_id'), ['achievement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_match_broker_id'), ['broker_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_match_need_id'), ['need_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_match_state'), ['state'], unique=False)

    op.create_table('deal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('match_id', sa.Integer(), nullable=False),
    sa.Column('contract_type', sa.Enum('development', 'transfer', 'license', 'consulting', 'service', name='contracttype', native_enum=False, length=16), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('signed_on', sa.Date(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['match_id'], ['match.id'], name=op.f('fk_deal_match_id_match'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_deal_recorded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deal')),
    sa.UniqueConstraint('match_id', name=op.f('uq_deal_match_id'))
    )
    op.create_table('match_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('match_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('from_state', sa.Enum('new', 'contacted', 'introduced', 'roadshow', 'negotiating', 'deal', 'declined', 'closed', name='matchstate', native_enum=False, length=16), nullable=True),
    sa.Column('to_state', sa.Enum('new', 'contacted', 'introduced', 'roadshow', 'negotiating', 'deal', 'declined', 'closed', name='matchstate', native_enum=False, length=16), nullable=True),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_match_event_actor_id_user')),
    sa.ForeignKeyConstraint(['match_id'], ['match.id'], name=op.f('fk_match_event_match_id_match'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_event'))
    )
    with op.batch_alter_table('match_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_match_event_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_match_event_match_id'), ['match_id'], unique=False)

    op.create_table('match_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('match_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_match_note_author_id_user')),
    sa.ForeignKeyConstraint(['match_id'], ['match.id'], name=op.f('fk_match_note_match_id_match'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_note'))
    )
    with op.batch_alter_table('match_note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_match_note_match_id'), ['match_id'], unique=False)

    op.create_table('roadshow_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('roadshow_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('match_id', sa.Integer(), nullable=True),
    sa.Column('achievement_id', sa.Integer(), nullable=True),
    sa.Column('presenter', sa.String(length=120), nullable=True),
    sa.Column('outcome', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['achievement_id'], ['achievement.id'], name=op.f('fk_roadshow_item_achievement_id_achievement'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['match_id'], ['match.id'], name=op.f('fk_roadshow_item_match_id_match'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['roadshow_id'], ['roadshow.id'], name=op.f('fk_roadshow_item_roadshow_id_roadshow'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roadshow_item'))
    )
    with op.batch_alter_table('roadshow_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roadshow_item_roadshow_id'), ['roadshow_id'], unique=False)



def downgrade():
    with op.batch_alter_table('roadshow_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roadshow_item_roadshow_id'))

    op.drop_table('roadshow_item')
    with op.batch_alter_table('match_note', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_match_note_match_id'))

    op.drop_table('match_note')
    with op.batch_alter_table('match_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_match_event_match_id'))
        batch_op.drop_index(batch_op.f('ix_match_event_created_at'))

    op.drop_table('match_event')
    op.drop_table('deal')
    with op.batch_alter_table('match', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_match_state'))
        batch_op.drop_index(batch_op.f('ix_match_need_id'))
        batch_op.drop_index(batch_op.f('ix_match_broker_id'))
        batch_op.drop_index(batch_op.f('ix_match_achievement_id'))

    op.drop_table('match')
    with op.batch_alter_table('ip_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ip_item_achievement_id'))

    op.drop_table('ip_item')
    with op.batch_alter_table('roadshow', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roadshow_starts_at'))

    op.drop_table('roadshow')
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_user_id'))
        batch_op.drop_index(batch_op.f('ix_notification_created_at'))

    op.drop_table('notification')
    with op.batch_alter_table('need', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_need_status'))
        batch_op.drop_index(batch_op.f('ix_need_region'))
        batch_op.drop_index(batch_op.f('ix_need_owner_id'))
        batch_op.drop_index(batch_op.f('ix_need_organization_id'))
        batch_op.drop_index(batch_op.f('ix_need_index_state'))
        batch_op.drop_index(batch_op.f('ix_need_field_code'))
        batch_op.drop_index(batch_op.f('ix_need_deadline'))

    op.drop_table('need')
    with op.batch_alter_table('broker_coverage', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_broker_coverage_broker_id'))

    op.drop_table('broker_coverage')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_created_at'))
        batch_op.drop_index(batch_op.f('ix_audit_log_actor_id'))
        batch_op.drop_index(batch_op.f('ix_audit_log_action'))

    op.drop_table('audit_log')
    with op.batch_alter_table('achievement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_achievement_trl'))
        batch_op.drop_index(batch_op.f('ix_achievement_status'))
        batch_op.drop_index(batch_op.f('ix_achievement_region'))
        batch_op.drop_index(batch_op.f('ix_achievement_owner_id'))
        batch_op.drop_index(batch_op.f('ix_achievement_organization_id'))
        batch_op.drop_index(batch_op.f('ix_achievement_index_state'))
        batch_op.drop_index(batch_op.f('ix_achievement_field_code'))

    op.drop_table('achievement')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_role'))
        batch_op.drop_index(batch_op.f('ix_user_organization_id'))

    op.drop_table('user')
    with op.batch_alter_table('tech_field', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tech_field_parent_code'))

    op.drop_table('tech_field')
    with op.batch_alter_table('outbox_email', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_email_status'))
        batch_op.drop_index(batch_op.f('ix_outbox_email_next_attempt_at'))

    op.drop_table('outbox_email')
    op.drop_table('organization')
