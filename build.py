"""Build the static site: web/ templates + converted_model/ + the TF.js runtime -> dist/.

    python build.py [--out dist] [--serve [--port 8000]]

Needs only jinja2 and the standard library (never TensorFlow), and node_modules from `npm ci`.
The site is built in a temporary folder beside --out and swapped in at the end, so a failed
build leaves the previous site untouched. Same inputs give a byte-identical site.
"""
import argparse
import functools
import http.server
import json
import shutil
import sys
from pathlib import Path

import jinja2

from training.folders import written_whole

ROOT = Path(__file__).resolve().parent
MODELS = ROOT / "converted_model"
WEB = ROOT / "web"
DEFAULT_MODEL = "mnist"
NODE_MODULES = ROOT / "node_modules"
VENDOR = {  # what the page loads, from the pinned npm packages: dist/vendor/NAME <- node_modules/PATH
    "tfjs/tf-core.min.js": "@tensorflow/tfjs-core/dist/tf-core.min.js",
    "tfjs/tf-layers.min.js": "@tensorflow/tfjs-layers/dist/tf-layers.min.js",
    "tfjs/tf-backend-cpu.min.js": "@tensorflow/tfjs-backend-cpu/dist/tf-backend-cpu.min.js",
    "tfjs/tf-backend-webgl.min.js": "@tensorflow/tfjs-backend-webgl/dist/tf-backend-webgl.min.js",
    "tfjs/tf-backend-wasm.min.js": "@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.min.js",
    "tfjs/tfjs-backend-wasm-simd.wasm": "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm",
    "tfjs/tfjs-backend-wasm.wasm": "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm",  # no SIMD
    "gifenc/gifenc.esm.js": "gifenc/dist/gifenc.esm.js",  # loaded only when a GIF is exported
}
# No inline script or style, no other host; wasm needs 'wasm-unsafe-eval' to compile.
CSP = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'none'")
DATASET_LABELS = {"mnist": "MNIST digits", "fashion_mnist": "Fashion-MNIST"}
MODEL_FILES = ("meta.json", "preview.png")
# what the page reads of each meta.json, embedded in index.html (the rest stays in meta.json)
PAGE_FIELDS = ("name", "label", "dataset", "class_names", "style_dims", "code_size", "style_range",
               "style_range_per_class", "style_percentiles", "style_percentiles_per_class", "metrics",
               "parameters", "decoder_multiply_adds", "style_meaning")


class BuildError(RuntimeError):
    """The site cannot be built; the message is meant for the user as is."""


# meta.json fields the page reads, with their types
META_FIELDS = {"dataset": str, "class_names": list, "style_dims": int, "code_size": int,
               "style_range": list, "style_range_per_class": list, "style_percentiles": dict,
               "style_percentiles_per_class": dict, "metrics": dict, "parameters": dict,
               "decoder_multiply_adds": int}
DTYPE_BYTES = {"float32": 4, "int32": 4, "float16": 2, "uint16": 2, "uint8": 1}


def _read_json(path):
    if not path.is_file():
        raise BuildError(f"{path}: missing")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise BuildError(f"{path}: not valid JSON ({e})") from None


def _ranges_ok(ranges, dims):
    def number(v):
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    return isinstance(ranges, list) and len(ranges) == dims and all(
        isinstance(r, list) and len(r) == 2 and number(r[0]) and number(r[1]) and r[0] < r[1] for r in ranges)


def _table_ok(table, dims):
    """A percentile table: {"1": [k numbers], "5": [...], ...}, each dimension non-decreasing."""
    try:
        keys = sorted(table, key=float)
        rows = [table[k] for k in keys]
    except (TypeError, ValueError):
        return False
    return len(rows) >= 2 and all(isinstance(r, list) and len(r) == dims and all(
        isinstance(v, (int, float)) and not isinstance(v, bool) for v in r) for r in rows) and all(
        a[d] <= b[d] for a, b in zip(rows, rows[1:]) for d in range(dims))


