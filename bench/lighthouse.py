"""Lighthouse scores (mobile) for the home page and a content page."""

import json
import os
import shutil
import subprocess
from pathlib import Path

from .measure import BenchError, Figure, require_program

HERE = Path(__file__).resolve().parent
LIGHTHOUSE = HERE / "node_modules" / ".bin" / "lighthouse"
PAGES = {"home": "/", "content": "/what-is-lead", "outcomes": "/outcomes"}
CATEGORIES = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
TIMEOUT = 150


def chromium() -> str:
    path = os.environ.get("CHROME_PATH") or shutil.which("chromium")
    if not path:
        raise BenchError("Chromium is not installed: `sudo apt-get install chromium` (or set CHROME_PATH).")
    return path


def check_tools() -> None:
    """Stop with a plain message when node, Lighthouse or Chromium is missing."""
    require_program("node", "Install Node.js 18 or newer (Debian: `sudo apt-get install nodejs npm`).")
    if not LIGHTHOUSE.exists():
        raise BenchError("Lighthouse is not installed: run `make bench` (it runs `npm ci --prefix bench`).")
    chromium()


def run_lighthouse(url: str, report: Path) -> dict:
    """Run Lighthouse once and return its JSON report."""
    command = [
        str(LIGHTHOUSE),
        url,
        "--chrome-flags=--headless --no-sandbox --disable-gpu",
        "--output=json",
        f"--output-path={report}",
        "--form-factor=mobile",
        f"--only-categories={','.join(CATEGORIES)}",
        "--quiet",
    ]
    try:
        result = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            env={**os.environ, "CHROME_PATH": chromium()},
        )
    except subprocess.TimeoutExpired:
        raise BenchError(f"Lighthouse took longer than {TIMEOUT}s on {url}") from None
    if result.returncode != 0 or not report.exists():
        raise BenchError(f"Lighthouse failed on {url}:\n{(result.stderr or result.stdout).strip()[-1500:]}")
    return json.loads(report.read_text())


def shortfalls(report: dict) -> dict[str, list[str]]:
    """Return, per category, the weighted audits that did not score full marks (the reasons)."""
    found = {}
    for category in report["categories"].values():
        misses = []
        for ref in category["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref.get("weight") and audit.get("score") is not None and audit["score"] < 1:
                misses.append(f"{audit['id']}: {audit['title']} {audit.get('displayValue', '')}".strip())
        if misses:
            found[category["id"]] = misses
    return found


def measure(run) -> list[Figure]:
    """Score each page in each category against its goal."""
    check_tools()
    figures = []
    for name, path in PAGES.items():
        report = run_lighthouse(run.portal.url + path, run.out / f"lighthouse-{name}.json")
        if report.get("runtimeError"):
            raise BenchError(f"Lighthouse could not load {path}: {report['runtimeError'].get('message')}")
        run.details.setdefault("lighthouse", {})[path] = shortfalls(report)
        for category, goal in CATEGORIES.items():
            score = report["categories"][category]["score"]
            if score is None:
                raise BenchError(f"Lighthouse gave no {category} score for {path}")
            figures.append(Figure("lighthouse", f"{path} {category}", round(score * 100), "", at_least=goal))
    return figures
