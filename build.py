"""Build the static site: web/ templates + converted_model/ + the TF.js runtime -> dist/.

    python build.py [--out dist] [--serve [--port 8000]]

Needs only jinja2 and the standard library (never TensorFlow), and node_modules from `npm ci`.
The site is built in a temporary folder beside --out and swapped in at the end, so a failed
build leaves the previous site untouched. Same inputs give a byte-identical site.
"""
import argparse
import base64
import hashlib
import re
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import jinja2

import plain_files
from model_folder import check_model, read_source, sha256
from serve import serve
from training import cli, contract
from training.cli import UserError
from training.folders import written_whole

ROOT = Path(__file__).resolve().parent
MODELS = ROOT / "converted_model"
WEB = ROOT / "web"
DEFAULT_MODEL = "mnist"
NODE_MODULES = ROOT / "node_modules"
# The scripts are bundled by esbuild (web/runtime/build.mjs): the page's modules into
# dist/static/js/ (main.js, worker.js and chunks), the TF.js runtime from the pinned packages into
# dist/vendor/tfjs/ (core.js, backend-{wasm,webgl,cpu}.js and chunks).
RUNTIME_BUILD = WEB / "runtime" / "build.mjs"
VENDOR = {  # what the page loads as is, from the pinned npm packages: dist/vendor/NAME <- node_modules/PATH
    "tfjs/tfjs-backend-wasm-simd.wasm": "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm",
    "tfjs/tfjs-backend-wasm.wasm": "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm",  # no SIMD
    "gifenc/gifenc.esm.js": "gifenc/dist/gifenc.esm.js",  # loaded only when a GIF is exported
}
# No inline style, no other host, one inline script (boot.js, allowed by its hash); wasm needs
# 'wasm-unsafe-eval' to compile.
CSP = ("default-src 'self'; script-src 'self' 'sha256-{boot}' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'none'")
BOOT_SCRIPT = WEB / "static" / "js" / "boot.js"  # inlined into index.html's head
# What the site publishes of web/static as is (js/ is bundled, boot.js inlined): only these, as for
# the model folders, so an editor's backup or an untracked file there never reaches the site. A file
# the page comes to load joins this list.
STATIC = ("css/style.css",)
DATASET_LABELS = {"mnist": "MNIST digits", "fashion_mnist": "Fashion-MNIST"}
# what a built site holds: an existing --out is replaced only if it holds nothing else and the marker
SITE_MARKER = ".digit-morph-site"
# our licence and NOTICE (what the site ships from others: TF.js, gifenc) travel with the site
LEGAL = ("LICENSE", "NOTICE")
SITE_ENTRIES = ("index.html", ".nojekyll", "static", "vendor", "models", *LEGAL, SITE_MARKER)
# never an --out inside the checkout's own folders: inside converted_model/ it breaks every later build
# (a folder that is no model), inside web/ the next build publishes it again (dist/ is the default)
NOT_OUT = ("web", "converted_model", "training", "readers", "tests", "bench", "node_modules", ".git")
# what the page reads of each meta.json, embedded in index.html (the rest stays in meta.json; the
# baselines and the compression figures are fetched from it when their figures near the viewport)
PAGE_FIELDS = ("name", "label", "dataset", "class_names", "style_dims", "code_size", "style_range",
               "style_percentiles", "style_percentiles_per_class", "metrics",
               "parameters", "decoder_multiply_adds", "style_meaning", "weights_sha256", "neighbours", "training")


def model_label(meta):
    dims = meta["style_dims"]
    return f"{DATASET_LABELS.get(meta['dataset'], meta['dataset'])} · {dims} style value{'s' if dims > 1 else ''}"


def find_models(models_dir):
    """-> [(meta, files)] of every model folder, the default model first."""
    if not models_dir.is_dir():
        raise UserError(f"{models_dir}: no converted models folder")
    # hidden: the temporary folders of a conversion (training/folders.py), never a model
    folders = sorted(p for p in models_dir.iterdir() if not p.name.startswith("."))
    models = []
    for folder in folders:
        if not folder.is_dir() and not folder.is_symlink():
            continue  # a README or similar beside the models
        meta, files = check_model(folder)
        models.append(({**meta, "name": folder.name, "label": model_label(meta)}, files))
    if not models:
        raise UserError(f"{models_dir}: holds no converted model")
    models.sort(key=lambda m: (m[0]["name"] != DEFAULT_MODEL, m[0]["name"]))
    return models


