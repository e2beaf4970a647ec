"""How a client answers "Are you safe right now?" in their own words (docs/SAFETY.md).

Unsure counts as not safe: "idk", "probably not", "not sure", "nope" all get the not-safe reply, never a
fallback. Only a clear yes ("yes I'm safe", "I'm ok") is safe. The words are data
(``content/turns/<lang>.yml``: ``not_safe_reply``, ``safe_despite_no``, ``safe_reply``).
"""

from __future__ import annotations

import re
from typing import Literal

from reflection.turns import _plain, says_yes, turn_words

SafetyReply = Literal["safe", "not_safe"]
BUTTONS: dict[str, SafetyReply] = {"/im_safe": "safe", "/not_safe": "not_safe"}
_BARE_NO = re.compile(r"\b(?:no+|nope|nah)\b(?!\s+(?:i'?m|im|i am)\s+not\b)")


def read_safety_reply(text: str) -> SafetyReply | None:
    """"not_safe" for a no or an unsure reply, "safe" for a clear yes, None for anything else."""
    words = turn_words()
    if text.strip().startswith("/"):  # a button: its payload says which ("/im_safe", "/not_safe")
        return BUTTONS.get(text.strip().split("{")[0])
    plain = _plain(text)
    if not plain:
        return None
    unhedged = words.safe_despite_no.sub(" ", plain)
    stated = words.safe_statement.search(unhedged)
    if stated:
        # "Oh! No, I'm completely fine, I'm safe", "good heavens, no, I am perfectly safe": a no before the
        # statement denies the worry; anything unsure or negative elsewhere still counts
        before = _BARE_NO.sub(" ", unhedged[: stated.start()])
        rest = words.safe_statement.sub(" ", before + unhedged[stated.start() :])
        if not words.not_safe_reply.search(rest):
            return "safe"
    if words.not_safe_reply.search(unhedged):
        return "not_safe"
    if says_yes(text) or words.safe_reply.search(plain) or words.safe_despite_no.search(plain):
        return "safe"
    return None
