"""Print the figures of converted models and runs as a Markdown table (for the README).

    python -m training.report [converted_model] [runs/NAME ...]

A folder holding meta.json is a converted model; one holding metrics.json is a run; any other
folder is searched one level down for either. Reads only JSON, so it needs no TensorFlow."""
import json
import sys
from pathlib import Path

from training.contract import STAGES

HEADER = ["model", "data", "style dims", "preset", "epochs (+ refine rounds + picker epochs + realism rounds)", "test accuracy",
          "test BCE / pixel (shipped)", "style head alone", "parameters enc / dec", "decoder multiply-adds",
          "decoder weights", "training time (stages)"]


def row(name, m):
    """m: a meta.json (converted) or a metrics.json (run) as a dict. "shipped": the figure with the
    quantised weights the page loads (converted models only). Test BCE is that of the searched
    codes; "style head alone" that of the style head's codes ("=" for runs made before the search)."""
    source = m.get("source", m)  # meta.json keeps the run's figures under "source"
    figures = m.get("metrics", m)
    weights = (f"{m['weight_bytes']['decoder'] / 1024:.0f} KiB ({m['quantization']})" if "weight_bytes" in m
               else f"{m['parameters']['decoder'] * 4 / 1024:.0f} KiB (float32, not converted)")
    return [
        name, m["dataset"], str(m["style_dims"]), source["preset"],
        " + ".join(str(source["epochs"][s]) for s in STAGES if source["epochs"].get(s)),
        f"{figures['test_accuracy'] * 100:.2f}%",
        f"{figures['test_bce']:.4f}" + (f" ({m['shipped_metrics']['test_bce']:.4f})" if "shipped_metrics" in m else ""),
        f"{figures['test_bce_style_head']:.4f}" if "test_bce_style_head" in figures else "=",
        f"{m['parameters']['encoder']:,} / {m['parameters']['decoder']:,}",
        f"{m['decoder_multiply_adds'] / 1e6:.1f} M", weights,
        " + ".join(_minutes(source["seconds"].get(s)) for s in STAGES if source["epochs"].get(s))
        + f" = {_minutes(source['seconds']['total'])} min",
    ]


def _minutes(seconds):
    return "?" if seconds is None else f"{seconds / 60:.1f}"  # None: a stage resumed from before its clock was kept


def find(paths):
    for path in map(Path, paths):
        for candidate in [path, *sorted(p for p in path.iterdir() if p.is_dir())] if path.is_dir() else []:
            for name in ("meta.json", "metrics.json"):
                if (candidate / name).is_file():
                    yield candidate.name, json.loads((candidate / name).read_text())
                    break


def main(argv=None):
    paths = (argv if argv is not None else sys.argv[1:]) or ["converted_model"]
    table = [HEADER, ["---"] * len(HEADER), *(row(name, m) for name, m in find(paths))]
    print("\n".join("| " + " | ".join(r) + " |" for r in table))


if __name__ == "__main__":
    main()
