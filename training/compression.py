"""The code as a lossy compressor, measured against PNG, JPEG and WebP.

    python -m training.compression converted_model/mnist --data ../shared/data/mnist.npz [--reader readers/mnist] [--write]

A digit stored as the page stores a drawing (class and style levels, found by search), decoded with the
shipped weights, against Pillow's files at a ladder of qualities: bits per digit, BCE per pixel, and
how many the independent reader still reads right. --write records it in meta.json -> "compression".
See docs/ARCHITECTURE.md, "Notes by module".
"""
import argparse
import io
import json
import sys
from pathlib import Path

import numpy as np  # noqa: E402

from training.pipeline import data as data_lib  # noqa: E402
from training.pipeline import encoding, runs  # noqa: E402
from training import cli, contract  # noqa: E402
from training.cli import UserError
from training import reader as reader_lib  # noqa: E402
from training.contract import BCE_EPSILON, CLASS_BITS, IMAGE_SIDE, NUM_CLASSES, STYLE_BITS  # noqa: E402

QUALITIES = (1, 5, 10, 20, 30, 50, 75, 90)
USABLE = 0.99  # of the reconstructions read as their true class


def ours(decoder, encoder, meta, x):
    """-> (reconstructions [n, 784], bits per digit): class by the encoder, style levels by search."""
    flat = x.reshape(len(x), -1)
    classes = encoder.predict(x, batch_size=1000, verbose=0)[:, :NUM_CLASSES].argmax(1)
    levels = encoding.level_lattice(meta["style_dims"])
    styles = encoding.from_levels(levels, meta["style_range"])
    recon = np.zeros_like(flat)
    for c in np.unique(classes):
        rows = np.flatnonzero(classes == c)
        codes = np.zeros((len(levels), NUM_CLASSES + meta["style_dims"]), np.float32)
        codes[:, c], codes[:, NUM_CLASSES:] = 1, styles
        curve = decoder.predict(codes, batch_size=512, verbose=0).reshape(len(levels), -1)
        score = encoding.log_likelihoods(flat[rows], encoding.clipped_logs(curve))  # -BCE x pixels
        recon[rows] = np.clip(curve[score.argmax(1)], BCE_EPSILON, 1 - BCE_EPSILON)
    return recon, CLASS_BITS + STYLE_BITS * meta["style_dims"]


def pillow_codec(x, fmt, quality=None):
    """-> (reconstructions [n, 784], mean bits per digit) of each image saved and read back by Pillow."""
    from PIL import Image
    recon, sizes = np.zeros((len(x), IMAGE_SIDE * IMAGE_SIDE)), []
    for i, image in enumerate(np.rint(x.reshape(len(x), IMAGE_SIDE, IMAGE_SIDE) * 255).astype(np.uint8)):
        buffer = io.BytesIO()
        options = {"optimize": True} if fmt == "PNG" else {"quality": quality}
        Image.fromarray(image).save(buffer, fmt, **options)  # uint8 [h, w]: mode L
        sizes.append(buffer.tell())
        recon[i] = np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert("L"), np.float64).ravel() / 255
    return recon, 8 * float(np.mean(sizes))


def measure(decoder, encoder, reader, meta, ds):
    x, y = ds.test.x, ds.test.y
    flat = x.reshape(len(x), -1).astype(np.float64)

    def row(name, recon, bits, quality=None):
        read = reader.predict(recon.reshape(-1, IMAGE_SIDE, IMAGE_SIDE, 1).astype(np.float32),
                              batch_size=1000, verbose=0).argmax(1)
        return {"codec": name, "quality": quality, "bits_per_digit": round(bits, 1),
                "bce": round(encoding.bce(flat, recon), 4), "reader_accuracy": round(float(np.mean(read == y)), 4)}

    rows = [{**row(f"class + {STYLE_BITS}-bit style (this model)", *ours(decoder, encoder, meta, x)), "ours": True},
            row("PNG (lossless)", *pillow_codec(x, "PNG"))]
    for fmt in ("JPEG", "WebP"):
        for q in QUALITIES:
            rows.append(row(fmt, *pillow_codec(x, fmt.upper(), q), quality=q))
    for fmt in ("JPEG", "WebP"):
        usable = [r for r in rows if r["codec"] == fmt and r["reader_accuracy"] >= USABLE]
        if usable:
            min(usable, key=lambda r: r["quality"])["smallest_usable"] = True
    return rows


@cli.main
def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model", type=Path, help="a converted model folder (meta.json, decoder/, encoder/)")
    ap.add_argument("--data", required=True, help="the .npz the model was trained on")
    ap.add_argument("--reader", type=Path, default=Path("readers/mnist"))
    ap.add_argument("--write", action="store_true", help="record the result in the model's meta.json")
    args = ap.parse_args(argv)
    try:
        meta = json.loads((args.model / "meta.json").read_text())
        ds = data_lib.load(meta["dataset"], args.data, validation_size=0)  # only the test split is measured
        contract.trained_on(args.model, ds)
        reader, about = reader_lib.load(args.reader)
        if about["dataset"] != meta["dataset"]:
            raise UserError(f"{args.reader} reads {about['dataset']}, {args.model} draws {meta['dataset']}")
        import tensorflowjs
        decoder, encoder = (tensorflowjs.converters.load_keras_model(str(args.model / part / "model.json"))
                            for part in ("decoder", "encoder"))
    except (OSError, ValueError, KeyError, UserError) as e:  # OSError...: a file missing or damaged
        raise UserError(f"{args.model}: {e}") from None
    result = {"test_images": len(ds.test.x), "rows": measure(decoder, encoder, reader, meta, ds),
              "reader": {k: about[k] for k in ("test_accuracy", "seed")}, "usable": USABLE}
    if args.write:
        path = args.model / "meta.json"  # read again: another tool may have written it meanwhile
        runs.write_json(path, {**json.loads(path.read_text()), "compression": result})
    print(json.dumps({"model": str(args.model), **result}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
