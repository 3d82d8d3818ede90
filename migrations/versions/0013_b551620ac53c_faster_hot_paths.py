"""faster hot paths

An index of each student's first reviews (from NEW) with their ratings: the chance given to
questions never studied is read from these alone, not from every review. Each bank's answers
stamp: reports computed from finished answers are kept until it changes (a random one for each
existing bank).

Revision ID: b551620ac53c
Revises: 81dbde1da133
Create Date: 2026-12-02 16:00:00.000000

"""
import secrets

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
    with op.batch_alter_table('bank', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answers_stamp', sa.String(length=16), server_default='', nullable=False))
    bank = sa.table('bank', sa.column('id', sa.Integer), sa.column('answers_stamp', sa.String))
    connection = op.get_bind()
    for (bank_id,) in connection.execute(sa.select(bank.c.id)).all():
        connection.execute(
            bank.update().where(bank.c.id == bank_id).values(answers_stamp=secrets.token_hex(8))
        )


def downgrade():
    with op.batch_alter_table('bank', schema=None) as batch_op:
        batch_op.drop_column('answers_stamp')
    op.drop_index('ix_review_first_tries', table_name='review')
