"""throttling kinds and pruning

Login throttling also counts registrations (kind "register"), and old rows are pruned by time.

Revision ID: 7c2e9f1a5b3d
Revises: 4d4a626d35bc
Create Date: 2026-12-02 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c2e9f1a5b3d'
down_revision = '4d4a626d35bc'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=16), server_default='login', nullable=False))
        batch_op.create_index('ix_login_failure_at', ['at'], unique=False)


def downgrade():
    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.drop_index('ix_login_failure_at')
        batch_op.drop_column('kind')
