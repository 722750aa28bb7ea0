"""Tune a converted model with stage 5 (realism) and write a finished run that training.convert takes.

    python -m training.tune converted_model/mnist --data DATA.npz --out runs/mnist_tuned [--realism-rounds N]

Starts from the shipped weights (as the page loads them) and the preset the model was trained with, as it
is today (stage 5's settings included), restores the source run's loss curves and samples (training.json,
training.png) so the page still shows the whole training, and runs stage 5 on the decoder alone (the
encoder is kept). A stopped tuning resumes with the same command. See docs/TRAINING.md, "Stage 5".
"""
import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from training import cli, watched
from training.cli import UserError
from training.pipeline import config, runs, stages
from training.pipeline import data as data_lib
from training.contract import NUM_CLASSES, read_json, trained_on


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model", type=Path, help="a converted model folder (meta.json, encoder/, decoder/)")
    ap.add_argument("--data", required=True, help="the model's own .npz (meta.json's source.data_sha256)")
    ap.add_argument("--out", required=True, type=Path, help="run folder (created; an unfinished one is resumed)")
    ap.add_argument("--realism-rounds", type=int, help="override the preset's stage-5 rounds")
    ap.add_argument("--quiet", action="store_true", help="no progress bars")
    return ap.parse_args(argv)


def run(args):
    meta = read_json(args.model / "meta.json")
    source = meta["source"]
    if args.realism_rounds is not None and args.realism_rounds < 1:
        raise UserError(f"--realism-rounds must be at least 1, got {args.realism_rounds}")
    p = config.preset(source["preset"], realism_rounds=args.realism_rounds)
    if not p.realism_rounds:
        raise UserError(f"preset {source['preset']!r} has no stage 5: pass --realism-rounds")
    ds = data_lib.load(meta["dataset"], args.data, source["validation_size"])
    trained_on(args.model, ds, split=True)
    record = {"tuned_from": {"model": args.model.name, "weights_sha256": meta["weights_sha256"]},
              "dataset": ds.name, "data_sha256": ds.sha256 or ds.source, "validation_size": source["validation_size"],
              "preset": source["preset"], "config": json.loads(json.dumps(asdict(p))), "style_dims": meta["style_dims"],
              "seed": source["seed"]}
    runs.start_or_resume(args.out, record)

    import tensorflow as tf
    import tensorflowjs
    import tf_keras as keras

    from training import train
    from training.pipeline import adversary, encoding
    from training.pipeline import model as model_lib
    keras.utils.set_random_seed(source["seed"])
    tf.config.experimental.enable_op_determinism()
    encoder, decoder = (tensorflowjs.converters.load_keras_model(str(args.model / part / "model.json"))
                        for part in ("encoder", "decoder"))
    classifier = keras.Model(encoder.input, encoder.get_layer("cls_probs").output)
    models = model_lib.Models(classifier, encoder, decoder, None, meta["style_dims"], [l.name for l in encoder.layers])
    watched.restore(args.model, args.out)
    sample_grid = stages.SampleGrid(models, data_lib.Split(ds.train.x[:2000], ds.train.y[:2000]), args.out / "samples")
    head = encoder.predict(ds.train.x, batch_size=1000, verbose=0)
    grid = encoding.make_grid(head[:, NUM_CLASSES:], p.search_points, p.search_keep)
    curves = encoding.Curves(decoder, grid)
    codes = encoding.improve(curves, head, ds.train.x)[0]
    curves, codes, seconds = adversary.train(models, ds, p, args.out, source["seed"], codes, curves, sample_grid,
                                             0 if args.quiet else 2)
    earlier = {k: v for k, v in source["seconds"].items() if k != "total"}
    return train.finish(args.out, ds, p, models, curves, codes, meta.get("style_head"), {**earlier, "realism": seconds},
                        {**source["epochs"], "realism": p.realism_rounds},
                        {"preset": source["preset"], "style_dims": meta["style_dims"], "seed": source["seed"],
                         "tuned_from": record["tuned_from"]})


@cli.main
def main(argv=None):
    args = parse_args(argv)
    runs.keep_interrupts()
    with cli.leaving(f"run the same command again to resume {args.out} from its last finished round"), \
            cli.writing(args.out, "the run"):
        metrics = run(args)
    print(f"tuned: test BCE {metrics['test_bce']:.4f} (searched), accuracy {metrics['test_accuracy']:.4f}; "
          f"convert with: python -m training.convert {args.out} converted_model/NAME --data {args.data}")
    return 0

if __name__ == "__main__":
    sys.exit(main())
