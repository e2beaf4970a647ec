"""Checks that adjust a pattern match's score, referenced by name from recognizers.yml.

Each returns a score change (added to the pattern's score), 0.0 for no change, or None to drop the match.
They are lenient on purpose: a made-up NHS number with a bad checksum is still someone's identifier in a
transcript, so a failed checksum only withholds a bonus; context words can still carry it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

import tldextract

Validator = Callable[[str], float | None]

# Doses, counts and times look like identifiers but are therapy content ("100mg", "1990s", "10am", "21st").
NOT_AN_IDENTIFIER = re.compile(
    r"\d+(?:\.\d+)?(?:mg|mcg|ug|ml|g|kg|kgs|lb|lbs|st|nd|rd|th|s|am|pm|k|x|min|mins|hr|hrs|km|mi|mph|yo|yr|yrs|"
    r"hz|kb|mb|gb|p|px|cm|mm|m|ft|in|oz|cal|kcal|h)|\d{1,2}-\d{1,2}(?:-\d{1,2})*|(?:19|20)\d{2}s?|covid-?19",
    re.IGNORECASE,
)


@cache
def offline_domain_extractor() -> tldextract.TLDExtract:
    """tldextract with the public suffix list snapshot it ships: no download, no disk cache."""
    return tldextract.TLDExtract(cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True)


def _digits(text: str) -> str:
    return "".join(character for character in text if character.isdigit())


def uk_phone_digits(text: str) -> float | None:
    digits = _digits(text)
    if text.lstrip("(").startswith(("+44", "0044")):
        national = digits[4:] if text.startswith("0044") else digits[2:]
        # "+44 (0)20 ..." repeats the trunk zero.
        national = national[1:] if "(0)" in text else national
        return 0.0 if 9 <= len(national) <= 10 else None
    return 0.0 if 10 <= len(digits) <= 11 else None


def international_phone_digits(text: str) -> float | None:
    return 0.0 if 8 <= len(_digits(text)) <= 15 else None


def email_domain(text: str) -> float | None:
    domain = text.rsplit("@", 1)[-1]
    # A known public suffix makes it certain; an unknown one ("clinic.local") is still an address.
    return 0.4 if offline_domain_extractor()(domain).fqdn else 0.0


def nhs_checksum(text: str) -> float | None:
    digits = _digits(text)
    if len(digits) != 10:
        return None
    remainder = (
        sum(int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True)) % 11
    )
    check = 11 - remainder
    check = 0 if check == 11 else check
    return 0.2 if check != 10 and check == int(digits[9]) else 0.0


def identifier_shape(text: str) -> float | None:
    """Generic ID numbers: six or more digits stand alone; fewer need a context word ("policy", "login")."""
    if NOT_AN_IDENTIFIER.fullmatch(text):
        return None
    digits = len(_digits(text))
    letters = sum(character.isalpha() for character in text)
    # Six digits, or a long mix of letters and digits ("1EG4-TE5-MK73"), is a code on its own.
    if digits >= 6 or (digits >= 4 and letters >= 2 and len(text) >= 8):
        return 0.35
    return 0.0 if digits >= 4 or (digits >= 2 and any(character.isalpha() for character in text)) else None


def grouped_digits(text: str) -> float | None:
    """Digits in groups ("4400 1234 5678"): eight or more stand alone, fewer need a context word."""
    return 0.2 if len(_digits(text)) >= 8 else 0.0


def record_number_shape(text: str) -> float | None:
    """Medical record numbers: only with a context word ("mrn", "patient", "record"), never alone."""
    if NOT_AN_IDENTIFIER.fullmatch(text) or len(_digits(text)) < 3:
        return None
    return 0.0


VALIDATORS: dict[str, Validator] = {
    "uk_phone_digits": uk_phone_digits,
    "international_phone_digits": international_phone_digits,
    "email_domain": email_domain,
    "nhs_checksum": nhs_checksum,
    "identifier_shape": identifier_shape,
    "grouped_digits": grouped_digits,
    "record_number_shape": record_number_shape,
}
