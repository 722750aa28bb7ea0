"""build.py's command line: where the site may be written (--out), a full disk, an earlier site that
cannot be deleted, and what --serve (make demo) serves on which --port. Every refusal one line, exit 2,
nothing written or left behind."""
import os
import resource
import shutil
import signal
import subprocess
import sys
import urllib.request

import pytest
from helpers import ROOT, run_cli, start_for_ctrl_c

from training.cli import UserError

NAME = "digit-morph-test-site"  # what a build that wrongly went ahead would leave in the checkout


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


# --out inside what the build reads (the next build publishes it, or finds a model folder that is
# not a model) or inside what the project keeps
INSIDE = ["converted_model", "web/static", "training", "readers", "tests", "bench", "node_modules", ".git", "models"]


@pytest.mark.parametrize("folder", INSIDE)
def test_an_out_inside_the_projects_own_folders_is_refused(tmp_path, folder):
    models = tmp_path / "models"  # --models too: a folder in it would be read as a model next time
    shutil.copytree(ROOT / "converted_model" / "mnist", models / "mnist", ignore=shutil.ignore_patterns("parity"))
    # reached through a link as well: what counts is where --out resolves
    out = models / NAME if folder == "models" else tmp_path / "link" / NAME
    if folder != "models":
        (tmp_path / "link").symlink_to(ROOT / folder, target_is_directory=True)
    try:
        for given in ([out] if folder == "models" else [out, f"{folder}/{NAME}"]):
            done = run_cli(ROOT / "build.py", "--models", models, "--out", given)
            lines = done.stderr.splitlines()
            assert done.returncode == 2 and len(lines) == 1, done.stderr
            assert lines[0].startswith("error: ") and f"{NAME}: inside " in lines[0], done.stderr
            assert "where build.py writes nothing; choose a folder outside it" in lines[0]
            assert not (ROOT / folder / NAME).exists() and not (models / NAME).exists()
            assert sorted(os.listdir(models)) == ["mnist"]
            if (ROOT / folder).is_dir():  # a worktree's .git is a file
                assert not [p for p in os.listdir(ROOT / folder) if p.startswith(f".{NAME}.")]
    finally:  # without the check the build writes there: never leave it in the checkout
        shutil.rmtree(ROOT / folder / NAME, ignore_errors=True)


def test_an_out_through_dot_dot_replaces_the_site_and_leaves_nothing(tmp_path):
    site = tmp_path / "site"
    assert run_cli(ROOT / "build.py", "--out", site).returncode == 0
    done = run_cli(ROOT / "build.py", "--out", f"{site}/static/..")
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert sorted(os.listdir(site / "static")) == ["css", "js"]
    assert os.listdir(tmp_path) == ["site"]


