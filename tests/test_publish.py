"""What build.py publishes is what it checked (issue 33, items 2 and 3): a model file swapped while the
site builds is refused, not followed, and of web/static only the allow-listed files reach the site."""
import os
import shutil

import build
import pytest
from helpers import ROOT
from test_build import MODELS, tree_digest

SECRET = b"\x89PNG\r\n\x1a\n the secret"  # a PNG to the signature check: only the open can stop it


def swap_for_link(model, secret):
    (model / "preview.png").unlink()
    (model / "preview.png").symlink_to(secret)


def swap_for_hard_link(model, secret):
    (model / "preview.png").unlink()
    os.link(secret, model / "preview.png")


def rewrite_shard(model, secret):
    shard = model / "decoder" / "group1-shard1of1.bin"
    data = bytearray(shard.read_bytes())
    data[:len(SECRET)] = SECRET
    shard.write_bytes(bytes(data))


def swap_folder_for_link(model, secret):
    copy = secret.parent / "decoder"
    shutil.move(model / "decoder", copy)
    (model / "decoder").symlink_to(copy, target_is_directory=True)


SWAPS = {  # made between the check of the model folder and the copy of its files
    "preview swapped for a link to a secret": (swap_for_link, "preview.png: a symbolic link"),
    "preview swapped for a hard link to a secret": (swap_for_hard_link, "preview.png: a hard link (2 names"),
    "shard rewritten": (rewrite_shard, "group1-shard1of1.bin: changed while the site was built"),
    "decoder folder swapped for a link": (swap_folder_for_link, "decoder: a symbolic link"),
}


@pytest.mark.parametrize("swap", sorted(SWAPS))
def test_a_file_swapped_between_check_and_copy_is_refused(tmp_path, monkeypatch, capsys, swap):
    models, dist, outside = tmp_path / "models", tmp_path / "dist", tmp_path / "outside"
    shutil.copytree(MODELS / "mnist", models / "mnist", ignore=shutil.ignore_patterns("parity"))
    outside.mkdir()
    (outside / "secret").write_bytes(SECRET)
    assert build.main(["--models", str(models), "--out", str(dist)]) == 0
    before = tree_digest(dist)
    capsys.readouterr()
    swapper, message = SWAPS[swap]
    bundle = build.bundle_scripts

    def bundle_then_swap(out):  # the hook: the page's scripts are bundled after the check, before the copy
        bundle(out)
        swapper(models / "mnist", outside / "secret")
    monkeypatch.setattr(build, "bundle_scripts", bundle_then_swap)
    assert build.main(["--models", str(models), "--out", str(dist)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {models / 'mnist'}") and message in lines[0], lines
    assert tree_digest(dist) == before
    assert sorted(os.listdir(tmp_path)) == ["dist", "models", "outside"], "no temporary folder left"


def test_only_the_allow_listed_files_of_web_static_are_published(tmp_path, monkeypatch):
    """An untracked web/static/.env or an editor's backup beside style.css never reaches the site."""
    web = tmp_path / "web"
    shutil.copytree(ROOT / "web", web)
    (web / "static" / ".env").write_text("TOKEN=secret")
    (web / "static" / "css" / "style.css~").write_text("an editor's backup")
    (web / "static" / "notes").mkdir()
    (web / "static" / "notes" / "todo.txt").write_text("private")
    monkeypatch.setattr(build, "WEB", web)
    assert build.main(["--out", str(tmp_path / "dist")]) == 0
    static = tmp_path / "dist" / "static"
    published = sorted(str(p.relative_to(static)) for p in static.rglob("*") if p.is_file() and p.parent.name != "js")
    assert not {".env", "css/style.css~", "notes/todo.txt"} & set(published), published
    assert published == sorted(build.STATIC)
    assert not (static / "js" / "boot.js").exists(), "the page's scripts are bundled, not copied"


@pytest.mark.parametrize("fault,message", [("link", "style.css: a symbolic link"), ("missing", "style.css: missing")])
def test_an_allow_listed_file_that_is_a_link_or_missing_is_refused(tmp_path, monkeypatch, capsys, fault, message):
    web = tmp_path / "web"
    shutil.copytree(ROOT / "web", web)
    (web / "static" / "css" / "style.css").unlink()
    if fault == "link":
        (web / "static" / "css" / "style.css").symlink_to("/etc/passwd")
    monkeypatch.setattr(build, "WEB", web)
    assert build.main(["--out", str(tmp_path / "dist")]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], lines
    assert not (tmp_path / "dist").exists()
