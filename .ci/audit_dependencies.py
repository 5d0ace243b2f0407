"""pip-audit over the installed environment, for `make security`.

A known vulnerability in an installed package fails (exit 1). When no vulnerability service can
be reached from this machine (no network, or an index mirror that knows none of the packages),
it says so plainly and exits 0: an audit that could not run is reported, not passed off as clean,
and does not fail CI on its own.

IGNORED lists advisories that do not apply, each with the reason (pip-audit --ignore-vuln).
"""
import json
import subprocess
import sys
from pathlib import Path

SERVICES = ("pypi", "osv")
IGNORED = {}  # {"GHSA-…": "why it does not apply here"}


def audit(service):
    """(dependencies, None) or (None, why the service could not be used)."""
    pip_audit = Path(sys.executable).with_name("pip-audit")
    command = [str(pip_audit), "--progress-spinner", "off", "--skip-editable", "--format", "json",
               "--vulnerability-service", service, "--timeout", "20"]
    for vuln in IGNORED:
        command += ["--ignore-vuln", vuln]
    run = subprocess.run(command, capture_output=True, text=True, timeout=600)
    try:
        report = json.loads(run.stdout)
    except ValueError:
        lines = [line for line in run.stderr.splitlines() if line.strip()]
        return None, lines[-1] if lines else f"pip-audit exited with {run.returncode}"
    dependencies = report.get("dependencies", [])
    audited = [d for d in dependencies if "skip_reason" not in d]
    if not audited:
        return None, f"the service knows none of the {len(dependencies)} installed packages"
    return audited, None


def main():
    problems = []
    for service in SERVICES:
        audited, problem = audit(service)
        if audited is None:
            problems.append(f"{service}: {problem}")
            continue
        vulnerable = [d for d in audited if d.get("vulns")]
        for dependency in vulnerable:
            for vuln in dependency["vulns"]:
                fixes = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
                print(f"VULNERABLE {dependency['name']} {dependency['version']}: {vuln['id']} (fixed in {fixes})")
        if vulnerable:
            print(f"pip-audit ({service}): {len(vulnerable)} vulnerable package(s) of {len(audited)} audited.")
            return 1
        print(f"pip-audit ({service}): {len(audited)} packages audited, no known vulnerability"
              + (f" ({len(IGNORED)} advisories ignored, see {__file__})." if IGNORED else "."))
        return 0
    print("pip-audit: NOT AUDITED - no vulnerability service reachable from this machine:")
    for problem in problems:
        print(f"  {problem}")
    print("  Run `make security` where PyPI or OSV is reachable; this alone does not fail CI.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
