"""The words of one language (``content/answers/<lang>.yml``) and the notation its files use.

Phrase lists are folded text with phrases separated by " | " and ``{a,b,}`` choices; patterns are regular
expressions, one alternative per line, with ``<<name>>`` fragments. See the header of ``en.yml``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

LANGUAGE_DIR = Path(__file__).resolve().parent.parent / "content" / "answers"
DEFAULT_LANGUAGE = "en"

_BRACES = re.compile(r"\{([^{}]*)\}")
_FRAGMENT = re.compile(r"<<(\w+)>>")


class AnswerWordsError(ValueError):
    """A language or item file is malformed; the message names the entry."""


def expand(spec: str) -> Iterator[str]:
    """'talk{s,ed,} over {me,}' -> 'talks over me', 'talks over', 'talked over me', ..."""
    match = _BRACES.search(spec)
    if match is None:
        yield " ".join(spec.split())
        return
    for option in match.group(1).split(","):
        yield from expand(spec[:match.start()] + option + spec[match.end():])


def phrases(spec: str | list[str] | None) -> list[str]:
    """Every phrase of a phrase list, in order, choices expanded."""
    if spec is None:
        return []
    parts = spec if isinstance(spec, list) else spec.split(" | ")
    return [phrase for part in parts if part.strip() for phrase in expand(part.strip())]


def words(spec: str | list[str] | None) -> frozenset[str]:
    return frozenset(phrases(spec))


def choices(spec: str | list[str] | None, *, longest_first: bool = False, any_spaces: bool = False) -> str:
    """A phrase list as the inside of a regex alternation of its literal phrases: ``a|b c``."""
    found = phrases(spec)
    if longest_first:
        found = sorted(found, key=len, reverse=True)
    space = r"\s+" if any_spaces else " "
    return "|".join(re.escape(phrase).replace("\\ ", " ").replace(" ", space) for phrase in found)


def alternation(
    spec: str | list[str] | None, *, longest_first: bool = False, any_spaces: bool = False
) -> str:
    """A phrase list as a regex group: ``(?:a|b c)``."""
    return "(?:" + choices(spec, longest_first=longest_first, any_spaces=any_spaces) + ")"


def pattern(block: str, fragments: Mapping[str, str] | None = None) -> str:
    """A pattern block (one alternative per line) as one regex, its ``<<fragments>>`` filled in."""
    alternatives = [line.strip() for line in block.strip().splitlines() if line.strip()]
    joined = "|".join(alternatives)
    for _ in range(5):  # fragments may use fragments
        if not _FRAGMENT.search(joined):
            break
        joined = _FRAGMENT.sub(lambda m: _fragment(m.group(1), fragments or {}), joined)
    return joined


def _fragment(name: str, fragments: Mapping[str, str]) -> str:
    if name not in fragments:
        raise AnswerWordsError(f"pattern uses <<{name}>>, which is not defined; known: {sorted(fragments)}")
    return fragments[name]


def compile_any(block: str, fragments: Mapping[str, str] | None = None) -> re.Pattern[str]:
    """Any of the block's alternatives, as whole words: ``\\b(?:...)\\b``."""
    return re.compile(r"\b(?:" + pattern(block, fragments) + r")\b")


@dataclass(frozen=True)
class Language:
    code: str
    data: Mapping[str, Any]

    def section(self, *path: str) -> Any:
        node: Any = self.data
        for key in path:
            if not isinstance(node, Mapping) or key not in node:
                raise AnswerWordsError(f"{self.code}.yml has no {'.'.join(path)}")
            node = node[key]
        return node


@cache
def load_language(code: str = DEFAULT_LANGUAGE, directory: Path = LANGUAGE_DIR) -> Language:
    path = directory / f"{code}.yml"
    if not path.is_file():
        raise AnswerWordsError(f"no answer words for language {code!r}: {path} is missing")
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, Mapping) or data.get("language") != code:
        raise AnswerWordsError(f"{path} must be a mapping with `language: {code}`")
    return Language(code=code, data=data)
