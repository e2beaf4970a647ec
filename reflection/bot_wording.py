"""The assistant's own wording, kept out of what is stored and quoted as the client's words.

A client may paste or retype what the assistant said ("you said 'are you safe right now? we can pause the
reflection' - yes I'm fine, 2"). Those words are no part of their answer: a run of ``MIN_RUN`` or more
words in a row that the assistant says (its messages, the safety replies and crisis lines, the summary) is
taken out before the answer is read, kept or quoted. The questions themselves are left out of that
wording: "I feel heard, understood and respected" answers the question in its own words.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import yaml

CONTENT = Path(__file__).parent / "content"
# what the assistant says besides its questions: its messages, the summary, the crisis lines, the responses
WORDING_PATHS = (CONTENT / "messages.yml", CONTENT / "summary.yml", CONTENT / "crisis_resources.yml")
DOMAIN_PATH = Path(__file__).parent.parent / "domain.yml"
MIN_RUN = 6  # words in a row the assistant says: fewer may be the client's own ("feel heard and respected")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
_AROUND_A_CUT = " \t\n\"'“”‘’:;,-\u2014"  # quote marks and the punctuation that led into the copied words
_SPACES = re.compile(r"\s+")


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def _load(path: Path) -> Any:
    if not path.exists():
        return None
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("\u2019", "'"))


@cache
def _runs() -> frozenset[tuple[str, ...]]:
    """Every run of ``MIN_RUN`` words in a row in what the assistant says ({placeholders} break a run)."""
    domain = _load(DOMAIN_PATH) or {}
    sources = (*(_load(path) for path in WORDING_PATHS), domain.get("responses"))
    runs: set[tuple[str, ...]] = set()
    for source in sources:
        for text in _strings(source):
            for part in _PLACEHOLDER.split(text):
                words = _words(part)
                runs.update(tuple(words[i:i + MIN_RUN]) for i in range(len(words) - MIN_RUN + 1))
    return frozenset(runs)


def without_bot_wording(text: str) -> str:
    """``text`` without the runs of words it copies from the assistant; the text as it was when it holds
    none."""
    if not text:
        return text
    lowered = text.lower().replace("\u2019", "'")  # the same length: offsets fit the original
    found = list(_WORD.finditer(lowered))
    words = [match.group() for match in found]
    runs = _runs()
    copied = [False] * len(words)
    for i in range(len(words) - MIN_RUN + 1):
        if tuple(words[i:i + MIN_RUN]) in runs:
            copied[i:i + MIN_RUN] = [True] * MIN_RUN
    if not any(copied):
        return text
    kept: list[str] = []
    cursor, i = 0, 0
    while i < len(words):
        if not copied[i]:
            i += 1
            continue
        start = i
        while i < len(words) and copied[i]:
            i += 1
        kept.append(text[cursor:found[start].start()].rstrip(_AROUND_A_CUT))
        cursor = found[i - 1].end()
        while cursor < len(text) and text[cursor] in _AROUND_A_CUT + ".?!":
            cursor += 1  # the copied sentence's own full stop or question mark, and its closing quote
    kept.append(text[cursor:])
    return _SPACES.sub(" ", " ".join(part.strip() for part in kept if part.strip())).strip()
