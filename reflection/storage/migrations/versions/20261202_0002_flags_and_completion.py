"""Risk flags: public ids that are never reused, no client id without consent, a durable delivery queue.
Reflections: a completion key, so a replayed completion is a no-op.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DELIVERY_STATES_SQL = "delivery IN ('not_needed', 'pending', 'delivered', 'failed')"


def upgrade() -> None:
    with op.batch_alter_table("risk_flags") as batch:
        batch.add_column(sa.Column("public_id", sa.String(length=36), nullable=True))
        batch.add_column(
            sa.Column("delivery", sa.String(length=16), nullable=False, server_default="not_needed")
        )
        batch.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch.alter_column("client_id", existing_type=sa.String(length=64), nullable=True)
    flags = sa.table("risk_flags", sa.column("id", sa.Integer), sa.column("public_id", sa.String))
    connection = op.get_bind()
    for (flag_id,) in connection.execute(sa.select(flags.c.id)).all():
        connection.execute(flags.update().where(flags.c.id == flag_id).values(public_id=str(uuid.uuid4())))
    with op.batch_alter_table("risk_flags") as batch:
        batch.alter_column("public_id", existing_type=sa.String(length=36), nullable=False)
        batch.create_unique_constraint(op.f("uq_risk_flags_public_id"), ["public_id"])
        batch.create_check_constraint("delivery", DELIVERY_STATES_SQL)
    with op.batch_alter_table("reflections") as batch:
        batch.add_column(sa.Column("completion_key", sa.String(length=36), nullable=True))
        batch.create_unique_constraint(op.f("uq_reflections_completion_key"), ["completion_key"])
    op.create_index(
        op.f("ix_risk_flags_delivery_next_attempt_at"), "risk_flags", ["delivery", "next_attempt_at"]
    )


def downgrade() -> None:
    with op.batch_alter_table("reflections") as batch:
        batch.drop_constraint(op.f("uq_reflections_completion_key"), type_="unique")
        batch.drop_column("completion_key")
    op.drop_index(op.f("ix_risk_flags_delivery_next_attempt_at"), table_name="risk_flags")
    with op.batch_alter_table("risk_flags") as batch:
        batch.drop_constraint(op.f("ck_risk_flags_delivery"), type_="check")
        batch.drop_constraint(op.f("uq_risk_flags_public_id"), type_="unique")
        batch.drop_column("attempts")
        batch.drop_column("next_attempt_at")
        batch.drop_column("delivery")
        batch.drop_column("public_id")
