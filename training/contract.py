"""The contract between conversion, the site build and the page: what a converted model's meta.json
holds (convert.py writes it, build.py checks it with check() before the page relies on it), and the
constants the page shares, which `python -m training.contract` writes as web/static/js/contract.js.
Standard library only: build.py imports it and must never need TensorFlow."""
import json
import math
import re
from pathlib import Path

from training.cli import UserError

# The constants the page needs as much as training does. They exist once per language: here, and in
# web/static/js/contract.js, which `python -m training.contract` writes from these (a test compares).
NUM_CLASSES = 10
IMAGE_SIDE = 28
BCE_EPSILON = 1e-7  # Keras' clip for binary cross-entropy; the page's search clips the same
PERCENTILES = (1, 5, 25, 50, 75, 95, 99)  # the knots of each class's style scale (the slider walks them)
ATLAS_QUANTILES = (1, 10, 25, 50, 75, 90, 99)  # the atlas's columns: real digits at these style quantiles
GRID_ROWS = 11  # the digits x styles grid: styles from the 1st to the 99th percentile
GRID_GAP = 2  # pixels between its cells (and the atlas's)
CLASS_BITS = 4  # a stored code: the class ...
STYLE_BITS = 8  # ... and each style value in this many bits over style_range
ROW_SLANT_TOLERANCE = 0.05  # "your style on every digit": stored styles this near the nearest slant tie (style_levels.py)
# What the page's model interpreter (web/static/js/runtime/net.js) runs: these layer classes (with the options
# model_json.py lists), these activations, and float32 weights stored as is or quantised. The build
# refuses a model.json with anything else (model_json.py), and net.js refuses it when it loads.
LAYER_CLASSES = ("InputLayer", "Conv2D", "Dense", "BatchNormalization", "ReLU", "Activation", "Reshape", "Flatten",
                 "Dropout", "UpSampling2D", "MaxPooling2D", "Concatenate")
ACTIVATIONS = ("linear", "relu", "sigmoid", "softmax")
WEIGHT_DTYPE_BYTES = {"float32": 4}  # a weight's dtype, and its bytes per value when stored unquantised
QUANTIZED_DTYPE_BYTES = {"uint8": 1, "uint16": 2, "float16": 2}  # tf.io.decodeWeights' quantisations
PAGE_CONSTANTS = {name: globals()[name] for name in (
    "NUM_CLASSES", "IMAGE_SIDE", "BCE_EPSILON", "PERCENTILES", "ATLAS_QUANTILES", "GRID_ROWS", "GRID_GAP",
    "CLASS_BITS", "STYLE_BITS", "ROW_SLANT_TOLERANCE", "LAYER_CLASSES", "ACTIVATIONS", "WEIGHT_DTYPE_BYTES", "QUANTIZED_DTYPE_BYTES")}
# the training stages in their order (run.json's and meta.json's "epochs" and "seconds" are keyed by
# them; each stage's seeds follow from its place), and what one epoch (or round) of each is called
STAGES = {"classifier": "classifier", "autoencoder": "auto-encoder", "refine": "refine round", "picker": "style picker",
          "realism": "realism round"}
CLASS_KEYS = frozenset(str(c) for c in range(NUM_CLASSES))
STYLE_DIMS = (1, 2)  # the page has a slider for one style value and a pad for two
# a file name the page may load: no folder, no "..", nothing a URL would read differently
SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9]+)*")
MODEL_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
ATLAS_NAME = re.compile(r"atlas[0-9]+\.png")
NEIGHBOURS_FILES = {"index": "neighbours.json", "sprite": "neighbours.png"}  # training/neighbours.py writes them
TRAINING_FILES = {"data": "training.json", "sprite": "training.png"}  # training/watched.py writes them
SHA256 = re.compile(r"[0-9a-f]{64}")
META_MAX_BYTES = 1 << 20  # meta.json is figures the page downloads, never data
MAX_SAFE_INTEGER = 2 ** 53 - 1  # the largest whole number the page's JavaScript holds exactly


def read_json(path, max_bytes=None):
    """Parse a JSON file strictly: NaN and Infinity are not JSON (the browser's JSON.parse refuses them),
    a nesting too deep to parse is an error like any other; a file over `max_bytes` is refused unread (UserError)."""
    if path.is_symlink() or not path.is_file():
        raise UserError(f"{path}: missing" + (" (a symbolic link)" if path.is_symlink() else ""))
    with open(path, "rb") as f:
        data = f.read(-1 if max_bytes is None else max_bytes + 1)
    return parse_json(data, path, max_bytes)


