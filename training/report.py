"""Print the figures of the committed models as a Markdown table (for the README).

    python -m training.report [converted_model]

Reads only meta.json files, so it needs no TensorFlow."""
import json
import sys
from pathlib import Path


def rows(folder):
    for meta_path in sorted(Path(folder).glob("*/meta.json")):
        m = json.loads(meta_path.read_text())
        s = m["source"]
        yield [
            meta_path.parent.name, m["dataset"], str(m["style_dims"]), s["preset"],
            f"{s['epochs']['classifier']} + {s['epochs']['autoencoder']}",
            f"{m['metrics']['test_accuracy'] * 100:.2f}%", f"{m['metrics']['test_bce']:.4f}",
            f"{m['parameters']['encoder']:,} / {m['parameters']['decoder']:,}",
            f"{m['decoder_multiply_adds'] / 1e6:.1f} M",
            f"{m['weight_bytes']['decoder'] / 1024:.0f} KiB ({m['quantization']})",
            f"{s['seconds']['classifier'] / 60:.1f} + {s['seconds']['autoencoder'] / 60:.1f} min",
        ]


def main(argv=None):
    folder = (argv or sys.argv[1:] or ["converted_model"])[0]
    header = ["model", "data", "style dims", "preset", "epochs", "test accuracy", "test BCE / pixel",
              "parameters enc / dec", "decoder multiply-adds", "decoder weights", "training time"]
    table = [header, ["---"] * len(header), *rows(folder)]
    print("\n".join("| " + " | ".join(r) + " |" for r in table))


if __name__ == "__main__":
    main()