def make_undeletable(folder):
    """A file in `folder` that cannot be deleted: a read-only folder, or for root (who deletes in
    one) an immutable file."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
    elif subprocess.run(["chattr", "+i", next(folder.iterdir())], capture_output=True).returncode != 0:
        pytest.skip("root, and this filesystem has no immutable files (chattr +i)")


def make_deletable(folder):
    subprocess.run(["chattr", "-R", "-i", folder] if os.geteuid() == 0 else ["chmod", "-R", "u+w", folder], check=True)


def test_an_earlier_site_that_cannot_be_deleted_is_said_in_one_line(tmp_path):
    site = tmp_path / "site"
    assert run_cli(ROOT / "build.py", "--out", site).returncode == 0
    make_undeletable(site / "static" / "css")
    try:
        done = run_cli(ROOT / "build.py", "--out", site)
        left = [p for p in os.listdir(tmp_path) if p != "site"]
        assert done.returncode == 0 and (site / "static" / "css").is_dir()
        assert len(left) == 1 and left[0].startswith(".site.") and left[0].endswith(".old"), left
        assert done.stderr == (f"warning: {tmp_path / left[0]}: the earlier output, replaced, cannot be deleted "
                               f"({'Operation not permitted' if os.geteuid() == 0 else 'Permission denied'}); "
                               f"delete it by hand\n")
    finally:
        make_deletable(tmp_path)


def limit_file_size(limit):
    def preexec():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # so that a write fails (EFBIG) instead of the process
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return preexec


def on_tmpfs(size, mount_point, out):
    """The command line that runs the build onto `out` with a new tmpfs of `size` mounted at
    `mount_point` (in a user namespace), then lists what is left in out's folder on stdout (the build
    writes nothing there when it fails)."""
    mount = f"mount -t tmpfs -o size={size} tmpfs {mount_point}"
    probe = subprocess.run(["unshare", "-rm", "sh", "-c", mount], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {probe.stderr.decode().strip()}")
    return ["unshare", "-rm", "sh", "-c", f'{mount} && {{ "$@"; rc=$?; ls -A {out.parent}; exit $rc; }}',
            "sh", sys.executable, ROOT / "build.py", "--out", out]


def run_build(args, preexec=None):
    return subprocess.run(list(map(str, args)), cwd=ROOT, capture_output=True, text=True, timeout=300,
                          preexec_fn=preexec, env={**os.environ, "PYTHONPATH": str(ROOT)})


# where the disk fills -> the site's file(s) one of which cannot be written (the sources are no part of
# it); the bundler writes the page's chunks and TF.js's at once, so either may meet the full disk first
FULL_DISK = {
    "a copy exceeds the file size limit": ("limit", ["vendor/tfjs/tfjs-backend-wasm-simd.wasm"], "File too large"),
    "a copy fills the disk": ("500k", ["vendor/tfjs/tfjs-backend-wasm.wasm"], "No space left on device"),
    "the bundler fills the disk": ("1m", ["vendor/tfjs/", "static/js/chunk-"], "no space left on device"),
}


@pytest.mark.parametrize("case", sorted(FULL_DISK))
def test_a_full_disk_names_the_sites_file_in_one_line(tmp_path, case):
    size, files, reason = FULL_DISK[case]
    out = tmp_path / "disk" / "site"
    out.parent.mkdir()
    if size == "limit":
        done = run_build([sys.executable, ROOT / "build.py", "--out", out], limit_file_size(100_000))
    else:
        done = run_build(on_tmpfs(size, out.parent, out))
    assert done.returncode == 2 and len(done.stderr.splitlines()) == 1, done.stderr
    assert any(done.stderr.startswith(f"error: {out / file}") for file in files) and done.stderr.endswith(
        f": cannot write the site ({reason})\n"), done.stderr
    assert done.stdout == "" and os.listdir(out.parent) == [], "nothing left on the disk"


def test_an_out_that_cannot_be_moved_aside_leaves_nothing_beside_it(tmp_path):
    """A mount point (a container's volume, say) cannot be renamed, so the build cannot swap it."""
    out = tmp_path / "disk" / "site"
    out.mkdir(parents=True)
    done = run_build(on_tmpfs("10m", out, out))
    assert (done.returncode, done.stderr) == (2, f"error: {out}: cannot write the site (Device or resource busy)\n")
    assert done.stdout == "site\n", "nothing beside it"


# an OSError in the build -> its line: shutil's copies give (source, destination), open() the one file
# (OSError's arguments: errno, strerror, filename, winerror, filename2)
SITE_ERRORS = {
    "a copy onto a full disk": ((28, "No space left on device", "/src/a.wasm", None, "TMP/vendor/a.wasm"),
                                "OUT/vendor/a.wasm: cannot write the site (No space left on device)"),
    "a file written": ((27, "File too large", "TMP/index.html"), "OUT/index.html: cannot write the site (File too large)"),
    "a source unreadable": ((13, "Permission denied", "/src/style.css"), "/src/style.css: cannot read it (Permission denied)"),
    "no file named": ((28, "No space left on device"), "OUT: cannot write the site (No space left on device)"),
}


@pytest.mark.parametrize("case", sorted(SITE_ERRORS))
def test_an_os_error_while_writing_the_site_names_the_right_file(tmp_path, case):
    import build
    args, line = SITE_ERRORS[case]
    tmp, out = tmp_path / ".site.x.tmp", tmp_path / "site"
    error = OSError(*(a.replace("TMP", str(tmp)) if isinstance(a, str) else a for a in args))
    with pytest.raises(UserError) as raised:
        with build.site_errors(tmp, out):
            raise error
    assert str(raised.value) == line.replace("OUT", str(out))


def test_a_busy_port_or_a_read_only_folder_is_one_line(tmp_path):
    import socket
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = run_cli(ROOT / "build.py", "--out", tmp_path / "dist", "--serve", "--port", port, timeout=60)
    assert done.returncode == 2 and f"cannot serve on 127.0.0.1:{port}" in done.stderr
    assert "Traceback" not in done.stderr
    # /sys takes no new folder, even from root (a chmod'ed folder would not stop root)
    done = run_cli(ROOT / "build.py", "--out", "/sys/digit-morph-dist")
    assert done.returncode == 2 and "/sys: cannot write there" in done.stderr and "Traceback" not in done.stderr


def test_no_models_is_a_clear_error(tmp_path):
    (tmp_path / "empty").mkdir()
    done = run_cli(ROOT / "build.py", "--models", tmp_path / "empty", "--out", tmp_path / "dist")
    assert done.returncode == 2 and "holds no converted model" in done.stderr
    assert not (tmp_path / "dist").exists()
