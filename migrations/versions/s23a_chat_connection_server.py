"""chat connections: the server that holds each socket, so that its start clears its leftovers

Revision ID: s23aserver
Revises: g1a1alerts
Create Date: 2026-12-06 09:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 's23aserver'
down_revision = 'g1a1alerts'
branch_labels = None
depends_on = None


def upgrade():
    # The upgrade runs before the server starts (the unit's ExecStartPre): no socket the
    # rows speak of is open, and none of them could say which server held it.
    op.execute("DELETE FROM chat_connections")
    with op.batch_alter_table('chat_connections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('server', sa.String(length=255), nullable=False,
                                      server_default=''))
        batch_op.create_index(batch_op.f('ix_chat_connections_server'), ['server'],
                              unique=False)
    with op.batch_alter_table('chat_connections', schema=None) as batch_op:
        batch_op.alter_column('server', server_default=None)


def downgrade():
    with op.batch_alter_table('chat_connections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chat_connections_server'))
        batch_op.drop_column('server')
