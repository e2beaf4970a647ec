"""Initial schema: reflections, answers, next steps, risk flags, escalation attempts.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Spelled out here, not imported from models, so this migration stays as it was when later models change.
OPEN_STATUS_SQL = "status IN ('in_progress', 'partial')"


def upgrade() -> None:
    op.create_table(
        "reflections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("clinic", sa.String(length=100), nullable=True),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.CheckConstraint("mode IN ('self', 'clinic_intake')", name=op.f("ck_reflections_mode")),
        sa.CheckConstraint(
            "status IN ('in_progress', 'partial', 'complete')", name=op.f("ck_reflections_status")
        ),
        sa.CheckConstraint("consent = true", name=op.f("ck_reflections_consent")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reflections")),
    )
    op.create_index(op.f("ix_reflections_client_id"), "reflections", ["client_id"])
    op.create_index(
        "uq_reflections_open_client_id",
        "reflections",
        ["client_id"],
        unique=True,
        sqlite_where=sa.text(OPEN_STATUS_SQL),
        postgresql_where=sa.text(OPEN_STATUS_SQL),
    )

    op.create_table(
        "answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reflection_id", sa.Integer(), nullable=False),
        sa.Column("item", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("value_type", sa.String(length=8), nullable=False),
        sa.Column("raw_text", sa.Text(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("value_type IN ('int', 'str')", name=op.f("ck_answers_value_type")),
        sa.ForeignKeyConstraint(
            ["reflection_id"],
            ["reflections.id"],
            name=op.f("fk_answers_reflection_id_reflections"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answers")),
        sa.UniqueConstraint("reflection_id", "item", name=op.f("uq_answers_reflection_id_item")),
    )

    op.create_table(
        "next_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reflection_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["reflection_id"],
            ["reflections.id"],
            name=op.f("fk_next_steps_reflection_id_reflections"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_next_steps")),
        sa.UniqueConstraint("reflection_id", "code", name=op.f("uq_next_steps_reflection_id_code")),
        sa.UniqueConstraint("reflection_id", "position", name=op.f("uq_next_steps_reflection_id_position")),
    )

    op.create_table(
        "risk_flags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("clinic", sa.String(length=100), nullable=True),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("minor", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "category IN ('self_harm', 'abuse', 'medical_emergency')", name=op.f("ck_risk_flags_category")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_flags")),
    )
    op.create_index(op.f("ix_risk_flags_client_id"), "risk_flags", ["client_id"])

    op.create_table(
        "escalation_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("flag_id", sa.Integer(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.String(length=200), nullable=True),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["flag_id"],
            ["risk_flags.id"],
            name=op.f("fk_escalation_attempts_flag_id_risk_flags"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalation_attempts")),
    )
    op.create_index(op.f("ix_escalation_attempts_flag_id"), "escalation_attempts", ["flag_id"])


def downgrade() -> None:
    op.drop_table("escalation_attempts")
    op.drop_table("risk_flags")
    op.drop_table("next_steps")
    op.drop_table("answers")
    op.drop_table("reflections")
