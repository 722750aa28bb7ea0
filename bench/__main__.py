"""Measure the page as users feel it, in headless Chromium, against native Keras on this machine.

    python -m bench [--runs 3] [--steps 300] [--model mnist] [--out bench.json] [--no-lighthouse]

For each backend the page ships, and for its own choice at full and at phone speed: the first frame and
the bytes before it, slider frames stepped on and as surprises, the 10 x 11 grid, the drawing pad; then
Lighthouse. Each figure is the median over runs with min and max, in bench.json and printed tables; exit 1
if a goal is missed. What each figure means, and the latest ones: docs/BENCH.md.
"""
import argparse
import gzip
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from bench import lighthouse
from bench.font import budgets_failed as font_budgets_failed, measure_font
from bench.phone import PHONE_CPU_RATE, budgets_failed, phone_table, worker_throttle_ratio
from bench.chromium import WEBGL_FLAGS, launch
from bench.site import served
from training import cli
from training.cli import UserError
from training.contract import STAGES

ROOT = Path(__file__).resolve().parent.parent
BACKENDS = ("webgl", "wasm", "cpu")
GRID_REPEATS = 10
# A fresh context is a new browser window, whose own UI headless Chromium builds in a renderer of its
# own just as the page loads (docs/BENCH.md); a user opens the page in a window that is already there,
# so each visit waits for the new window to settle before it navigates.
SETTLE_MS = 2000
GRID_CODES = 110
# Wait until the page has drawn one more frame for an input. (wait_for_function would evaluate a
# string, which the page's Content-Security-Policy rightly refuses.)
NEXT_FRAME = """async (n) => {
  while (digitMorph.frameLatencies().length <= n) await new Promise((r) => requestAnimationFrame(r));
}"""


def pct(values, q):
    return float(np.percentile(np.asarray(values, float), q))


def summary(values):
    """median, min and max over runs"""
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


DRAW = """async (digits) => {
  const ms = [];
  for (const d of digits) {
    const t0 = performance.now();
    await digitMorph.encodeDrawing(d, 28);
    ms.push(performance.now() - t0);
  }
  return ms;
}"""


def drawing_digits(model_dir):
    """Three real test digits from the parity files: two of one class, one of another (the first
    loads the encoder and that class's codes before anything is timed)."""
    digits = np.fromfile(model_dir / "parity" / "digits.f32", "<f4").reshape(-1, 784)
    encoded = np.fromfile(model_dir / "parity" / "encoded.f32", "<f4").reshape(len(digits), -1)
    classes = encoded[:, :10].argmax(1)
    a = int(classes[0])
    same = int(np.flatnonzero(classes == a)[1])
    other = int(np.flatnonzero(classes != a)[0])
    return [digits[i].round(4).tolist() for i in (0, other, same)]


def key_steps(page, steps, key):
    """30 warm-up steps, then `steps` measured, each a real key press (key(i) names it) that waits for
    its frame -> the measured frames' latencies (input event -> digit drawn), ms"""
    for i in range(30 + steps):
        count = len(page.evaluate("digitMorph.frameLatencies()"))
        page.keyboard.press(key(i))
        page.evaluate(NEXT_FRAME, count)
    return page.evaluate("digitMorph.frameLatencies()")[-steps:]


