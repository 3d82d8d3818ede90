"""retention index

The class overview's retention counts a month of reviews of review cards per student: an index
holding every column it reads, so SQLite and PostgreSQL answer from the index alone.

Revision ID: 3b7d9e4f2a60
Revises: 6e6ca76f4732
Create Date: 2026-12-02 18:10:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '3b7d9e4f2a60'
down_revision = '6e6ca76f4732'
branch_labels = None
depends_on = None


def upgrade():
    # An index alone: no table rebuild, even in SQLite's batch mode.
    op.create_index(
        'ix_review_retention', 'review', ['state_before', 'reviewed_at', 'user_id', 'rating']
    )


def downgrade():
    op.drop_index('ix_review_retention', table_name='review')
