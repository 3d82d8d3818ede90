"""two-button reviews

A study setting: grade flashcards with two buttons, Again (still learning) and Good (know it),
instead of four. Existing students keep the four buttons.

Revision ID: 8f12b8fb9374
Revises: 233bc61c17a9
Create Date: 2026-12-03 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8f12b8fb9374'
down_revision = '233bc61c17a9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('two_buttons', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('two_buttons')