def write(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def copy_model(src, dst, files):
    """Copy the files check_model checked ({path relative to src: SHA-256}), read again as it read
    them (no link followed, one regular file) and only if they still hold the bytes it checked: the
    build takes seconds, in which a file may be swapped."""
    for rel, digest in files.items():
        data = read_source(src, rel)
        if sha256(data) != digest:
            raise UserError(f"{src / rel}: changed while the site was built; build again")
        write(dst / rel, data)


def copy_listed(src, dst, names):
    """Publish exactly `names` from src: each read as a plain file (no link, no second name)."""
    for rel in names:
        write(dst / rel, plain_files.read(src, rel))


def ordinals(numbers):
    """(1, 10, 25) -> "1st, 10th and 25th"."""
    def ordinal(n):
        return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"
    words = [ordinal(n) for n in numbers]
    return ", ".join(words[:-1]) + " and " + words[-1]


def grid_size():
    pitch = contract.IMAGE_SIDE + contract.GRID_GAP
    return {"width": contract.NUM_CLASSES * pitch - contract.GRID_GAP, "height": contract.GRID_ROWS * pitch - contract.GRID_GAP}


def bundle_scripts(out):
    try:
        done = subprocess.run(["node", str(RUNTIME_BUILD), str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    except FileNotFoundError:
        raise UserError("node: not found; the page's scripts are bundled with Node.js (see README)") from None
    if done.returncode != 0:
        failed = re.search(r"Failed to write to output file: write (.+): (.+)", done.stderr)
        if failed:  # a full disk: site_errors names the file as the site holds it
            raise OSError(None, failed[2], failed[1])
        raise UserError(f"{RUNTIME_BUILD.relative_to(ROOT)}: {(done.stderr or done.stdout).strip()[-1000:]}")


def static_imports(script):
    """The chunks a bundled module imports before it runs (not its lazy `import()`s): the page names
    them in modulepreload links, so they download beside main.js, not one round trip after it."""
    return re.findall(r'(?:^|[;}])\s*import\s*(?:[\w${},\s*]+from\s*)?"\./(chunk-[\w-]+\.js)"', script)


@contextmanager
def site_errors(tmp, out):
    """An OSError while the site is written into `tmp` as one line: the site's file that could not be
    written (a full disk), named as `out` would hold it, or the file that could not be read."""
    try:
        yield
    except OSError as e:
        reason = e.strerror or e
        # shutil's copies name the source first and the file they write second
        written = [Path(f) for f in (e.filename2, e.filename) if f and Path(f).is_relative_to(tmp)]
        if written:
            raise UserError(f"{out / written[0].relative_to(tmp)}: cannot write the site ({reason})") from None
        if e.filename:
            raise UserError(f"{e.filename}: cannot read it ({reason})") from None
        raise UserError(f"{out}: cannot write the site ({reason})") from None


def build(out, models_dir=MODELS):
    out = Path(out)
    models = find_models(models_dir)
    metas = [meta for meta, _ in models]
    missing = [str(NODE_MODULES / rel) for rel in [*VENDOR.values(), "esbuild/package.json"]
               if not (NODE_MODULES / rel).is_file()]
    if missing:
        raise UserError(f"{missing[0]}: runtime file missing; run `npm ci` first")

    with (written_whole(out, SITE_ENTRIES, SITE_MARKER, "build.py", [models_dir, *(ROOT / f for f in NOT_OUT)]) as tmp,
          site_errors(tmp, out)):
        copy_listed(WEB / "static", tmp / "static", STATIC)
        for name, rel in VENDOR.items():
            (tmp / "vendor" / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(NODE_MODULES / rel, tmp / "vendor" / name)
        bundle_scripts(tmp)
        for meta, files in models:
            copy_model(models_dir / meta["name"], tmp / "models" / meta["name"], files)
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(WEB / "templates"),
                                 autoescape=True, undefined=jinja2.StrictUndefined)
        boot = BOOT_SCRIPT.read_text(encoding="utf-8")
        boot_hash = base64.b64encode(hashlib.sha256(boot.encode("utf-8")).digest()).decode("ascii")
        html = env.get_template("index.html.j2").render(
            models=[{k: m[k] for k in PAGE_FIELDS if k in m} for m in metas], default_model=metas[0]["name"],
            csp=CSP.format(boot=boot_hash), boot_script=boot,
            grid=grid_size(), atlas_quantiles=ordinals(contract.ATLAS_QUANTILES),
            preloads=static_imports((tmp / "static" / "js" / "main.js").read_text(encoding="utf-8")))
        (tmp / "index.html").write_text(html, encoding="utf-8")
        (tmp / ".nojekyll").write_text("")
        copy_listed(ROOT, tmp, LEGAL)
        (tmp / SITE_MARKER).write_text("Written by build.py; the next build replaces this whole folder.\n")

    return metas


@cli.main
def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="dist")
    ap.add_argument("--models", default=str(MODELS), help="folder of converted models")
    ap.add_argument("--serve", action="store_true", help="serve the site on 127.0.0.1 after building")
    ap.add_argument("--port", type=int, default=8000, help="0: any free port")
    args = ap.parse_args(argv)
    if not 0 <= args.port <= 65535:  # before the build, which would be for nothing
        raise UserError(f"--port {args.port}: not a port (0 to 65535; 0 picks a free one)")
    with cli.writing(args.out, "the site"):
        metas = build(args.out, Path(args.models))
    print(f"built {args.out}: {len(metas)} model(s): {', '.join(m['name'] for m in metas)}")
    if args.serve:
        try:
            serve(Path(args.out).resolve(), args.port)
        except OSError as e:
            raise UserError(f"cannot serve on 127.0.0.1:{args.port} ({e.strerror or e}); try another --port") from None
    return 0

if __name__ == "__main__":
    sys.exit(main())
