"""What each `npm ci` brings: the root's (make demo, build, test) only what the site builds from;
Lighthouse and what it pulls in (puppeteer, Sentry) only bench/'s (make bench). Every install script
is decided in package.json's allowScripts, so npm has nothing to warn about."""
import json
import re

import pytest

from helpers import ROOT

BENCH_ONLY = re.compile(r"^(lighthouse|puppeteer|@puppeteer/|@sentry)")
FOLDERS = [ROOT, ROOT / "bench"]


def read(folder, name):
    return json.loads((folder / name).read_text(encoding="utf-8"))


def locked(folder):
    """{name: lock entry} of what `npm ci` in folder installs (nested copies under their own name)."""
    return {path.rsplit("node_modules/", 1)[1]: entry
            for path, entry in read(folder, "package-lock.json")["packages"].items() if path}


def test_the_site_installs_nothing_the_benchmark_alone_needs():
    package = read(ROOT, "package.json")
    declared = [*package.get("dependencies", {}), *package.get("devDependencies", {})]
    assert not [n for n in declared if BENCH_ONLY.match(n)], "package.json: move it to bench/package.json"
    assert not [n for n in locked(ROOT) if BENCH_ONLY.match(n)], "package-lock.json: run npm install"


def test_the_benchmark_installs_the_lighthouse_it_pins():
    assert read(ROOT / "bench", "package.json")["devDependencies"] == {"lighthouse": "12.2.3"}
    assert locked(ROOT / "bench")["lighthouse"]["version"] == "12.2.3"


@pytest.mark.parametrize("folder", FOLDERS, ids=["root", "bench"])
def test_every_install_script_is_allowed_or_denied(folder):
    """npm 11 runs an install script nobody decided on, with a warning; allowScripts records the decision."""
    decided = read(folder, "package.json").get("allowScripts", {})
    undecided = [f"{name}@{e['version']}" for name, e in locked(folder).items()
                 if e.get("hasInstallScript") and name not in decided and f"{name}@{e['version']}" not in decided]
    assert not undecided, f"{folder / 'package.json'}: allowScripts decides nothing for {undecided}"


def test_the_bench_refuses_to_start_without_lighthouse(tmp_path, monkeypatch, capsys):
    """After make demo alone bench/node_modules is absent: say so before minutes of measuring, not after."""
    from bench import __main__ as bench, lighthouse
    monkeypatch.setattr(lighthouse, "LIGHTHOUSE", tmp_path / "lighthouse")
    monkeypatch.setattr(bench, "served", lambda dist: pytest.fail("went on to build and measure"))
    monkeypatch.chdir(tmp_path)
    assert bench.main([]) == 2
    out, err = capsys.readouterr()
    assert (out, err) == ("", f"error: {tmp_path / 'lighthouse'}: missing; run `make bench` (it installs "
                              "bench/package.json) or pass --no-lighthouse\n")
    assert list(tmp_path.iterdir()) == []
