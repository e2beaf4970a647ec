"""The numbers behind the console's dashboard, for one clinic: how each fit item is rated, the mix of next
steps, trends by week, crisis flags by week and how returning clients' fit moves. Counts only: no words."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from statistics import mean

from sqlalchemy import Engine, exists, select
from sqlalchemy.orm import selectinload, sessionmaker

from reflection.alliance import alliance_signal
from reflection.items import load_item_bank
from reflection.storage.models import Reflection, ReviewMark, RiskFlag
from reflection.storage.repository import clinic_is

WEEKS_SHOWN = 12
RETURNING_CLIENTS_SHOWN = 30
VISITS_SHOWN = 5


@dataclass(frozen=True)
class WeekPoint:
    week: date  # the Monday
    reflections: int
    mean_fit: float | None
    concerns: int


@dataclass(frozen=True)
class Dashboard:
    total: int
    completed: int
    concerns: int
    unreviewed: int
    item_distribution: dict[str, list[int]]  # item -> counts of 1..5
    homework_none: int
    next_steps: dict[str, int]
    weeks: list[WeekPoint]
    crisis_weeks: list[tuple[date, dict[str, int]]]
    returning: list[list[float]]  # per returning client: fit at each completed reflection, oldest first
    returning_mean: list[float | None]  # mean fit at the 1st, 2nd, ... reflection


def build_dashboard(engine: Engine, clinic: str, today: date | None = None) -> Dashboard:
    sessions = sessionmaker(engine)
    today = today or datetime.now(timezone.utc).date()
    first_week = _monday(today) - timedelta(weeks=WEEKS_SHOWN - 1)
    rated = [item.slot for item in load_item_bank().rated_items()]
    with sessions() as session:
        reflections = session.scalars(
            select(Reflection)
            .options(selectinload(Reflection.answers), selectinload(Reflection.next_steps))
            .where(clinic_is(Reflection.clinic, clinic))
            .order_by(Reflection.started_at)
        ).all()
        unreviewed = len(
            session.scalars(
                select(Reflection.id).where(
                    clinic_is(Reflection.clinic, clinic),
                    Reflection.status == "complete",
                    ~exists().where(ReviewMark.reflection_id == Reflection.id),
                )
            ).all()
        )
        flags = session.execute(
            select(RiskFlag.category, RiskFlag.created_at).where(
                clinic_is(RiskFlag.clinic, clinic), RiskFlag.created_at >= _start(first_week)
            )
        ).all()
    complete = [reflection for reflection in reflections if reflection.status == "complete"]
    distribution = {slot: [0, 0, 0, 0, 0] for slot in rated}
    homework_none = 0
    steps: Counter[str] = Counter()
    by_week: dict[date, list[Reflection]] = defaultdict(list)
    by_client: dict[str, list[Reflection]] = defaultdict(list)
    concerns = 0
    for reflection in complete:
        answers = {answer.item: answer.typed_value for answer in reflection.answers}
        for slot in rated:
            value = answers.get(slot)
            if isinstance(value, int) and 1 <= value <= 5:
                distribution[slot][value - 1] += 1
            elif value == "none":
                homework_none += 1
        steps.update(step.code for step in reflection.next_steps)
        concerns += alliance_signal(answers).concern
        moment = (reflection.completed_at or reflection.updated_at).date()
        if moment >= first_week:
            by_week[_monday(moment)].append(reflection)
        by_client[reflection.client_id].append(reflection)
    weeks = []
    for offset in range(WEEKS_SHOWN):
        monday = first_week + timedelta(weeks=offset)
        signals = [alliance_signal(_answers(reflection)) for reflection in by_week.get(monday, [])]
        fits = [signal.fit for signal in signals if signal.fit is not None]
        weeks.append(
            WeekPoint(
                week=monday,
                reflections=len(signals),
                mean_fit=round(mean(fits), 2) if fits else None,
                concerns=sum(signal.concern for signal in signals),
            )
        )
    crisis: dict[date, Counter[str]] = {
        first_week + timedelta(weeks=n): Counter() for n in range(WEEKS_SHOWN)
    }
    for category, created_at in flags:
        monday = _monday(created_at.date())
        if monday in crisis:
            crisis[monday][category] += 1
    returning = []
    for visits in by_client.values():
        fits = [alliance_signal(_answers(reflection)).fit for reflection in visits]
        series = [fit for fit in fits if fit is not None]
        if len(series) >= 2:
            returning.append(series[:VISITS_SHOWN])
    returning = returning[-RETURNING_CLIENTS_SHOWN:]
    returning_mean: list[float | None] = []
    for visit in range(VISITS_SHOWN):
        at_visit = [series[visit] for series in returning if len(series) > visit]
        returning_mean.append(round(mean(at_visit), 2) if at_visit else None)
    return Dashboard(
        total=len(reflections),
        completed=len(complete),
        concerns=concerns,
        unreviewed=unreviewed,
        item_distribution=distribution,
        homework_none=homework_none,
        next_steps=dict(steps.most_common()),
        weeks=weeks,
        crisis_weeks=[(monday, dict(counts)) for monday, counts in sorted(crisis.items())],
        returning=returning,
        returning_mean=returning_mean,
    )


def _answers(reflection: Reflection) -> dict[str, object]:
    return {answer.item: answer.typed_value for answer in reflection.answers}


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _start(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
