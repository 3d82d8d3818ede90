"""retention tallies and overdue index

The class overview's retention reads daily tallies (per student and UTC day: reviews of learnt
cards, and those not rated Again) kept by every grade and undo, instead of a month of reviews;
they are counted here from the reviews already stored. Its overdue count reads a range of
card states' `due` from one covering index. The review index made for retention goes.

Revision ID: 233bc61c17a9
Revises: 3b7d9e4f2a60
Create Date: 2026-12-02 19:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '233bc61c17a9'
down_revision = '3b7d9e4f2a60'
branch_labels = None
depends_on = None

REVIEW_STATE = 2  # scheduling.REVIEW when this revision was written
AGAIN = 1  # Rating.AGAIN


def upgrade():
    op.create_table('retention_day',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('reviews', sa.Integer(), nullable=False),
    sa.Column('remembered', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_retention_day_user_id_user')),
    sa.PrimaryKeyConstraint('user_id', 'day', name=op.f('pk_retention_day'))
    )
    # date() is SQLite's date function and PostgreSQL's cast: the UTC day of each review.
    op.execute(
        sa.text(
            "INSERT INTO retention_day (user_id, day, reviews, remembered) "
            "SELECT user_id, date(reviewed_at), count(*), "
            "sum(CASE WHEN rating != :again THEN 1 ELSE 0 END) "
            "FROM review WHERE state_before = :review "
            "GROUP BY user_id, date(reviewed_at)"
        ).bindparams(again=AGAIN, review=REVIEW_STATE)
    )
    op.create_index(
        'ix_card_state_overdue', 'card_state', ['due', 'user_id', 'state', 'suspended', 'card_id']
    )
    op.drop_index('ix_review_retention', table_name='review')


def downgrade():
    op.create_index(
        'ix_review_retention', 'review', ['state_before', 'reviewed_at', 'user_id', 'rating']
    )
    op.drop_index('ix_card_state_overdue', table_name='card_state')
    op.drop_table('retention_day')
