"""Rasa's SQL tracker store as tests need it: the ``events`` table Rasa 3.6 creates (same columns) and the
``conversation_retention`` table our tracker store keeps, filled with events shaped like Rasa's."""

from __future__ import annotations

import json
import time
from typing import Any

import sqlalchemy as sa

from reflection.storage.database import make_engine
from reflection.tracker_retention import RETENTION, create_retention_table, record_activity

RASA_EVENTS = sa.Table(
    "events",
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("type_name", sa.String(255), nullable=False),
    sa.Column("timestamp", sa.Float),
    sa.Column("intent_name", sa.String(255)),
    sa.Column("action_name", sa.String(255)),
    sa.Column("data", sa.Text),
)


def user(text: str, intent: str = "inform") -> dict[str, Any]:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent, "confidence": 1.0}}}


def bot(text: str) -> dict[str, Any]:
    return {"event": "bot", "text": text, "data": {}}


def slot(name: str, value: Any) -> dict[str, Any]:
    return {"event": "slot", "name": name, "value": value}


def session_started() -> dict[str, Any]:
    return {"event": "session_started"}


class TrackerDatabase:
    """A tracker store database with helpers to save turns the way Rasa and our tracker store do."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        RASA_EVENTS.metadata.create_all(self.engine)
        create_retention_table(self.engine)

    def save(self, sender_id: str, events: list[dict[str, Any]], *, at: float | None = None) -> None:
        moment = at if at is not None else time.time()
        with self.engine.begin() as connection:
            for offset, event in enumerate(events):
                stamped = {**event, "timestamp": moment + offset * 0.001}
                connection.execute(
                    RASA_EVENTS.insert().values(
                        sender_id=sender_id,
                        type_name=event["event"],
                        timestamp=stamped["timestamp"],
                        intent_name=(event.get("parse_data") or {}).get("intent", {}).get("name"),
                        data=json.dumps(stamped),
                    )
                )
            consented = self.consent_of(connection, sender_id)
            record_activity(connection, sender_id, consented, moment)

    @staticmethod
    def consent_of(connection: Any, sender_id: str) -> bool:
        consent = None
        rows = connection.execute(
            sa.select(RASA_EVENTS.c.type_name, RASA_EVENTS.c.data)
            .where(RASA_EVENTS.c.sender_id == sender_id)
            .order_by(RASA_EVENTS.c.id)
        )
        for type_name, data in rows:
            event = json.loads(data)
            if type_name == "session_started":
                consent = None
            elif type_name == "slot" and event["name"] == "consent":
                consent = event["value"]
        return consent is True

    def events(self, sender_id: str) -> list[dict[str, Any]]:
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(RASA_EVENTS.c.data).where(RASA_EVENTS.c.sender_id == sender_id).order_by("id")
            )
            return [json.loads(row[0]) for row in rows]

    def senders(self) -> set[str]:
        with self.engine.connect() as connection:
            return {row[0] for row in connection.execute(sa.select(RETENTION.c.sender_id))}

    def close(self) -> None:
        self.engine.dispose()
