"""Screenshots of what the page ships: desktop and phone, light and dark, the first load and the
explorer at both ends of every slider, for every MNIST model; the sections below it for the first.

    python -m bench.screens [--out screens] [--models mnist,mnist_2style]

Each shot opens the page at a URL hash (a link a user could share), waits until that state's digit
is drawn, and keeps the explorer's view (the digit and its code bars). The sheets, one per device,
scheme and model, are for eyes: a digit that looks wrong at a slider's end is wrong until explained.
"""
import argparse
import json
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

import build
from bench.chromium import WEBGL_FLAGS, launch
from bench.site import served
from training import cli
from training.cli import UserError

DEVICES = {"desktop": {"viewport": {"width": 1280, "height": 900}},
           "phone": {"viewport": {"width": 412, "height": 823}, "device_scale_factor": 2.625, "is_mobile": True,
                     "has_touch": True}}
SCHEMES = ("light", "dark")
MODELS = build.MODELS  # the models the site is built from


def states(style_dims):
    """(label, hash state) for both ends of every slider, the others in their middles."""
    mid = ",".join(["0.5"] * style_dims)
    shots = [("digit 0", f"mode=walk&digit=0&style={mid}"), ("digit 9", f"mode=walk&digit=9&style={mid}"),
             ("morph 1→7 t=0", f"mode=pair&from=1&to=7&t=0&style={mid}"),
             ("morph 1→7 t=0.5", f"mode=pair&from=1&to=7&t=0.5&style={mid}"),
             ("morph 1→7 t=1", f"mode=pair&from=1&to=7&t=1&style={mid}")]
    if style_dims == 1:
        shots += [(f"{d} style {s}", f"mode=walk&digit={d}&style={s}") for d in (2, 8) for s in (0, 1)]
    else:
        shots += [(f"8 style {a},{b}", f"mode=walk&digit=8&style={a},{b}") for a in (0, 1) for b in (0, 1)]
    return shots


# the digit of the state the hash set is on screen: once ready, the state is set again and its frame awaited
DRAWN = """async () => {
  await digitMorph.ready;
  const n = digitMorph.decodeTimes().length;
  digitMorph.setState(digitMorph.state);
  while (digitMorph.decodeTimes().length <= n) await new Promise((r) => requestAnimationFrame(r));
}"""


def shoot(browser, url, device, scheme, model, style_dims, out):
    files = []
    context = browser.new_context(color_scheme=scheme, **DEVICES[device])
    page = context.new_page()
    page.goto(f"{url}?autoplay=0#model={model}")  # (the page as it arrives, without its play-through)
    page.evaluate(DRAWN)
    page.wait_for_timeout(300)
    first = out / f"{device}-{scheme}-{model}-first.png"
    page.screenshot(path=first)
    files.append(("first load", first))
    for label, state in states(style_dims):
        page.goto("about:blank")
        page.goto(f"{url}?autoplay=0#model={model}&{state}")
        page.evaluate(DRAWN)
        page.wait_for_timeout(150)
        path = out / f"{device}-{scheme}-{model}-{label.replace(' ', '_').replace('→', '-').replace(',', '_')}.png"
        page.locator(".viewer").screenshot(path=path)
        files.append((label, path))
    context.close()
    return files


# the sections below the explorer; the figures (loaded as they near the viewport) by their box's id
BELOW = ("grid-box", "own-box", "font-box", "meaning-box", "#watched", "#architecture", "#baselines", "#squeeze")


def shoot_below(browser, url, device, scheme, model, out):
    """Each section below the explorer, drawn (the grid twice: classes only, 3 mixtures between)."""
    files = []
    context = browser.new_context(color_scheme=scheme, **DEVICES[device])
    page = context.new_page()
    page.goto(f"{url}#model={model}")
    page.evaluate(DRAWN)

    def take(label, section):
        section.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        path = out / f"{device}-{scheme}-{model}-below-{label.replace(' ', '_')}.png"
        section.screenshot(path=path)
        files.append((label, path))

    for name in BELOW:
        section = page.locator(f"section:has(> {name})" if name.startswith("#") else f"section.{name}")
        for _ in range(3):  # (a section above that fills meanwhile can push it out of view again)
            section.scroll_into_view_if_needed()
            if not name.startswith("#") or page.locator(f"{name}[data-ready='{model}']").count():
                break
            page.wait_for_timeout(2000)
        if name == "font-box":  # its glyphs built (the status names the font)
            page.locator("#font-status").filter(has_text="“").wait_for(timeout=60_000)
        take(name.strip("#"), section)
        if name == "grid-box":
            page.select_option("#grid-steps", "3")
            page.locator(f"#grid8-wrap[data-drawn='{model}:3'][aria-busy='false']").wait_for(timeout=60_000)
            take("grid 3 between", section)
            page.select_option("#grid-steps", "0")
    context.close()
    return files


def sheet(shots, path, width=360, across=True, label_height=20):
    """The shots (label, a file or an image), each scaled to `width` px wide under its label, side by
    side (across) or one above the other."""
    images = [(label, (shot if isinstance(shot, Image.Image) else Image.open(shot)).convert("RGB")) for label, shot in shots]
    scaled = [(label, im.resize((width, max(1, round(im.height * width / im.width))))) for label, im in images]
    heights = [im.height + label_height for _, im in scaled]
    size = (width * len(scaled), max(heights)) if across else (width, sum(heights))
    canvas = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(canvas)
    font = ImageFont.load_default(size=label_height - 10)
    for i, (label, im) in enumerate(scaled):
        x, y = (i * width, 0) if across else (0, sum(heights[:i]))
        canvas.paste(im, (x, y + label_height))
        draw.text((x + 4, y + 4), label, fill="black", font=font)
    canvas.save(path)


@cli.main
def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="screens")
    ap.add_argument("--models", default="mnist,mnist_2style")
    args = ap.parse_args(argv)
    missing = [m for m in args.models.split(",") if not (MODELS / m / "meta.json").is_file()]
    if missing:
        raise UserError(f"no model {missing[0]!r} in {MODELS} (see --models)")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright
    with tempfile.TemporaryDirectory() as tmp, served(Path(tmp) / "dist") as url:
        dist = Path(tmp) / "dist"
        with sync_playwright() as p:
            browser = launch(p, WEBGL_FLAGS)
            for model in args.models.split(","):
                meta = json.loads((dist / "models" / model / "meta.json").read_text())
                for device in DEVICES:
                    for scheme in SCHEMES:
                        files = shoot(browser, url, device, scheme, model, meta["style_dims"], out)
                        sheet(files, out / f"sheet-{device}-{scheme}-{model}.png")
                        print(out / f"sheet-{device}-{scheme}-{model}.png", file=sys.stderr)
                        if model == args.models.split(",")[0]:  # the sections below, for the first model
                            sheet(shoot_below(browser, url, device, scheme, model, out),
                                  out / f"sheet-{device}-{scheme}-{model}-below.png")
                            print(out / f"sheet-{device}-{scheme}-{model}-below.png", file=sys.stderr)
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
