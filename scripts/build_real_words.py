"""Build content/answers/<lang>.real_words.txt: real words that look like a typo of a known word.

The answer reader corrects an unknown word that is one or two edits from a word it knows ("sesions" ->
"sessions"). A real word that is merely close to one ("cards" near "cares") must be left alone, so this
lists every dictionary word the corrector would otherwise change. Run it after changing the words files:

    .venv/bin/python scripts/build_real_words.py [--dictionary /usr/share/dict/american-english ...]

The default dictionaries are Debian's wamerican and wbritish word lists (SCOWL, permissive licence).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from reflection.answers.engine import Shared, real_words_path
from reflection.answers.language import DEFAULT_LANGUAGE, load_language
from reflection.answers.typos import TypoCorrector
from reflection.items import load_item_bank

DEFAULT_DICTIONARIES = ("/usr/share/dict/american-english", "/usr/share/dict/british-english")
_PLAIN_WORD = re.compile(r"^[a-z]+$")


def dictionary_words(paths: list[Path]) -> set[str]:
    words = {line.strip().lower() for p in paths for line in p.read_text(encoding="utf-8").splitlines()}
    return {word for word in words if _PLAIN_WORD.match(word)}


def near_words(dictionary_words: set[str], known: frozenset[str]) -> list[str]:
    corrector = TypoCorrector(known)
    return sorted(word for word in dictionary_words if word not in known and corrector.correct(word) != word)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--language", default=DEFAULT_LANGUAGE)
    parser.add_argument("--dictionary", action="append", dest="dictionaries")
    args = parser.parse_args(argv)
    paths = [Path(p) for p in (args.dictionaries or DEFAULT_DICTIONARIES)]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        print(f"dictionary not found: {', '.join(missing)} (Debian: apt-get install wamerican wbritish)")
        return 1
    known = Shared(load_language(args.language), load_item_bank()).text.known_words
    listed = near_words(dictionary_words(paths), known)
    out = real_words_path(args.language)
    out.write_text("\n".join(listed) + "\n", encoding="utf-8")
    print(f"{len(listed)} real words near the {len(known)} known words -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
