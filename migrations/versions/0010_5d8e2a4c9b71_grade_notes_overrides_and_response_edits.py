"""grade notes, practice overrides and response edits

Each answer keeps the note its grading gave ("Accepted: you wrote ..."), and, when a student
overruled a practice grade ("I was right"), when and from which mark. An upload made from an
instructor's verdict on a response records what to regrade and which bank file to write.

Revision ID: 5d8e2a4c9b71
Revises: 5e1c0a7d2b91
Create Date: 2026-12-03 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5d8e2a4c9b71'
down_revision = '5e1c0a7d2b91'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('attempt_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('note', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('overridden_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('overridden_from', sa.Float(), nullable=True))

    with op.batch_alter_table('upload', schema=None) as batch_op:
        batch_op.add_column(sa.Column('origin', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('upload', schema=None) as batch_op:
        batch_op.drop_column('origin')

    with op.batch_alter_table('attempt_item', schema=None) as batch_op:
        batch_op.drop_column('overridden_from')
        batch_op.drop_column('overridden_at')
        batch_op.drop_column('note')
