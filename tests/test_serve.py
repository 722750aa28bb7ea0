"""serve.py answers as GitHub Pages does: nothing outside the site, no folder listings, and a
request no file can answer is a bad request, not a traceback and a dropped connection."""
import http.client
import threading

import pytest
from helpers import ROOT, run_cli

import serve

# path -> status, with and without `Accept-Encoding: gzip` (the gzip branch and the standard one)
REQUESTS = {
    "/": 200,
    "/page.txt": 200,
    "/%00": 400,
    "/page.txt%00": 400,
    "/%ed%a0%80": 400,  # a lone surrogate: no file name encodes it
    "/sub/": 404,  # a folder without index.html: Pages lists nothing
    "/secret.txt": 404,  # a link to a file outside the site
    "/outside/": 404,  # a link to a folder outside the site
    "/outside/secret.txt": 404,
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    base = tmp_path_factory.mktemp("serve")
    (base / "outside").mkdir()
    (base / "outside" / "secret.txt").write_text("secret")
    (base / "outside" / "index.html").write_text("outside")
    site = base / "site"
    (site / "sub").mkdir(parents=True)
    (site / "index.html").write_text("<p>site</p>")
    (site / "page.txt").write_text("page")
    (site / "sub" / "file.txt").write_text("in a folder")
    (site / "secret.txt").symlink_to(base / "outside" / "secret.txt")
    (site / "outside").symlink_to(base / "outside", target_is_directory=True)
    server = serve.make_server(site, quiet=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_port
    server.shutdown()


@pytest.mark.parametrize("gzip", [False, True])
@pytest.mark.parametrize("path", sorted(REQUESTS))
def test_the_server_answers_as_pages_does(site, path, gzip, capfd):
    conn = http.client.HTTPConnection("127.0.0.1", site, timeout=30)
    conn.request("GET", path, headers={"Accept-Encoding": "gzip"} if gzip else {})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    assert response.status == REQUESTS[path], (path, response.status, body[:200])
    if response.status != 200:
        assert b"secret" not in body and b"file.txt" not in body
    assert "Traceback" not in capfd.readouterr().err


def test_the_server_gzips_text_as_github_pages_does(tmp_path):
    """make demo, the benchmark and the browser tests download what a visitor of the Pages site does."""
    import gzip
    import threading
    import urllib.request

    import serve
    assert run_cli(ROOT / "build.py", "--out", tmp_path / "dist").returncode == 0
    server = serve.make_server(tmp_path / "dist", quiet=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/"
    try:
        for path, compressed in (("", True), ("static/js/main.js", True), ("models/mnist/meta.json", True),
                                 ("models/mnist/preview.png", False), ("vendor/tfjs/tfjs-backend-wasm-simd.wasm", False)):
            with urllib.request.urlopen(urllib.request.Request(base + path, headers={"Accept-Encoding": "gzip"})) as r:
                body = r.read()
                assert (r.headers.get("Content-Encoding") == "gzip") == compressed, path
            original = (tmp_path / "dist" / (path or "index.html")).read_bytes()
            assert (gzip.decompress(body) if compressed else body) == original, path
            if compressed:
                assert len(body) < len(original) / 2, path
        with urllib.request.urlopen(base + "static/js/main.js") as r:  # no Accept-Encoding: plain
            assert r.headers.get("Content-Encoding") is None
    finally:
        server.shutdown()


@pytest.mark.parametrize("stop", ["ctrl-c", "kill"])
def test_make_demo_logs_only_failures_and_stops_quietly(tmp_path, stop):
    """make demo: a visit's good requests log nothing (its URL stays in view), a failed one a line; Ctrl-C
    (SIGINT to the whole group, as a terminal sends it) or `kill` (SIGTERM to make, passed on to the
    server) ends it without make's "*** ... Terminated". (-o: make installs nothing.)"""
    import os
    import signal
    import socket
    import subprocess
    import urllib.error
    import urllib.request
    make = ["make", "-s", "-o", ".venv/.build", "-o", "node_modules/.installed", "demo", "PORT=0", f"OUT={tmp_path / 'dist'}"]
    proc = subprocess.Popen(make, cwd=ROOT, text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        lines = [proc.stdout.readline(), proc.stdout.readline()]
        assert lines[0].startswith("built ") and lines[1].startswith("serving "), lines
        url = lines[1].split(" on ")[1].split()[0]
        for path in ("", "static/css/style.css", "models/mnist/meta.json", "nothing-here"):
            try:
                urllib.request.urlopen(url + path, timeout=30).read()
            except urllib.error.HTTPError as e:
                assert (path, e.code) == ("nothing-here", 404)
        idle = socket.create_connection(("127.0.0.1", int(url.rsplit(":", 1)[1].strip("/"))))  # a browser's preconnect
        if stop == "ctrl-c":
            os.killpg(proc.pid, signal.SIGINT)
        else:
            proc.send_signal(signal.SIGTERM)
        rest = proc.communicate(timeout=60)[0]
        idle.close()
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert [line.split("] ", 1)[-1] for line in rest.splitlines()] == ['"GET /nothing-here HTTP/1.1" 404 -'], rest
