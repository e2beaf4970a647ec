"""Create .env from .env.example on first use, with a fresh random value for every __random__ secret.

Run again after .env.example gained variables, it appends the missing ones to the existing .env (new secrets
get fresh values) and leaves every value already there untouched."""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

PLACEHOLDER = "__random__"


def _filled(line: str) -> str:
    name, sep, rest = line.partition("=")
    if sep and rest.split("#")[0].strip() == PLACEHOLDER:
        return f"{name}={secrets.token_urlsafe(32)}"
    return line


def _variable(line: str) -> str | None:
    name, sep, _ = line.partition("=")
    name = name.strip()
    return name if sep and name and not name.startswith("#") else None


def render(example: str) -> str:
    return "\n".join(_filled(line) for line in example.splitlines()) + "\n"


def missing_lines(example: str, current: str) -> list[str]:
    """The example's variable lines (filled in) whose variable the current .env does not set."""
    present = {_variable(line) for line in current.splitlines()}
    return [_filled(line) for line in example.splitlines() if _variable(line) not in (None, *present)]


def main(root: Path) -> int:
    target = root / ".env"
    example = (root / ".env.example").read_text(encoding="utf-8")
    if not target.exists():
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with open(descriptor, "w", encoding="utf-8") as handle:
            handle.write(render(example))
        print("Created .env with fresh secrets.")
        return 0
    added = missing_lines(example, target.read_text(encoding="utf-8"))
    if added:
        with target.open("a", encoding="utf-8") as handle:
            handle.write("\n# Added from .env.example\n" + "\n".join(added) + "\n")
        print(f"Added {len(added)} new setting(s) to .env: {', '.join(filter(None, map(_variable, added)))}.")
    target.touch()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path.cwd()))
