"""Training, watched: what a run recorded while it trained, shipped small for the page.

    python -m training.watched runs/mnist converted_model/mnist   # add to an existing conversion

From the finished run the model was converted from (checked against meta.json's source): the per-epoch
samples as one sprite (training.png, SPRITE_LEVELS grey levels) and the history curves (training.json).
A run without them gets neither file. convert.py calls write(). See docs/ARCHITECTURE.md.
"""
import argparse
import csv
import json
import re
import sys
from pathlib import Path

import numpy as np

from training import cli
from training.cli import UserError
from training.pipeline import runs
from training.contract import GRID_GAP, IMAGE_SIDE

SPRITE = "training.png"
DATA = "training.json"
SPRITE_LEVELS = 16  # grey levels in the sprite: 4 bits a pixel
# stage -> (file pattern in samples/, the history file that has a row per frame)
FRAMES = {"autoencoder": re.compile(r"epoch_(\d+)\.png"), "refine": re.compile(r"refine_(\d+)\.png"),
          "realism": re.compile(r"realism_(\d+)\.png")}
FRAME_NAMES = {"autoencoder": "epoch_{:02d}.png", "refine": "refine_{:02d}.png", "realism": "realism_{:02d}.png"}
HISTORIES = ("classifier", "autoencoder", "refine", "realism")


