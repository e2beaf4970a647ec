"""`make audit`: known vulnerabilities in both venvs, with pip-audit (pinned in requirements.txt).

    .venv/bin/python scripts/audit.py [--service pypi|osv] [--osv-url URL] [--measure]

Audits every installed package of .venv (the project) and .venv-rasa (the Rasa 3.6 engine) and writes
reports/audit.txt. pip-audit asks a vulnerability service per package (PyPI's JSON API by default, or OSV,
or an OSV mirror given with --osv-url / AUDIT_OSV_URL). A package the service could not answer for is
*not audited*, and this says so: "no known vulnerabilities" is only claimed for packages that were checked.

Exit status: 1 when a vulnerability is found, 2 when packages could not be audited, else 0. ``--measure``
(used by `make test`) prints one line and always exits 0.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIP_AUDIT = Path(sys.executable).with_name("pip-audit")
VENVS = {
    ".venv": ROOT / ".venv",
    ".venv-rasa": ROOT / ".venv-rasa",
}


@dataclass
class Audit:
    venv: str
    packages: int = 0
    not_audited: list[str] = field(default_factory=list)
    vulnerable: dict[str, list[str]] = field(default_factory=dict)  # "name version" -> advisory ids
    error: str = ""

    @property
    def audited(self) -> int:
        return self.packages - len(self.not_audited)

    def line(self) -> str:
        if self.error:
            return f"{self.venv}: could not run pip-audit ({self.error})"
        found = sum(len(ids) for ids in self.vulnerable.values())
        text = (
            f"{self.venv}: {self.audited} of {self.packages} packages audited, {found} known "
            f"vulnerabilities in {len(self.vulnerable)} packages"
        )
        if self.not_audited:
            text += (
                f"; {len(self.not_audited)} NOT audited (the vulnerability service did not answer for them)"
            )
        return text


def site_packages(venv: Path) -> Path | None:
    found = sorted(venv.glob("lib/python3*/site-packages"))
    return found[0] if found else None


def audit(name: str, venv: Path, service: str, osv_url: str | None) -> Audit:
    result = Audit(name)
    packages = site_packages(venv)
    if packages is None:
        result.error = f"{venv} has no site-packages; run make setup"
        return result
    with tempfile.NamedTemporaryFile(suffix=".json") as output:
        command = [
            str(PIP_AUDIT),
            "--path",
            str(packages),
            "-s",
            service,
            "-f",
            "json",
            "-o",
            output.name,
            "--progress-spinner",
            "off",
        ]
        if osv_url:
            command += ["--osv-url", osv_url]
        run = subprocess.run(command, capture_output=True, text=True, check=False)
        try:
            report = json.loads(Path(output.name).read_text() or "{}")
        except json.JSONDecodeError:
            report = {}
    if "dependencies" not in report:
        result.error = (run.stderr.strip().splitlines() or ["no output"])[-1][:300]
        return result
    for dependency in report["dependencies"]:
        result.packages += 1
        label = f"{dependency['name']} {dependency.get('version', '?')}"
        if dependency.get("skip_reason"):
            result.not_audited.append(label)
        elif dependency.get("vulns"):
            result.vulnerable[label] = [vuln["id"] for vuln in dependency["vulns"]]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--service", default=os.environ.get("AUDIT_SERVICE", "pypi"), choices=["pypi", "osv"])
    parser.add_argument("--osv-url", default=os.environ.get("AUDIT_OSV_URL"))
    parser.add_argument("--measure", action="store_true", help="one summary line, exit 0 (for make test)")
    arguments = parser.parse_args()
    service = "osv" if arguments.osv_url else arguments.service
    results = [audit(name, venv, service, arguments.osv_url) for name, venv in VENVS.items()]

    lines = [f"Dependency audit (pip-audit, service: {arguments.osv_url or service})"]
    for result in results:
        lines.append("  " + result.line())
        lines += [
            f"    VULNERABLE {label}: {', '.join(ids)}" for label, ids in sorted(result.vulnerable.items())
        ]
    if any(result.not_audited or result.error for result in results):
        lines.append(
            "  Packages not audited are unknown, not safe: run `make audit` where PyPI's JSON API or "
            "api.osv.dev is reachable, or set AUDIT_OSV_URL to an OSV mirror (docs/SECURITY.md)."
        )
    (ROOT / "reports").mkdir(exist_ok=True)
    (ROOT / "reports" / "audit.txt").write_text("\n".join(lines) + "\n")
    if arguments.measure:
        print("; ".join(result.line() for result in results))
        return
    print("\n".join(lines))
    if any(result.vulnerable for result in results):
        sys.exit(1)
    if any(result.not_audited or result.error for result in results):
        sys.exit(2)


if __name__ == "__main__":
    main()
