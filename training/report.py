"""Print the figures of converted models and runs as a Markdown table (for the README).

    python -m training.report [converted_model] [runs/NAME ...]

A folder holding meta.json is a converted model; one holding metrics.json is a run; any other
folder is searched one level down for either. Reads only JSON, so it needs no TensorFlow."""
import json
import sys
from pathlib import Path

HEADER = ["model", "data", "style dims", "preset", "epochs", "test accuracy", "test BCE / pixel (shipped)",
          "parameters enc / dec", "decoder multiply-adds", "decoder weights", "training time"]


def row(name, m):
    """m: a meta.json (converted) or a metrics.json (run) as a dict. "shipped": the figure with the
    quantised weights the page loads (converted models only)."""
    source = m.get("source", m)  # meta.json keeps the run's figures under "source"
    figures = m.get("metrics", m)
    weights = (f"{m['weight_bytes']['decoder'] / 1024:.0f} KiB ({m['quantization']})" if "weight_bytes" in m
               else f"{m['parameters']['decoder'] * 4 / 1024:.0f} KiB (float32, not converted)")
    return [
        name, m["dataset"], str(m["style_dims"]), source["preset"],
        f"{source['epochs']['classifier']} + {source['epochs']['autoencoder']}",
        f"{figures['test_accuracy'] * 100:.2f}%",
        f"{figures['test_bce']:.4f}" + (f" ({m['shipped_metrics']['test_bce']:.4f})" if "shipped_metrics" in m else ""),
        f"{m['parameters']['encoder']:,} / {m['parameters']['decoder']:,}",
        f"{m['decoder_multiply_adds'] / 1e6:.1f} M", weights,
        f"{source['seconds']['classifier'] / 60:.1f} + {source['seconds']['autoencoder'] / 60:.1f} min",
    ]


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
