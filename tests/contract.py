"""The slot names clinics, exports and outside checks rely on (issue 2), written once for every test."""

CONTRACT_SLOTS: tuple[str, ...] = (
    "sessions_so_far",
    "felt_heard",
    "depth",
    "advice_fit",
    "homework_fit",
    "goals_shared",
    "approach_fit",
    "raised_needs",
    "hopes",
    "missing",
)
RATED_SLOTS: tuple[str, ...] = CONTRACT_SLOTS[1:7]
NEXT_STEP_CODES: tuple[str, ...] = ("talk_to_therapist", "find_better_fit", "give_it_time", "keep_going")