def parse_json(data, path, max_bytes=None):
    """read_json's parse of `path`'s bytes, read by the caller (the site build reads each file once)."""
    def no_constant(name):
        raise ValueError(f"{name} is not valid JSON")
    if max_bytes is not None and len(data) > max_bytes:
        raise UserError(f"{path}: over {max_bytes:,} bytes, more than the file may hold")
    try:
        return json.loads(data.decode("utf-8"), parse_constant=no_constant)
    except (ValueError, UnicodeDecodeError, RecursionError) as e:
        raise UserError(f"{path}: not valid JSON ({str(e)[:200] or type(e).__name__})") from None


def trained_on(folder, ds, split=False):
    """-> folder's meta.json, unless `ds` (training/pipeline/data.py) is not the data its model was trained on:
    its dataset, and its file's sha256 against meta.json's source.data_sha256 (UserError). Every
    command that measures a converted model against data checks this first. split: the command uses
    the training split itself, so its validation size must be the model's (source.validation_size)."""
    meta = read_json(Path(folder) / "meta.json")
    source = meta.get("source") if isinstance(meta, dict) else None
    if not isinstance(source, dict) or not isinstance(meta.get("dataset"), str) or "data_sha256" not in source:
        raise UserError(f"{folder}/meta.json: no dataset or source.data_sha256; not a converted model")
    if meta["dataset"] != ds.name:
        raise UserError(f"{folder} was trained on {meta['dataset']}, the data given is {ds.name}")
    if source["data_sha256"] != ds.sha256:
        raise UserError(f"{ds.source}: not the data {folder} was trained on (sha256 differs from "
                        f"meta.json's source.data_sha256)")
    if split and not is_count(source.get("validation_size")):
        raise UserError(f"{folder}/meta.json: no source.validation_size, so which images the model trained on "
                        f"is not known; convert its run again")
    if split and source["validation_size"] != len(ds.val.y):
        raise UserError(f"{folder} was trained with --validation-size {source['validation_size']}, "
                        f"not {len(ds.val.y)}: its training images are other ones")
    return meta


def is_number(v):
    """A finite number as the page reads it: an integer too large for a double is not one."""
    if not isinstance(v, (int, float)) or isinstance(v, bool):
        return False
    try:
        return math.isfinite(v)
    except OverflowError:
        return False


def is_count(v):
    return isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= MAX_SAFE_INTEGER


def _ranges_ok(ranges, dims):
    return isinstance(ranges, list) and len(ranges) == dims and all(
        isinstance(r, list) and len(r) == 2 and is_number(r[0]) and is_number(r[1]) and r[0] < r[1]
        for r in ranges)


def _table_ok(table, dims):
    """A percentile table: {"1": [k numbers], "5": [...], ...}, each dimension non-decreasing."""
    if not isinstance(table, dict):
        return False
    try:
        keys = sorted(table, key=float)
    except ValueError:
        return False
    rows = [table[k] for k in keys]
    return len(rows) >= 2 and all(0 <= float(k) <= 100 for k in keys) and all(
        isinstance(r, list) and len(r) == dims and all(is_number(v) for v in r) for r in rows) and all(
        a[d] <= b[d] for a, b in zip(rows, rows[1:]) for d in range(dims))


def _correlations_ok(tables, dims):
    return isinstance(tables, list) and len(tables) == dims and all(
        isinstance(t, dict) and t and all(isinstance(k, str) and is_number(v) for k, v in t.items())
        for t in tables)


def _check_meaning(meaning, dims, fail):
    if not isinstance(meaning, dict):
        fail("style_meaning should be an object")
    corr = meaning.get("correlations")
    if not isinstance(meaning.get("method"), str) or not isinstance(corr, dict):
        fail("style_meaning should have a method and correlations")
    if not _correlations_ok(corr.get("overall"), dims):
        fail(f"style_meaning.correlations.overall should be {dims} object(s) of trait -> number")
    per_class = corr.get("per_class")
    if not isinstance(per_class, dict) or not all(
            k in CLASS_KEYS and _correlations_ok(v, dims) for k, v in per_class.items()):
        fail(f"style_meaning.correlations.per_class should map classes 0-9 to {dims} object(s) of trait -> number")
    atlas = meaning.get("atlas", [])
    if not isinstance(atlas, list) or not all(isinstance(a, str) and ATLAS_NAME.fullmatch(a) for a in atlas):
        fail("style_meaning.atlas should list files named atlasN.png")


