"""The realism figures of converted models as Markdown (docs/realism/today.md).

    python -m training.realism_table [converted_model] > docs/realism/today.md

Reads each model's meta.json -> realism, written by python -m training.realism ... --write; JSON only."""
import sys

from training.report import find

SETS = (("grid", "grid"), ("in_betweens", "in-betweens"), ("pad", "pad"))
HEADER = ["model", "real digits (floor FD of n vs n)", *(f"{label} FD (floor)" for _, label in SETS),
          "grey share median: grid / in-betweens / pad (real)", "faint ghosts: grid / in-betweens / pad (real)",
          "snap max / median (worst morph)", "detour mean / max"]


def _sets(r, figure, fmt):
    return " / ".join(fmt.format(r[name][figure]) if name in r else "–" for name, _ in SETS)


def row(name, r):
    ref = r["reference"]
    return [name, f"{ref['size']:,} ({ref['floor']:.1f})",
            *(f"{r[key]['fd']:.1f} ({r[key]['floor']:.1f}, n = {r[key]['size']})" if key in r else "–" for key, _ in SETS),
            f"{_sets(r, 'grey_median', '{:.3f}')} ({ref['grey_median']:.3f})",
            f"{_sets(r, 'ghosts', '{:.1%}')} ({ref['ghosts']:.1%})",
            f"{r['snap']['max']:.2f} / {r['snap']['median']:.2f} ({r['snap']['worst'][0]})",
            f"{r['detour']['mean']:.3f} / {r['detour']['max']:.3f}"]


def main(argv=None):
    models = [(name, m["realism"]) for name, m in find((argv if argv is not None else sys.argv[1:]) or ["converted_model"])
              if "realism" in m]
    lines = ["# Realism of the committed models", "",
             "Written by `python -m training.realism_table converted_model > docs/realism/today.md` from each model's",
             "`meta.json` → `realism`, measured by `python -m training.realism converted_model/NAME --data DATA --split SPLIT",
             "--write` with the reader of the model's dataset (`readers/`). FD: Fréchet distance of the reader's last hidden",
             "features to the split's reference digits; its floor: as many other real digits of the split. Goals (issue 36,",
             "MNIST): grey share median ≤ 0.45 on grid and in-betweens (Fashion-MNIST: its real median + 0.1), faint ghosts",
             "< 2 %, snap ≤ 2.5 on every morph and median ≤ 2; FD and detour: against these figures. The test split's",
             "10,000 digits give 5,000 reference and 5,000 others; the validation split's 5,000 are cut in two halves of",
             "2,500, so its figures compare with other validation figures only. Contact sheets: `--sheet DIR`",
             "(docs/realism/before/: grid, pad corners, the morphs at t = 0.5)."]
    for split in ("test", "validation"):
        rows = [row(name, r[split]) for name, r in models if split in r]
        if rows:
            lines += ["", f"## {split} split", "", *("| " + " | ".join(r) + " |" for r in [HEADER, ["---"] * len(HEADER), *rows])]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
