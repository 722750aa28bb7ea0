"""Your style on every digit, measured: does the row carry the drawing's slant and width?

    python -m training.style_row converted_model/mnist [--data ../shared/data/mnist.npz] [--write]

--data: the first PER_CLASS test digits of each class, encoded and searched as the page does, each written in
every class by the page's rule (export/style_levels.py) and, as before it, at the same percentile of style;
prints Spearman's rho between the sources' slant (and width) and their rows' mean. --write records the table
the rule reads (meta.json -> level_traits) in a folder converted without it. See docs/RESULTS.md.
"""
import argparse
import json
import sys
from pathlib import Path

import numpy as np  # noqa: E402

from training import cli  # noqa: E402
from training import contract as meta_lib  # noqa: E402
from training.cli import UserError  # noqa: E402
from training.export import analysis, style_levels  # noqa: E402
from training.pipeline import data as data_lib  # noqa: E402
from training.pipeline import encoding, runs, samples  # noqa: E402
from training.contract import NUM_CLASSES  # noqa: E402

PER_CLASS = 20


def one_hot_codes(classes, styles):
    codes = np.zeros((len(classes), NUM_CLASSES + styles.shape[1]), np.float32)
    codes[np.arange(len(classes)), classes], codes[:, NUM_CLASSES:] = 1, styles
    return codes


def page_levels(encoder, decoder, meta, x):
    """-> (classes, stored levels [n, dims]) as the page's drawing pad finds them (search.js): the encoder's
    class; of its style head's levels and the class's level lattice, the first with the lowest BCE."""
    head = encoder.predict(x, batch_size=1000, verbose=0)
    classes = head[:, :NUM_CLASSES].argmax(1)
    levels = encoding.to_levels(head[:, NUM_CLASSES:], meta["style_range"])
    flat = x.reshape(len(x), -1)
    head_images = decoder.predict(one_hot_codes(classes, encoding.from_levels(levels, meta["style_range"])), verbose=0)
    head_score = np.array([encoding.log_likelihoods(f[None], encoding.clipped_logs(image[None]))[0, 0]
                           for f, image in zip(flat, head_images)])  # -BCE x pixels
    lattice = encoding.level_lattice(meta["style_dims"])
    styles = encoding.from_levels(lattice, meta["style_range"])
    for c in np.unique(classes):
        rows = np.flatnonzero(classes == c)
        curve = decoder.predict(one_hot_codes(np.full(len(lattice), c), styles), batch_size=512, verbose=0)
        score = encoding.log_likelihoods(flat[rows], encoding.clipped_logs(curve))  # -BCE x pixels
        wins = score.max(1) > head_score[rows]
        levels[rows[wins]] = lattice[score[wins].argmax(1)]
    return classes, levels


def percentile_row(meta, cls, style):
    """The row as the page made it before: every class at the drawing's percentile of style (codes.js styleRow)."""
    tables = samples.class_tables(meta)
    table = tables[cls]
    keys = sorted(table, key=float)
    q = np.array([float(k) for k in keys])
    unit = [np.interp(style[d], [table[k][d] for k in keys], (q - q[0]) / (q[-1] - q[0])) for d in range(len(style))]
    return samples.style_at(tables, unit)


def rows(meta, level_traits, classes, levels, source):
    """-> (before, after) codes [n * 10, code]: each source written in every class by the old rule and the
    page's; the source's own class keeps its stored style (by the old rule, held within its percentiles)."""
    styles = encoding.from_levels(levels, meta["style_range"])
    before, after = [], []
    for i, cls in enumerate(classes):
        row = encoding.from_levels(style_levels.row_levels(meta, level_traits, source["slant"][i],
                                                           source["width"][i]), meta["style_range"])
        row[cls] = styles[i]
        before.append(percentile_row(meta, cls, styles[i]))
        after.append(row)
    every = np.tile(np.arange(NUM_CLASSES), len(classes))
    return (one_hot_codes(every, np.concatenate(r).astype(np.float32)) for r in (before, after))


def first_of_each_class(y, count):
    return np.concatenate([np.flatnonzero(y == c)[:count] for c in range(NUM_CLASSES)])


def measure(encoder, decoder, meta, level_traits, x):
    """-> {"slant": {"before", "after"}, "width": {...}}: Spearman's rho between each source's trait and
    the mean of its row's."""
    source = analysis.traits(x)
    classes, levels = page_levels(encoder, decoder, meta, x)
    figures = {"slant": {}, "width": {}}
    for name, codes in zip(("before", "after"), rows(meta, level_traits, classes, levels, source)):
        row = analysis.traits(decoder.predict(codes, batch_size=500, verbose=0))
        for trait in figures:
            mean = row[trait].reshape(len(x), NUM_CLASSES).mean(1)
            figures[trait][name] = round(analysis.spearman(source[trait], mean), 3)
    return figures


@cli.main
def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model", type=Path, help="a converted model folder (meta.json, decoder/, encoder/)")
    ap.add_argument("--data", help="the .npz the model was trained on: measure the row on its test digits")
    ap.add_argument("--write", action="store_true", help="record level_traits in the model's meta.json")
    args = ap.parse_args(argv)
    if not args.data and not args.write:
        raise UserError("nothing to do: --data measures the row, --write records its table")
    try:
        meta = meta_lib.read_json(args.model / "meta.json")
        ds = None
        if args.data:
            ds = data_lib.load(meta.get("dataset"), args.data, validation_size=0)  # only the test split is used
            meta_lib.trained_on(args.model, ds)
        from training.pipeline import quiet_tensorflow  # noqa: F401  (before tensorflowjs: its start-up noise)
        import tensorflowjs
        encoder, decoder = (tensorflowjs.converters.load_keras_model(str(args.model / part / "model.json"))
                            for part in ("encoder", "decoder"))
        level_traits = meta.get("level_traits")
        if args.write or level_traits is None:
            level_traits = style_levels.table(decoder, meta)
        if args.write:  # read again: another tool may have written it meanwhile
            path = args.model / "meta.json"
            new = {**meta_lib.read_json(path), "level_traits": level_traits}
            runs.write_json(path, meta_lib.check(new, path))
    except (OSError, UserError) as e:
        raise UserError(f"{args.model}: {e}") from None
    result = {"model": str(args.model), "written": args.write}
    if ds is not None:
        picked = first_of_each_class(ds.test.y, PER_CLASS)
        result |= {"digits": len(picked), **measure(encoder, decoder, meta, level_traits, ds.test.x[picked])}
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