def _check_level_traits(table, dims, fail):
    """The decoded slant and width of each class at every stored style the page's search tries
    (training/export/style_levels.py): {"slant": 10 lists of numbers, "width": 10 of whole numbers >= 0}."""
    points = max(2, round((2 ** STYLE_BITS) ** (1 / dims))) ** dims

    def numbers(row, kinds, least):  # a whole list at once (set, sum, min): the build's fuzz test checks it often
        try:
            return isinstance(row, list) and len(row) == points and set(map(type, row)) <= kinds and \
                math.isfinite(sum(row)) and min(row) >= least
        except OverflowError:  # an integer too large for a double
            return False
    if not (isinstance(table, dict) and set(table) == {"slant", "width"} and all(
            isinstance(table[k], list) and len(table[k]) == NUM_CLASSES and all(numbers(r, *rule) for r in table[k])
            for k, rule in (("slant", ({int, float}, -math.inf)), ("width", ({int}, 0))))):
        fail(f"level_traits should hold slant and width (whole numbers): {NUM_CLASSES} lists of {points} each")


def _check_story(meta, fail):
    """The optional figures below the explorer: the run's record (training/watched.py), the baselines
    from the data alone (training/baselines.py --write) and the compression figures (compression.py --write)."""
    training = meta.get("training", {})
    if not isinstance(training, dict) or (training and "data" not in training) or not all(
            TRAINING_FILES.get(k) == v for k, v in training.items()):
        fail(f"training should name its files as {TRAINING_FILES} (data at least)")
    if "baselines" in meta:
        base = meta["baselines"]
        scores = base.get("test_bce") if isinstance(base, dict) else None
        if not (is_count(base.get("test_images") if isinstance(base, dict) else None) and base["test_images"] > 0
                and isinstance(scores, dict) and scores and all(
                    isinstance(k, str) and 0 < len(k) <= 80 and is_number(v) and v >= 0 for k, v in scores.items())):
            fail("baselines should hold test_images > 0 and test_bce: {name: finite number >= 0}")
    if "compression" not in meta:
        return
    rows = meta["compression"].get("rows") if isinstance(meta["compression"], dict) else None
    if not isinstance(rows, list) or not rows or not all(
            isinstance(r, dict) and isinstance(r.get("codec"), str) and is_number(r.get("bits_per_digit"))
            and r["bits_per_digit"] > 0 and is_number(r.get("bce"))
            and (r.get("reader_accuracy") is None or is_number(r["reader_accuracy"])) for r in rows):
        fail("compression.rows should list {codec, bits_per_digit > 0, bce, reader_accuracy} with finite numbers")


def _check_neighbours(entry, fail):
    """The index of real training images the page searches for the nearest (training/neighbours.py)."""
    if not (isinstance(entry, dict) and all(entry.get(k) == v for k, v in NEIGHBOURS_FILES.items())
            and all(is_count(entry.get(k)) and entry[k] > 0 for k in ("count", "per_class", "bytes"))
            and entry["count"] == entry["per_class"] * NUM_CLASSES and is_number(entry.get("reference_p50"))
            and isinstance(entry.get("reference_p50_per_class"), list) and len(entry["reference_p50_per_class"]) == NUM_CLASSES
            and all(is_number(v) for v in entry["reference_p50_per_class"])
            and isinstance(entry.get("sprite_sha256"), str) and SHA256.fullmatch(entry["sprite_sha256"])):
        fail(f"neighbours should name {NEIGHBOURS_FILES} with count = {NUM_CLASSES} x per_class, bytes, "
             f"reference_p50 (overall and _per_class) and sprite_sha256")


FIELDS = {"dataset": str, "class_names": list, "style_dims": int, "code_size": int,
          "style_range": list, "style_percentiles": dict,
          "style_percentiles_per_class": dict, "metrics": dict, "parameters": dict,
          "decoder_multiply_adds": int, "weights_sha256": dict}
# The optional top-level fields and the commands that write them; any other field is refused (work that
# adds a field to meta.json adds it here).
OPTIONAL_FIELDS = {
    # training.convert
    "name": str, "style_mean": list, "shipped_metrics": dict, "style_head": dict, "encoder_multiply_adds": int,
    "weight_bytes": dict, "style_meaning": dict, "quantization": str, "preview": dict, "versions": dict,
    "source": dict, "neighbours": dict,  # (neighbours also: training.neighbours)
    "level_traits": dict,  # (also: training.style_row --write)
    "training": dict,  # training.watched (and convert)
    "baselines": dict,  # training.baselines --write
    "compression": dict,  # training.compression --write
    "legibility": dict,  # training.legibility --write
    "realism": dict,  # training.realism: any object until its figures join the page's contract
}


