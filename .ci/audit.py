"""Dependency audit for CI: every known vulnerability in the installed packages is
reported; one that has a fixed release fails the build (upgrade it).

pip-audit asks PyPI's advisory data (the package registry, reachable from CI). That
service gives no severity score, and the severity databases (OSV, GitHub) are out of
reach here, so "fixable" stands in for "must act now"; the rest is reported.
"""

from __future__ import annotations

import json
import subprocess
import sys


def main() -> int:
    done = subprocess.run(
        [sys.executable, "-m", "pip_audit", "--progress-spinner", "off", "-f", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        report = json.loads(done.stdout)
    except ValueError:
        print("pip-audit could not run:", done.stderr.strip()[-500:])
        return 1
    fixable = 0
    for dependency in report.get("dependencies", []):
        for vuln in dependency.get("vulns", []):
            fixes = ", ".join(vuln.get("fix_versions", [])) or "no fix released"
            print(
                f"{dependency['name']} {dependency['version']}: {vuln['id']} ({fixes})"
            )
            fixable += bool(vuln.get("fix_versions"))
    audited = len(report.get("dependencies", []))
    print(f"{audited} packages audited; {fixable} known vulnerabilities with a fix")
    return 1 if fixable else 0


if __name__ == "__main__":
    sys.exit(main())
