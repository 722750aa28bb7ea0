"""build.py's command line: what --serve (make demo) serves on which --port. Every refusal one line,
exit 2, nothing written or left behind."""
import os
import signal
import urllib.request

import pytest
from helpers import ROOT, run_cli, start_for_ctrl_c


@pytest.mark.parametrize("port", [-1, 65536, 99999, 2**70])
def test_a_port_that_is_no_port_is_refused_before_building(tmp_path, port):
    done = run_cli(ROOT / "build.py", "--out", tmp_path / "dist", "--serve", "--port", port, timeout=60)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"error: --port {port}: not a port (0 to 65535; 0 picks a free one)\n"
    assert os.listdir(tmp_path) == []


def test_the_demo_serves_the_site_on_a_free_port(tmp_path):
    """make demo's path: build.py --serve; --port 0 picks a free port and says which."""
    proc = start_for_ctrl_c([ROOT / "build.py", "--out", tmp_path / "dist", "--serve", "--port", "0"])
    try:
        lines = [proc.stdout.readline(), proc.stdout.readline()]
        assert lines[0].startswith("built ") and lines[1].startswith("serving "), (lines, proc.stderr.read())
        url = lines[1].split(" on ")[1].split()[0]
        with urllib.request.urlopen(url, timeout=30) as r:
            assert r.read() == (tmp_path / "dist" / "index.html").read_bytes()
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=60) == 0
    finally:
        proc.kill()
        proc.wait()
    assert "Traceback" not in proc.stderr.read()