def js_module():
    """web/static/js/contract.js: the same constants for the page."""
    lines = ["// Written by `python -m training.contract` from training/contract.py: edit them there, not here.", ""]
    lines += [f"export const {name} = {json.dumps(list(v) if isinstance(v, tuple) else v)};"
              for name, v in PAGE_CONSTANTS.items()]
    return "\n".join(lines) + "\n"


def metrics_problem(metrics):
    """What is wrong with meta.json's metrics (the figures the page shows), or None."""
    if not all(is_number(metrics.get(k)) for k in ("test_accuracy", "test_bce")):
        return "metrics.test_accuracy and metrics.test_bce should be finite numbers"
    if not all(is_number(v) for v in metrics.values()):
        return "every value in metrics should be a finite number"


def check(meta, where):
    """Raise UserError (naming `where` and the field) unless `meta` is what the page can use."""
    def fail(message):
        raise UserError(f"{where}: {message}")

    if not isinstance(meta, dict):
        fail("expected a JSON object")
    for field, kind in FIELDS.items():
        if field not in meta:
            fail(f"missing field {field!r}")
        if not isinstance(meta[field], kind) or isinstance(meta[field], bool):
            fail(f"field {field!r} should be {kind.__name__}, got {type(meta[field]).__name__}")
    dims = meta["style_dims"]
    if dims not in STYLE_DIMS:
        fail(f"style_dims should be one of {', '.join(map(str, STYLE_DIMS))}, got {dims}")
    if meta["code_size"] != NUM_CLASSES + dims:
        fail(f"code_size {meta['code_size']} does not equal {NUM_CLASSES} + style_dims ({dims})")
    names = meta["class_names"]
    if len(names) != NUM_CLASSES or not all(isinstance(n, str) and 0 < len(n) <= 40 for n in names):
        fail(f"class_names should be {NUM_CLASSES} strings of 1 to 40 characters")
    if not _ranges_ok(meta["style_range"], dims):
        fail(f"style_range should be {dims} [low, high] pair(s) of finite numbers with low < high")
    tables = meta["style_percentiles_per_class"]
    if not set(tables) <= CLASS_KEYS or not all(
            _table_ok(t, dims) for t in [meta["style_percentiles"], *tables.values()]):
        fail(f"style_percentiles(_per_class) should map percentiles to {dims} non-decreasing finite number(s) each")
    if problem := metrics_problem(meta["metrics"]):
        fail(problem)
    parameters = meta["parameters"]
    if not (is_count(parameters.get("decoder")) and parameters["decoder"] > 0
            and all(is_count(v) for v in parameters.values())):
        fail("parameters should count the decoder's parameters (and others) as whole numbers")
    if not is_count(meta["decoder_multiply_adds"]) or meta["decoder_multiply_adds"] <= 0:
        fail("decoder_multiply_adds should be a positive whole number")
    if "style_meaning" in meta:
        _check_meaning(meta["style_meaning"], dims, fail)
    if "neighbours" in meta:
        _check_neighbours(meta["neighbours"], fail)
    if "level_traits" in meta:
        _check_level_traits(meta["level_traits"], dims, fail)
    _check_story(meta, fail)
    hashes = meta["weights_sha256"]
    if not all(isinstance(v, str) and SHA256.fullmatch(v) for v in hashes.values()):
        fail("weights_sha256 should map shard files to hex SHA-256 digests")
    for field, value in meta.items():  # (after the checks above, which say more of the fields they know)
        kind = FIELDS.get(field, OPTIONAL_FIELDS.get(field))
        if kind is None:
            fail(f"field {field[:40]!r} is not one the contract lists (training/contract.py FIELDS, OPTIONAL_FIELDS)")
        if not isinstance(value, kind) or isinstance(value, bool):
            fail(f"field {field!r} should be {kind.__name__}, got {type(value).__name__}")
    return meta


if __name__ == "__main__":
    from pathlib import Path
    target = Path(__file__).resolve().parent.parent / "web" / "static" / "js" / "contract.js"
    target.write_text(js_module())
    print(f"wrote {target}")
