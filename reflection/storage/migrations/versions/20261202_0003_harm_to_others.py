"""Risk flags: a fourth category, harm_to_others (issue 7), for a client who may hurt someone else.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_CATEGORIES_SQL = "category IN ('self_harm', 'abuse', 'medical_emergency')"
NEW_CATEGORIES_SQL = "category IN ('self_harm', 'abuse', 'medical_emergency', 'harm_to_others')"


def upgrade() -> None:
    with op.batch_alter_table("risk_flags") as batch:
        batch.drop_constraint(op.f("ck_risk_flags_category"), type_="check")
        batch.create_check_constraint("category", NEW_CATEGORIES_SQL)


def downgrade() -> None:
    # Flags of the new category cannot be expressed in the old schema; they are dropped, not miscategorised.
    op.execute("DELETE FROM risk_flags WHERE category = 'harm_to_others'")
    with op.batch_alter_table("risk_flags") as batch:
        batch.drop_constraint(op.f("ck_risk_flags_category"), type_="check")
        batch.create_check_constraint("category", OLD_CATEGORIES_SQL)
