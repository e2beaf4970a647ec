"""Create .env from .env.example on first use, with a fresh random value for every __random__ secret."""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

PLACEHOLDER = "__random__"


def render(example: str) -> str:
    lines = []
    for line in example.splitlines():
        name, sep, rest = line.partition("=")
        if sep and rest.split("#")[0].strip() == PLACEHOLDER:
            line = f"{name}={secrets.token_urlsafe(32)}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def main(root: Path) -> int:
    target = root / ".env"
    if target.exists():
        return 0
    target.write_text(render((root / ".env.example").read_text(encoding="utf-8")), encoding="utf-8")
    target.chmod(0o600)
    print("Created .env with fresh secrets.")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path.cwd()))
