"""Lighthouse (npm lighthouse@12.2.3, pinned in bench/package.json: `make bench` installs it into
bench/node_modules, apart from the site's own packages) on the built site, as a phone sees it.

Its default preset is the mobile one: a Moto G Power-sized screen, simulated Slow 4G and a 4x slower
CPU. Each run writes its full JSON report to bench/reports/lighthouse-N.json (not committed; open it
in https://googlechrome.github.io/lighthouse/viewer/ or read it); the scores and metrics are
summarised as median, min and max over the runs.
"""
import json
import os
import statistics
import subprocess
from pathlib import Path

from bench.chromium import CHROMIUM

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "bench" / "node_modules" / ".bin" / "lighthouse"
REPORTS = ROOT / "bench" / "reports"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
METRICS = {  # audit id -> our name, in the audit's numeric unit (ms, or unitless for CLS, bytes)
    "first-contentful-paint": "fcp_ms", "largest-contentful-paint": "lcp_ms", "total-blocking-time": "tbt_ms",
    "cumulative-layout-shift": "cls", "speed-index": "speed_index_ms", "interactive": "tti_ms",
    "total-byte-weight": "bytes",
}


def run_once(url, report):
    report.parent.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [str(LIGHTHOUSE), url, "--output=json", f"--output-path={report}", "--quiet",
         "--chrome-flags=--headless=new --no-sandbox", f"--only-categories={','.join(CATEGORIES)}"],
        env={**os.environ, "CHROME_PATH": CHROMIUM}, capture_output=True, text=True, timeout=300)
    if done.returncode != 0 or not report.is_file():
        raise RuntimeError(f"lighthouse failed: {(done.stderr or done.stdout)[-1000:]}")
    data = json.loads(report.read_text())
    if data.get("runtimeError"):
        raise RuntimeError(f"lighthouse: {data['runtimeError']}")
    out = {c: round(data["categories"][c]["score"] * 100) for c in CATEGORIES}
    out.update({name: data["audits"][audit]["numericValue"] for audit, name in METRICS.items()})
    return out


def run(url, runs=3):
    """-> {name: {median, min, max}} over `runs` Lighthouse runs of `url`."""
    results = [run_once(url, REPORTS / f"lighthouse-{i + 1}.json") for i in range(runs)]
    return {k: {"median": statistics.median(r[k] for r in results), "min": min(r[k] for r in results),
                "max": max(r[k] for r in results)} for k in results[0]}


def table(result):
    def f(key, scale=1, digits=0, unit=""):
        s = result[key]
        return f"{s['median'] * scale:.{digits}f}{unit} ({s['min'] * scale:.{digits}f}–{s['max'] * scale:.{digits}f})"
    rows = [["Performance", "Accessibility", "Best Practices", "SEO", "LCP", "TBT", "CLS", "FCP", "TTI", "bytes"],
            ["---"] * 10,
            [f("performance"), f("accessibility"), f("best-practices"), f("seo"), f("lcp_ms", 1e-3, 2, " s"),
             f("tbt_ms", 1, 0, " ms"), f("cls", 1, 3), f("fcp_ms", 1e-3, 2, " s"), f("tti_ms", 1e-3, 2, " s"),
             f("bytes", 1 / 1024, 0, " KiB")]]
    return "\n".join("| " + " | ".join(r) + " |" for r in rows)
