"""alerts for counselors: settings, push subscriptions, the queue; emails; urgent wait

Revision ID: g1a1alerts
Revises: g17a1evaluations
Create Date: 2026-12-06 09:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'g1a1alerts'
down_revision = 'g17a1evaluations'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('email', sa.String(length=254), nullable=True))
    with op.batch_alter_table('school_settings') as batch:
        batch.add_column(sa.Column('escalation_email', sa.String(length=254), nullable=False,
                                   server_default=''))
    with op.batch_alter_table('problem_reports') as batch:
        batch.add_column(sa.Column('urgent_since', sa.DateTime(), nullable=True))
        batch.create_index('ix_problem_reports_urgent_since', ['urgent_since'])
    op.create_table(
        'alert_settings',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('email_enabled', sa.Boolean(), nullable=False),
        sa.Column('push_enabled', sa.Boolean(), nullable=False),
        sa.Column('digest_minutes', sa.Integer(), nullable=False),
        sa.Column('quiet_from', sa.Time(), nullable=True),
        sa.Column('quiet_until', sa.Time(), nullable=True),
        sa.Column('last_digest_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE',
                                name='fk_alert_settings_user_id_users'),
        sa.PrimaryKeyConstraint('user_id', name='pk_alert_settings'),
    )
    op.create_table(
        'push_subscriptions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('endpoint', sa.String(length=1000), nullable=False),
        sa.Column('p256dh', sa.String(length=200), nullable=False),
        sa.Column('auth', sa.String(length=100), nullable=False),
        sa.Column('label', sa.String(length=80), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE',
                                name='fk_push_subscriptions_user_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_push_subscriptions'),
        sa.UniqueConstraint('endpoint', name='uq_push_subscriptions_endpoint'),
    )
    op.create_index('ix_push_subscriptions_user_id', 'push_subscriptions', ['user_id'])
    op.create_table(
        'alerts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('address', sa.String(length=254), nullable=True),
        sa.Column('channel', sa.Enum('push', 'email', 'escalation', name='channel',
                                     native_enum=False, length=16), nullable=False),
        sa.Column('kind', sa.Enum('urgent', 'story', 'reply', 'booking', 'chat', 'referral',
                                  'escalated', 'test', name='kind', native_enum=False,
                                  length=16), nullable=False),
        sa.Column('ref', sa.String(length=40), nullable=False),
        sa.Column('link', sa.String(length=500), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('due_at', sa.DateTime(), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.String(length=200), nullable=False),
        sa.Column('given_up', sa.Boolean(), nullable=False),
        sa.Column('claimed_until', sa.DateTime(), nullable=True),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.Column('anonymous', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE',
                                name='fk_alerts_user_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_alerts'),
    )
    op.create_index('ix_alerts_user_id', 'alerts', ['user_id'])
    op.create_index('ix_alerts_due_at', 'alerts', ['due_at'])
    op.create_index('ix_alerts_pending', 'alerts', ['sent_at', 'given_up', 'due_at'])


def downgrade():
    op.drop_table('alerts')
    op.drop_index('ix_push_subscriptions_user_id', table_name='push_subscriptions')
    op.drop_table('push_subscriptions')
    op.drop_table('alert_settings')
    with op.batch_alter_table('problem_reports') as batch:
        batch.drop_index('ix_problem_reports_urgent_since')
        batch.drop_column('urgent_since')
    with op.batch_alter_table('school_settings') as batch:
        batch.drop_column('escalation_email')
    with op.batch_alter_table('users') as batch:
        batch.drop_column('email')
