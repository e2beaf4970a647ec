"""Candidate cases for the anonymization evaluation set: identifiers reviewers found in anonymized copies.

They are stored with the real identifier (tied to the client, so "delete my data" erases them) and leave the
system only with it replaced by an invented surrogate of the same shape (letters for letters, digits for
digits, case and punctuation kept), in the evaluation set's YAML format for a person to finish."""

from __future__ import annotations

import random
import string
from typing import Any, TextIO

import yaml
from sqlalchemy import Engine, select
from sqlalchemy.orm import sessionmaker

from reflection.ingest import identifier_pattern
from reflection.storage.models import AnonymizationCandidate

HEADER = """\
# Candidate cases for the anonymization evaluation set, from identifiers reviewers found in anonymized copies.
# Each identifier is replaced by an invented surrogate of the same shape. Before adding a case to a split:
# rewrite the surrogate as a realistic invented identifier, check the rest of the text, and fill in `keep`.
"""


def surrogate(identifier: str, chooser: random.Random) -> str:
    """An invented string of the same shape: each letter another letter of the same case, each digit another
    digit; spaces and punctuation kept."""
    characters = []
    for character in identifier:
        if character.isdigit():
            characters.append(chooser.choice(string.digits))
        elif character.isalpha():
            letter = chooser.choice(string.ascii_lowercase)
            characters.append(letter.upper() if character.isupper() else letter)
        else:
            characters.append(character)
    return "".join(characters)


def candidate_cases(
    engine: Engine, clinic: str | None = None, seed: int | None = None
) -> list[dict[str, Any]]:
    chooser = random.Random(seed)
    with sessionmaker(engine)() as session:
        query = select(AnonymizationCandidate).order_by(AnonymizationCandidate.id)
        if clinic is not None:
            query = query.where(AnonymizationCandidate.clinic == clinic)
        cases = []
        for candidate in session.scalars(query):
            invented = surrogate(candidate.identifier, chooser)
            text = identifier_pattern(candidate.identifier).sub(invented, candidate.context)
            cases.append(
                {
                    "id": f"candidate-{candidate.id}",
                    "text": text,
                    "pii": [{"text": invented, "type": candidate.entity_type}],
                    "keep": [],
                }
            )
        return cases


def write_candidates(cases: list[dict[str, Any]], output: TextIO) -> int:
    output.write(HEADER)
    yaml.safe_dump({"texts": cases}, output, allow_unicode=True, sort_keys=False, width=110)
    return len(cases)