def measure_page(browser, url, backend, steps, digits, cpu_rate=1):
    """One cold-cache visit: first frame, bytes, frame latencies, decode times, grid times, drawings.
    backend 'auto': the page's own choice. cpu_rate: Chromium's CPU throttling (CDP
    Emulation.setCPUThrottlingRate, as Lighthouse's mobile preset), which slows the page's main
    thread but not its worker (worker_throttle_ratio says how much a worker is slowed)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": cpu_rate})
    responses = []
    page.on("response", lambda r: responses.append(r))
    page.wait_for_timeout(SETTLE_MS)
    # (no play-through on arrival: the steps below start from the page as it loaded)
    page.goto(f"{url}?autoplay=0" if backend == "auto" else f"{url}?autoplay=0&backend={backend}")
    page.evaluate("window.digitMorph.ready")
    got = page.evaluate("digitMorph.backend")
    if backend != "auto" and got != backend:
        raise RuntimeError(f"asked for backend {backend}, the page runs {got}")
    first_frame = page.evaluate("digitMorph.firstFrameMs")
    first_frame_at = page.evaluate("performance.timeOrigin + digitMorph.firstFrameMs")
    raw = zipped = first_digit = 0
    for r in responses:  # everything up to `ready` (first digit and grid drawn) counts
        body = r.body() if r.status == 200 else b""
        raw += len(body)
        z = len(gzip.compress(body, 9, mtime=0))
        zipped += z
        if r.request.timing["startTime"] < first_frame_at:  # asked for before the first live digit
            first_digit += z

    slider = page.locator("#digit-slider")
    slider.focus()
    page.keyboard.press("Home")
    ahead_before = page.evaluate("digitMorph.aheadFrames")
    # as a user steps with the keys (the fine steps, Shift+arrow): on and on, turning back after 200 steps
    latencies = key_steps(page, steps, lambda i: "Shift+ArrowRight" if (i // 200) % 2 == 0 else "Shift+ArrowLeft")
    ahead = page.evaluate("digitMorph.aheadFrames") - ahead_before
    worker = page.evaluate("digitMorph.workerTimes()")[-steps:]
    # every step a surprise (right, left, right, ...): the page's guess of the next step is never
    # right, so every frame is decoded when asked, as a jump or a drag would be
    surprises = key_steps(page, steps, lambda i: "Shift+ArrowRight" if i % 2 == 0 else "Shift+ArrowLeft")
    decodes = page.evaluate("digitMorph.decodeTimes()")[-steps:]
    surprise_worker = page.evaluate("digitMorph.workerTimes()")[-steps:]
    page.evaluate("digitMorph.drawGrid()")  # warm: the grid row's batch shape
    grids = [page.evaluate("digitMorph.drawGrid()") for _ in range(GRID_REPEATS)]
    grid = [g["ms"] for g in grids]
    _, new_class, same_class = page.evaluate(DRAW, digits)
    context.close()
    return {"first_frame_ms": first_frame, "bytes_raw": raw, "bytes_gzip": zipped, "first_digit_gzip": first_digit,
            "frame_median_ms": pct(latencies, 50), "frame_p95_ms": pct(latencies, 95),
            "frames_ahead_share": ahead / (30 + steps), "worker_median_ms": pct(worker, 50),
            "surprise_median_ms": pct(surprises, 50), "surprise_p95_ms": pct(surprises, 95),
            "surprise_worker_median_ms": pct(surprise_worker, 50),
            "decode_median_ms": pct(decodes, 50),
            "grid_median_ms": pct(grid, 50), "grid_p95_ms": pct(grid, 95),
            "grid_longest_row_ms": max(g["longestRowMs"] for g in grids),
            "draw_new_class_ms": new_class, "draw_same_class_ms": same_class}


def measure_native(model_dir, repeats=200):
    """The same decoder (the converted files, loaded back into Keras): predict on 1 and 110 codes."""
    from training.pipeline import quiet_tensorflow  # noqa: F401  (before tensorflowjs: TensorFlow's start-up noise)
    import tensorflowjs
    decoder = tensorflowjs.converters.load_keras_model(str(model_dir / "decoder" / "model.json"))
    meta = json.loads((model_dir / "meta.json").read_text())
    one = np.zeros((1, meta["code_size"]), np.float32)
    one[0, 3] = 1.0
    grid = np.repeat(one, GRID_CODES, axis=0)

    def timed(run, x, n):
        run(x)
        times = []
        for _ in range(n):
            t0 = time.perf_counter()
            run(x)
            times.append((time.perf_counter() - t0) * 1000)
        return pct(times, 50)

    def predict(x):
        return decoder.predict(x, verbose=0)

    def call(x):  # the model called directly: no per-call input pipeline, the fastest Keras path
        return decoder(x, training=False).numpy()

    return {"predict_1_ms": timed(predict, one, repeats), "predict_110_ms": timed(predict, grid, repeats // 10),
            "call_1_ms": timed(call, one, repeats), "call_110_ms": timed(call, grid, repeats // 10)}


def folder_gzip(folder):
    """What a folder's files weigh as GitHub Pages sends them (gzip -9: its text and binaries alike)."""
    return sum(len(gzip.compress(f.read_bytes(), 9, mtime=0)) for f in sorted(folder.iterdir()) if f.is_file())


def training_figures(meta):
    s = meta["source"]
    return {stage: round(s["seconds"][stage] / s["epochs"][stage], 1)
            for stage in STAGES
            if s["epochs"].get(stage) and s["seconds"].get(stage) is not None}


