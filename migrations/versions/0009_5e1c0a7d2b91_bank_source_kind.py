"""bank source kind: file or upload

Banks uploaded in the browser are marked "upload", so that `quizapp questions import <folder>`
never takes their `upload/<name>` source path for a file that has gone missing. Existing banks
whose source path starts with "upload/" are taken to be uploads (the browser stores every
upload under that name); every other bank came from a file.

Revision ID: 5e1c0a7d2b91
Revises: 7c2e9f1a5b3d
Create Date: 2026-12-02 12:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "5e1c0a7d2b91"
down_revision = "7c2e9f1a5b3d"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("bank", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("source_kind", sa.String(length=10), nullable=False, server_default="file")
        )
    op.execute("UPDATE bank SET source_kind = 'upload' WHERE source_path LIKE 'upload/%'")


def downgrade():
    with op.batch_alter_table("bank", schema=None) as batch_op:
        batch_op.drop_column("source_kind")
