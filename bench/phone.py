"""The page as a phone runs it, and the goals of issue 17 that `make bench` checks on every run."""

PHONE_CPU_RATE = 4  # Lighthouse's mobile preset slows the CPU 4x
# The goals of issue 17, checked on every run: (what, the figure, the bound, "max" or "min")
BUDGETS = [
    ("bytes before the first live digit, gzip (auto backend)", lambda r: r["phone"]["x1"]["first_digit_gzip"]["median"], 300 * 1000, "max"),
    ("frame p95 at CPU x4, the worker's part x4 too (ms)", lambda r: phone_estimate(r["phone"], "frame_p95_ms", "worker_median_ms"), 16, "max"),
    ("grid at CPU x4, the worker's part x4 too (ms)", lambda r: phone_estimate(r["phone"], "grid_median_ms", "grid_median_ms"), 800, "max"),
    ("drawing pad, new class, at CPU x4, the worker's part x4 too (ms)", lambda r: phone_estimate(r["phone"], "draw_new_class_ms", "draw_new_class_ms"), 1500, "max"),
    ("the encoder's download, gzip (drawing pad, reader)", lambda r: r.get("encoder_gzip"), 300 * 1000, "max"),
    ("desktop frame p95 (ms, auto)", lambda r: r["phone"]["x1"]["frame_p95_ms"]["median"], 7, "max"),
    ("desktop first frame (ms, auto)", lambda r: r["phone"]["x1"]["first_frame_ms"]["median"], 450, "max"),
    ("Lighthouse Performance", lambda r: r["lighthouse"] and r["lighthouse"]["performance"]["median"], 95, "min"),
    ("Lighthouse Accessibility", lambda r: r["lighthouse"] and r["lighthouse"]["accessibility"]["median"], 100, "min"),
    ("Lighthouse Best Practices", lambda r: r["lighthouse"] and r["lighthouse"]["best-practices"]["median"], 100, "min"),
    ("Lighthouse SEO", lambda r: r["lighthouse"] and r["lighthouse"]["seo"]["median"], 100, "min"),
    ("Lighthouse LCP (ms)", lambda r: r["lighthouse"] and r["lighthouse"]["lcp_ms"]["median"], 2500, "max"),
    ("Lighthouse TBT (ms)", lambda r: r["lighthouse"] and r["lighthouse"]["tbt_ms"]["median"], 200, "max"),
    ("Lighthouse CLS", lambda r: r["lighthouse"] and r["lighthouse"]["cls"]["median"], 0.01, "max"),
]


def phone_estimate(phone, key, worker_key):
    """A phone whose every core is 4x slower: Chromium's throttling slows the page's main thread but
    not its worker, so to the throttled figure add what the worker spent unthrottled (worker_key),
    (4 - r) / r more times, r being how much the throttling did slow a worker. The worker's part of a
    frame is timed by the worker itself, from the request's arrival (a wait for the decode ahead
    still running included) to the digit drawn; of the grid and the drawing pad, the whole
    unthrottled figure stands for it (an overestimate)."""
    slowed = phone[f"x{PHONE_CPU_RATE}"][key]["median"]
    extra = (PHONE_CPU_RATE - phone["worker_throttle_ratio"]) / phone["worker_throttle_ratio"]
    return slowed + max(0.0, extra) * phone["x1"][worker_key]["median"]


def budgets_failed(result):
    failed = []
    for what, figure, bound, kind in BUDGETS:
        value = figure(result)
        if value is None:  # (Lighthouse skipped)
            continue
        if (kind == "max" and value > bound) or (kind == "min" and value < bound):
            failed.append(f"{what}: {value:g} ({'≤' if kind == 'max' else '≥'} {bound:g} wanted)")
    return failed


WORKER_LOOP = """() => new Promise((resolve) => {
  const src = 'onmessage = () => { const t0 = performance.now(); let x = 0; for (let i = 0; i < 2e7; i++) x += Math.sqrt(i); postMessage(performance.now() - t0); };';
  const w = new Worker(URL.createObjectURL(new Blob([src])));
  w.onmessage = (e) => { w.terminate(); resolve(e.data); };
  w.postMessage(0);
})"""


def worker_throttle_ratio(browser, rate):
    """How much Chromium's CPU throttling slows a dedicated worker (1.0: not at all), from the same
    busy loop in a worker with and without it (a blank page: the site's CSP refuses blob workers)."""
    times = {}
    for r in (1, rate, 1, rate):
        context = browser.new_context()
        page = context.new_page()
        context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": r})
        page.set_content("<p>worker check</p>")
        times.setdefault(r, []).append(page.evaluate(WORKER_LOOP))
        context.close()
    return round(min(times[rate]) / min(times[1]), 2)


def phone_table(phone):
    rate = PHONE_CPU_RATE
    rows = [["the page's own backend", "first live digit (bytes gzip)", "first frame", "frame median / p95 (decoded ahead)",
             "frame, every step a surprise", "grid 110", "drawing: new class"], ["---"] * 7]
    for key, label in (("x1", "this machine"), (f"x{rate}", f"CPU x{rate} (main thread; the worker is not slowed)")):
        r = phone[key]
        rows.append([label, f"{r['first_digit_gzip']['median'] / 1000:.0f} KB", f"{r['first_frame_ms']['median']:.0f} ms",
                     f"{r['frame_median_ms']['median']:.1f} / {r['frame_p95_ms']['median']:.1f} ms ({r['frames_ahead_share']['median']:.0%})",
                     f"{r['surprise_median_ms']['median']:.1f} / {r['surprise_p95_ms']['median']:.1f} ms",
                     f"{r['grid_median_ms']['median']:.0f} ms", f"{r['draw_new_class_ms']['median']:.0f} ms"])
    rows.append([f"CPU x{rate}, the worker's part x{rate} too (estimate)", "", "",
                 f"– / {phone_estimate(phone, 'frame_p95_ms', 'worker_median_ms'):.1f} ms",
                 f"– / {phone_estimate(phone, 'surprise_p95_ms', 'surprise_worker_median_ms'):.1f} ms",
                 f"{phone_estimate(phone, 'grid_median_ms', 'grid_median_ms'):.0f} ms",
                 f"{phone_estimate(phone, 'draw_new_class_ms', 'draw_new_class_ms'):.0f} ms"])
    lines = ["| " + " | ".join(r) + " |" for r in rows]
    lines.append("")
    lines.append(f"Chromium's throttling slowed a worker's busy loop by ×{phone['worker_throttle_ratio']} "
                 f"(the page's main thread: ×{rate}).")
    return "\n".join(lines)
