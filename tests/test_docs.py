"""The README stays a short page for users, and the docs stay true: links lead somewhere, no commit
hashes, and the models table is what the committed models' meta.json files say."""
import re

import pytest

from helpers import ROOT, run_cli

README = ROOT / "README.md"
DOCS = [README, *sorted((ROOT / "docs").glob("*.md"))]
SETUP = re.compile(r"^\s*(pip3? install|npm (ci|install)|apt(-get)? install|python3? -m venv)")
LINK = re.compile(r"\]\(([^)\s]+)\)")
HEXLIKE = re.compile(r"\b[0-9a-f]{7,40}\b")


def code_lines(text):
    """The lines of the fenced code blocks in a Markdown text."""
    lines, inside = [], False
    for line in text.splitlines():
        if line.startswith("```"):
            inside = not inside
        elif inside:
            lines.append(line)
    return lines


def test_the_readme_is_short_and_narrow():
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 200, f"README.md has {len(lines)} lines; move the depth to docs/"
    wide = [f"line {i}: {len(line)}" for i, line in enumerate(lines, 1) if len(line) > 120]
    assert not wide, f"README.md lines over 120 characters: {wide}"


def test_the_readme_sets_up_with_exactly_make_demo_and_make_test():
    code = code_lines(README.read_text(encoding="utf-8"))
    targets = {t for line in code for t in re.findall(r"\bmake\s+([\w-]+)", line.split("#")[0])}
    assert targets == {"demo", "test"}
    assert not [line for line in code if SETUP.match(line)], "set-up belongs to make demo / make test"


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_relative_link_leads_to_a_file(doc):
    targets = [t for t in LINK.findall(doc.read_text(encoding="utf-8"))
               if not re.match(r"[a-z]+:", t) and not t.startswith("#")]
    missing = [t for t in targets if not (doc.parent / t.split("#")[0]).exists()]
    assert not missing, f"{doc.name}: links to nothing: {missing}"


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_no_commit_hashes_in_the_docs(doc):
    """History lives in git log: a token of 7 to 40 hex digits with a letter and a digit is a commit."""
    found = [t for t in HEXLIKE.findall(doc.read_text(encoding="utf-8"))
             if re.search(r"[a-f]", t) and re.search(r"\d", t)]
    assert not found, f"{doc.name}: {found}"


def test_the_results_models_table_is_what_the_committed_models_say():
    done = run_cli("-m", "training.report", "converted_model")
    assert done.returncode == 0, done.stderr
    results = (ROOT / "docs" / "RESULTS.md").read_text(encoding="utf-8").splitlines()
    stale = [row for row in done.stdout.splitlines() if row not in results]
    assert not stale, f"docs/RESULTS.md: run `python -m training.report converted_model` and paste: {stale}"
