"""faster hot paths

An index of each student's first reviews (from NEW) with their ratings: the chance given to
questions never studied is read from these alone, not from every review.

Revision ID: b551620ac53c
Revises: 81dbde1da133
Create Date: 2026-12-02 16:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b551620ac53c'
down_revision = '81dbde1da133'
branch_labels = None
depends_on = None


def upgrade():
    # An index alone: no table rebuild, even in SQLite's batch mode.
    op.create_index('ix_review_first_tries', 'review', ['user_id', 'state_before', 'rating'])


def downgrade():
    op.drop_index('ix_review_first_tries', table_name='review')
