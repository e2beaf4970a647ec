"""The alliance-concern signal for clinicians: a client's fit with their therapist looks low.

There is an alliance concern when the fit (the mean of the rated answers, as in next_steps.py) is below 3,
or any rated answer is 2 or lower, so a conversation about fit can happen early. It is a prompt for a
conversation, not a judgement of anyone. Each clinic decides whether clients are told
(``tell_clients_about_alliance_concern`` in its clinic file)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from reflection.next_steps import rated_values

CONCERN_FIT_BELOW = 3.0
LOW_ITEM_AT_MOST = 2
# Fit bands the console filters and charts by.
FIT_BANDS = ("low", "mixed", "good")


@dataclass(frozen=True)
class AllianceSignal:
    fit: float | None
    concern: bool
    low_items: tuple[str, ...]

    @property
    def band(self) -> str | None:
        return fit_band(self.fit)


def alliance_signal(answers: Mapping[str, object]) -> AllianceSignal:
    ratings = rated_values(answers)
    if not ratings:
        return AllianceSignal(fit=None, concern=False, low_items=())
    fit = sum(ratings.values()) / len(ratings)
    low = tuple(item for item, value in ratings.items() if value <= LOW_ITEM_AT_MOST)
    return AllianceSignal(fit=round(fit, 2), concern=fit < CONCERN_FIT_BELOW or bool(low), low_items=low)


def fit_band(fit: float | None) -> str | None:
    """low: below 3; mixed: 3 to below 4; good: 4 or more; None without any rated answer."""
    if fit is None:
        return None
    if fit < 3:
        return "low"
    return "mixed" if fit < 4 else "good"