def table(result):
    native = result["native"]

    def ratio(r, key, n):
        browser = r[key]["median"]
        return f"{browser / native[f'predict_{n}_ms']:.2f}× / {browser / native[f'call_{n}_ms']:.2f}×"

    rows = [["backend", "frame median / p95 (decoded ahead)", "frame, every step a surprise", "decode 1 image (× Keras predict / call)",
             "grid 110 (× predict / call)", "grid's longest row", "first frame", "bytes before first frame (gzip)",
             "drawing: new class / same class"], ["---"] * 9]
    for backend, r in result["backends"].items():
        def f(key, digits=1):
            s = r[key]
            return f"{s['median']:.{digits}f} ({s['min']:.{digits}f}–{s['max']:.{digits}f})"
        rows.append([
            backend + (" (auto)" if backend == result["auto_backend"] else ""),
            f"{r['frame_median_ms']['median']:.1f} / {r['frame_p95_ms']['median']:.1f} ms ({r['frames_ahead_share']['median']:.0%})",
            f"{r['surprise_median_ms']['median']:.1f} / {r['surprise_p95_ms']['median']:.1f} ms",
            f"{f('decode_median_ms')} ms ({ratio(r, 'decode_median_ms', '1')})",
            f"{f('grid_median_ms', 0)} ms ({ratio(r, 'grid_median_ms', '110')})",
            f"{f('grid_longest_row_ms', 0)} ms",
            f"{f('first_frame_ms', 0)} ms",
            f"{r['bytes_raw']['median'] / 1024:.0f} KiB ({r['bytes_gzip']['median'] / 1024:.0f} KiB)",
            f"{r['draw_new_class_ms']['median']:.0f} / {r['draw_same_class_ms']['median']:.0f} ms",
        ])
    lines = ["| " + " | ".join(row) + " |" for row in rows]
    lines.append("")
    lines.append(f"Native Keras on the same machine: `predict` {native['predict_1_ms']:.1f} ms for 1 code, "
                 f"{native['predict_110_ms']:.1f} ms for 110; the model called directly "
                 f"{native['call_1_ms']:.1f} ms and {native['call_110_ms']:.1f} ms. Training, seconds per epoch: "
                 + ", ".join(f"{STAGES[stage]} {s}" for stage, s in result["training_s_per_epoch"].items()) + ".")
    return "\n".join(lines)


@cli.main
def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--model", default="mnist")
    ap.add_argument("--backends", default=",".join(BACKENDS))
    ap.add_argument("--out", default="bench.json")
    ap.add_argument("--no-lighthouse", dest="lighthouse", action="store_false", help="skip the Lighthouse runs")
    args = ap.parse_args(argv)
    if args.lighthouse and not lighthouse.LIGHTHOUSE.is_file():
        raise UserError(f"{lighthouse.LIGHTHOUSE}: missing; run `make bench` (it installs bench/package.json)"
                        " or pass --no-lighthouse")
    model_dir = ROOT / "converted_model" / args.model
    meta = json.loads((model_dir / "meta.json").read_text())

    from playwright.sync_api import sync_playwright
    with tempfile.TemporaryDirectory() as tmp, served(Path(tmp) / "dist") as url:
        dist = Path(tmp) / "dist"
        per_backend = {}
        encoder_gzip = folder_gzip(dist / "models" / args.model / "encoder")
        with sync_playwright() as p:
            browser = launch(p, WEBGL_FLAGS)
            context = browser.new_context()
            page = context.new_page()
            page.goto(url)
            page.evaluate("window.digitMorph.ready")
            auto = page.evaluate("digitMorph.backend")
            renderer = page.evaluate("digitMorph.webgl.renderer")
            context.close()
            for backend in args.backends.split(","):
                runs = []
                for i in range(args.runs):
                    runs.append(measure_page(browser, url, backend, args.steps, drawing_digits(model_dir)))
                    print(f"{backend} run {i + 1}: {json.dumps(runs[-1])}", file=sys.stderr, flush=True)
                per_backend[backend] = {k: summary([r[k] for r in runs]) for k in runs[0]}
            phone = {}
            for rate in (1, PHONE_CPU_RATE):  # the page's own choice of backend, side by side
                runs = [measure_page(browser, url, "auto", args.steps, drawing_digits(model_dir), rate) for _ in range(args.runs)]
                print(f"auto, cpu x{rate}: {json.dumps(runs)}", file=sys.stderr, flush=True)
                phone[f"x{rate}"] = {k: summary([r[k] for r in runs]) for k in runs[0]}
            phone["worker_throttle_ratio"] = worker_throttle_ratio(browser, PHONE_CPU_RATE)
            font = measure_font(browser, url, args.model)  # the handwriting font: its build and its code
            browser.close()
        lighthouse_result = lighthouse.run(url, args.runs) if args.lighthouse else None

    result = {"model": args.model, "runs": args.runs, "steps": args.steps, "auto_backend": auto,
              "webgl_renderer": renderer, "backends": per_backend, "phone": phone, "lighthouse": lighthouse_result,
              "native": measure_native(model_dir), "training_s_per_epoch": training_figures(meta),
              "encoder_gzip": encoder_gzip, "font": font}
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    print(table(result))
    print()
    print(phone_table(phone))
    print(f"\nThe encoder (drawing pad, reader), gzip: {encoder_gzip:,} bytes")
    print(f"The handwriting font: built in {font['build_ms']['median']:.0f} ms (median of 5; {font['build_ms']['min']:.0f}–"
          f"{font['build_ms']['max']:.0f}), its code {font['code_gzip']:,} bytes gzip")
    if lighthouse_result:
        print()
        print(lighthouse.table(lighthouse_result))
    failed = budgets_failed(result) + [f"font {line}" for line in font_budgets_failed(font)]
    for line in failed:
        print(f"BUDGET FAILED: {line}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