def check_meta(path):
    meta = _read_json(path)
    if not isinstance(meta, dict):
        raise BuildError(f"{path}: expected a JSON object")
    for field, kind in META_FIELDS.items():
        if field not in meta:
            raise BuildError(f"{path}: missing field {field!r}")
        if not isinstance(meta[field], kind) or isinstance(meta[field], bool):
            raise BuildError(f"{path}: field {field!r} should be {kind.__name__}, "
                             f"got {type(meta[field]).__name__}")
    dims = meta["style_dims"]
    if dims < 1 or meta["code_size"] != 10 + dims:
        raise BuildError(f"{path}: code_size {meta['code_size']} does not equal 10 + style_dims ({dims})")
    if len(meta["class_names"]) != 10 or not all(isinstance(n, str) for n in meta["class_names"]):
        raise BuildError(f"{path}: class_names should be 10 strings")
    if not _ranges_ok(meta["style_range"], dims):
        raise BuildError(f"{path}: style_range should be {dims} [low, high] pair(s) of numbers with low < high")
    per_class = meta["style_range_per_class"]
    if len(per_class) != 10 or not all(_ranges_ok(r, dims) for r in per_class):
        raise BuildError(f"{path}: style_range_per_class should be 10 lists of {dims} [low, high] pair(s)")
    tables = [meta["style_percentiles"], *meta["style_percentiles_per_class"].values()]
    if not all(isinstance(t, dict) and _table_ok(t, dims) for t in tables):
        raise BuildError(f"{path}: style_percentiles(_per_class) should map percentiles to {dims} "
                         f"non-decreasing number(s) each")
    for key in ("test_accuracy", "test_bce"):
        if not isinstance(meta["metrics"].get(key), (int, float)):
            raise BuildError(f"{path}: metrics.{key} should be a number")
    return meta


def _expected_shape(layer, param, shape):
    """What the layer's config says of a weight's shape: None if it agrees, else a description."""
    kind, config = layer["class_name"], layer["config"]
    if kind == "Dense" and shape[-1:] != [config["units"]]:
        return f"last dimension {config['units']} (units)"
    if kind == "Conv2D":
        if shape[-1:] != [config["filters"]]:
            return f"last dimension {config['filters']} (filters)"
        if param == "kernel" and shape[:2] != list(config["kernel_size"]):
            return f"a {config['kernel_size']} kernel"
    if kind == "BatchNormalization" and len(shape) != 1:
        return "one dimension"
    return None


def _check_weight_shapes(path, model):
    """A weight whose shape contradicts its layer (a transposed kernel keeps its byte count)."""
    try:
        layers = {layer["config"]["name"]: layer for layer in model["modelTopology"]["model_config"]["config"]["layers"]}
    except (KeyError, TypeError):
        raise BuildError(f"{path}: modelTopology has no model_config.config.layers") from None
    for group in model["weightsManifest"]:
        for spec in group.get("weights", []):
            layer_name, _, param = str(spec.get("name")).rpartition("/")
            if layer_name in layers:
                wrong = _expected_shape(layers[layer_name], param, spec["shape"])
                if wrong:
                    raise BuildError(f"{path}: weight {spec['name']!r} has shape {spec['shape']}, "
                                     f"its layer needs {wrong}")


def check_layers_model(folder):
    """model.json parses, names its weights with shapes its layers accept, and its shards exist
    with exactly the bytes it says."""
    path = folder / "model.json"
    model = _read_json(path)
    if not isinstance(model, dict) or "modelTopology" not in model or "weightsManifest" not in model:
        raise BuildError(f"{path}: not a TF.js Layers model (no modelTopology / weightsManifest)")
    for group in model["weightsManifest"]:
        expected = 0
        for spec in group.get("weights", []):
            dtype = spec.get("quantization", {}).get("dtype", spec.get("dtype"))
            shape = spec.get("shape")
            if dtype not in DTYPE_BYTES or not isinstance(shape, list) or not all(
                    isinstance(n, int) and n >= 0 for n in shape):
                raise BuildError(f"{path}: weight {spec.get('name')!r} has an unusable dtype {dtype!r} "
                                 f"or shape {shape!r}")
            count = 1
            for n in shape:
                count *= n
            expected += count * DTYPE_BYTES[dtype]
        actual = 0
        for shard in group.get("paths", []):
            if not (folder / shard).is_file():
                raise BuildError(f"{folder / shard}: weight shard missing (named in {path})")
            actual += (folder / shard).stat().st_size
        if actual != expected:
            raise BuildError(f"{path}: its weights need {expected} bytes but the shards hold {actual}")
    _check_weight_shapes(path, model)
    return model


