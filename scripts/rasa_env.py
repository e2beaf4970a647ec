"""Print the TRACKER_* variables endpoints.yml needs, derived from the one TRACKER_DB_URL setting.

Rasa's SQL tracker store takes the dialect, host, port and database separately; the project keeps one URL
(the same form as DATABASE_URL) so that the action server can erase a client's conversation events too.
"""

from __future__ import annotations

import os
import shlex
import sys

from sqlalchemy.engine import make_url


def tracker_variables(url: str) -> dict[str, str]:
    parsed = make_url(url)
    dialect = parsed.get_backend_name()
    if dialect == "sqlite":
        return {
            "TRACKER_DIALECT": "sqlite",
            "TRACKER_HOST": "",
            "TRACKER_PORT": "",
            "TRACKER_DB": parsed.database or "",
            "TRACKER_USER": "",
            "TRACKER_PASSWORD": "",
        }
    if dialect != "postgresql":
        raise SystemExit(f"TRACKER_DB_URL must be sqlite:/// or postgresql://, not {dialect!r}")
    return {
        "TRACKER_DIALECT": "postgresql",
        "TRACKER_HOST": parsed.host or "127.0.0.1",
        "TRACKER_PORT": str(parsed.port or 5432),
        "TRACKER_DB": parsed.database or "",
        "TRACKER_USER": parsed.username or "",
        "TRACKER_PASSWORD": parsed.password or "",
    }


if __name__ == "__main__":
    url = os.environ.get("TRACKER_DB_URL", "sqlite:///var/tracker.db")
    for name, value in tracker_variables(url).items():
        print(f"export {name}={shlex.quote(value)}")
    sys.exit(0)