def read_history(path):
    """A Keras CSVLogger file -> {column: [numbers or None]}; None where a cell is empty."""
    with path.open(newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        raise UserError(f"{path}: no rows")
    out = {}
    for column in rows[0]:
        values = []
        for row in rows:
            cell = (row[column] or "").strip()
            try:
                value = float(cell) if cell else None
            except ValueError:
                raise UserError(f"{path}: {column!r} holds {cell[:20]!r}, not a number") from None
            values.append(None if value is None or not np.isfinite(value) else float(f"{value:.6g}"))
        out[column] = values
    return out


def sample_frames(folder):
    """[(stage, number, path)] in training order: stage 2's epochs, then stage 3's rounds."""
    frames = []
    for stage, pattern in FRAMES.items():
        found = sorted((int(m.group(1)), p) for p in folder.glob("*.png") if (m := pattern.fullmatch(p.name)))
        frames += [(stage, n, p) for n, p in found]
    return frames


def sprite(paths):
    """The frames (greyscale PNGs of one size) stacked top to bottom -> uint8 [H, W] in SPRITE_LEVELS levels."""
    from PIL import Image
    images = [np.asarray(Image.open(p).convert("L")) for p in paths]
    if len({im.shape for im in images}) != 1:
        raise UserError(f"{paths[0].parent}: the sample images differ in size "
                        f"({sorted({im.shape for im in images})})")
    step = 255 / (SPRITE_LEVELS - 1)
    return np.rint(np.rint(np.concatenate(images) / step) * step).astype(np.uint8)


def write_png(path, grey):
    """A grey image of SPRITE_LEVELS levels as a 4-bit palette PNG (the page draws it as is)."""
    from PIL import Image
    step = 255 / (SPRITE_LEVELS - 1)
    image = Image.fromarray(np.rint(grey / step).astype(np.uint8))  # "L"; putpalette makes it "P"
    image.putpalette([round(i * step) for i in range(SPRITE_LEVELS) for _ in range(3)])
    image.save(path, "PNG", optimize=True, bits=4)


def collect(run):
    """-> (sprite uint8 [H, W] or None, the data for training.json) of a run folder; None if it has nothing."""
    run = Path(run)
    curves = {name: read_history(run / f"history_{name}.csv") for name in HISTORIES
              if (run / f"history_{name}.csv").is_file()}
    frames = sample_frames(run / "samples")
    if not curves and not frames:
        return None, None
    data = {"curves": curves, "frames": [], "sprite": None}
    image = None
    if frames:
        image = sprite([p for _, _, p in frames])
        counts = {stage: sum(s == stage for s, _, _ in frames) for stage in FRAMES}
        data["frames"] = [{"stage": s, "number": n, "of": counts[s], "source": f"samples/{p.name}"}
                          for s, n, p in frames]
        height, width = image.shape[0] // len(frames), image.shape[1]
        cells = lambda pixels: (pixels + GRID_GAP) // (IMAGE_SIDE + GRID_GAP)  # noqa: E731 (samples.tile's layout)
        data["sprite"] = {"file": SPRITE, "width": int(width), "height": int(image.shape[0]),
                          "frame_height": int(height), "rows": int(cells(height)), "cols": int(cells(width)),
                          "levels": SPRITE_LEVELS}
    return image, data


def write(run, folder):
    """Write training.png and training.json of `run` into `folder`, each whole (a temporary name, then a
    rename). -> meta.json's "training" entry or None."""
    image, data = collect(run)
    if data is None:
        return None
    entry = {"data": DATA}
    if image is not None:
        runs.write_whole(Path(folder) / SPRITE, lambda tmp: write_png(tmp, image))
        entry["sprite"] = SPRITE
    runs.write_text(Path(folder) / DATA, json.dumps(data, separators=(",", ":")) + "\n")
    return entry


def restore(model, run, skip=("realism",)):
    """Write a converted model's training.json and training.png back into `run` as the histories and sample
    frames they came from (what collect reads), so a run tuned from the model (training/tune.py) ships
    the whole story. Their values are those the page shows (6 digits, SPRITE_LEVELS grey levels). The
    stages in `skip` are left out: the tuning does them again."""
    from PIL import Image
    model, run = Path(model), Path(run)
    if not (model / DATA).is_file():
        return
    data = json.loads((model / DATA).read_text())
    for name, columns in data["curves"].items():
        if name in skip:
            continue
        rows = [dict(zip(columns, values)) for values in zip(*columns.values())]
        runs.write_csv(run / f"history_{name}.csv", [{k: "" if v is None else v for k, v in r.items()} for r in rows])
    if data.get("sprite"):
        image = np.asarray(Image.open(model / data["sprite"]["file"]).convert("L"))
        height = data["sprite"]["frame_height"]
        (run / "samples").mkdir(parents=True, exist_ok=True)
        for i, frame in enumerate(data["frames"]):
            if frame["stage"] in skip:
                continue
            name = FRAME_NAMES[frame["stage"]].format(frame["number"])
            runs.write_whole(run / "samples" / name,
                             lambda tmp, i=i: Image.fromarray(image[i * height:(i + 1) * height]).save(tmp, "PNG"))


def check_run(run, meta, model):
    """Refuse (UserError) a `run` that is not the finished run `meta` (model's meta.json) was converted
    from: what convert copied into meta.json must be what the run's metrics.json says."""
    metrics = runs.read_run(run)  # a finished run, or a UserError naming what is missing
    source = meta.get("source") if isinstance(meta, dict) else None
    if not isinstance(source, dict):
        raise UserError(f"{model}/meta.json: no source; not a model written by training.convert")
    ran = {"dataset": metrics["dataset"], "style_dims": metrics["style_dims"],
           "validation_size": metrics["sizes"]["val"],
           **{k: metrics.get(k) for k in ("preset", "seed", "epochs", "data_sha256", "seconds")}}
    says = {**source, "dataset": meta.get("dataset"), "style_dims": meta.get("style_dims")}
    differ = [key for key, value in ran.items() if says.get(key) != value]
    if differ:
        raise UserError(f"{run}: not the run {model} was converted from ({', '.join(differ)}: not as its "
                        f"meta.json's source says); pass that run")


@cli.main
def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("run", type=Path, help="the run folder the model was converted from")
    ap.add_argument("model", type=Path, help="the converted model folder (its meta.json gets a 'training' entry)")
    args = ap.parse_args(argv)
    try:
        meta = json.loads((args.model / "meta.json").read_text())
        check_run(args.run, meta, args.model)  # before anything is written
        entry = write(args.run, args.model)
    except (OSError, ValueError) as e:  # meta.json missing or not JSON, or a file not written
        raise UserError(str(e)) from None
    if entry is None:
        raise UserError(f"{args.run}: no samples/ and no history_*.csv")
    runs.write_json(args.model / "meta.json", {**meta, "training": entry})
    print(f"{args.model}: {', '.join(entry.values())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