def check_model(folder):
    meta = check_meta(folder / "meta.json")
    check_layers_model(folder / "decoder")
    if (folder / "encoder").is_dir():
        check_layers_model(folder / "encoder")
    if not (folder / "preview.png").is_file():
        raise BuildError(f"{folder / 'preview.png'}: missing")
    return meta


def model_label(meta):
    dims = meta["style_dims"]
    return f"{DATASET_LABELS.get(meta['dataset'], meta['dataset'])} · {dims} style value{'s' if dims > 1 else ''}"


def find_models(models_dir):
    if not models_dir.is_dir():
        raise BuildError(f"{models_dir}: no converted models folder")
    folders = sorted(p for p in models_dir.iterdir() if p.is_dir() and not p.name.endswith((".tmp", ".old")))
    if not folders:
        raise BuildError(f"{models_dir}: holds no converted model")
    metas = []
    for folder in folders:
        meta = check_model(folder)
        meta = {**meta, "name": folder.name, "label": model_label(meta)}
        metas.append(meta)
    metas.sort(key=lambda m: (m["name"] != DEFAULT_MODEL, m["name"]))
    return metas


def copy_model(src, dst):
    dst.mkdir(parents=True)
    for name in MODEL_FILES:
        shutil.copyfile(src / name, dst / name)
    for atlas in sorted(src.glob("atlas*.png")):
        shutil.copyfile(atlas, dst / atlas.name)
    for part in ("decoder", "encoder"):
        if (src / part).is_dir():
            shutil.copytree(src / part, dst / part, copy_function=shutil.copyfile)


def build(out, models_dir=MODELS):
    out = Path(out).resolve()
    metas = find_models(models_dir)
    missing = [str(NODE_MODULES / rel) for rel in VENDOR.values() if not (NODE_MODULES / rel).is_file()]
    if missing:
        raise BuildError(f"{missing[0]}: runtime file missing; run `npm ci` first")

    with written_whole(out) as tmp:
        shutil.copytree(WEB / "static", tmp / "static", copy_function=shutil.copyfile)
        for name, rel in VENDOR.items():
            (tmp / "vendor" / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(NODE_MODULES / rel, tmp / "vendor" / name)
        for meta in metas:
            copy_model(models_dir / meta["name"], tmp / "models" / meta["name"])
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(WEB / "templates"),
                                 autoescape=True, undefined=jinja2.StrictUndefined)
        html = env.get_template("index.html.j2").render(
            models=[{k: m[k] for k in PAGE_FIELDS if k in m} for m in metas], default_model=metas[0]["name"], csp=CSP,
            grid={"width": 10 * 30 - 2, "height": 11 * 30 - 2})
        (tmp / "index.html").write_text(html, encoding="utf-8")
        (tmp / ".nojekyll").write_text("")

    return metas


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".wasm": "application/wasm"}
    quiet = False

    def log_message(self, *args):
        if not self.quiet:
            super().log_message(*args)


def make_server(folder, port=0, quiet=False):
    """A static server for `folder` on 127.0.0.1 (port 0: any free port)."""
    handler = type("Handler", (SiteHandler,), {"quiet": quiet})
    return http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(handler, directory=str(folder)))


def serve(folder, port):
    with make_server(folder, port) as httpd:
        print(f"serving {folder} on http://127.0.0.1:{httpd.server_port}/  (Ctrl-C stops)", flush=True)
        try:
            httpd.serve_forever()
        except KeyboardInterrupt:
            pass


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="dist")
    ap.add_argument("--models", default=str(MODELS), help="folder of converted models")
    ap.add_argument("--serve", action="store_true", help="serve the site on 127.0.0.1 after building")
    ap.add_argument("--port", type=int, default=8000)
    args = ap.parse_args(argv)
    try:
        metas = build(args.out, Path(args.models))
    except BuildError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(f"built {args.out}: {len(metas)} model(s): {', '.join(m['name'] for m in metas)}")
    if args.serve:
        serve(Path(args.out).resolve(), args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
