"""fontcheck.py's checks can fail (no browser): fonts built here with fontTools, one sound and one with
each fault the page's fonts must not have, are told apart."""
import io

import pytest
from fontcheck import DIGITS, font_faults, holes, render
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.t2CharStringPen import T2CharStringPen

NAMES = [".notdef"] + [f"d{d}" for d in DIGITS]


def ring(pen, cx, cy, r, clockwise=False):
    """A circle of four curves, counter-clockwise (an outline) unless clockwise (a hole)."""
    k = 0.5523 * r
    points = [(cx + r, cy), (cx, cy + r), (cx - r, cy), (cx, cy - r)]
    if clockwise:
        points = points[::-1]
    pen.moveTo(points[0])
    for i, (x, y) in enumerate(points):
        nx, ny = points[(i + 1) % 4]
        tx, ty = (-(y - cy), x - cx) if not clockwise else (y - cy, -(x - cx))
        ntx, nty = (-(ny - cy), nx - cx) if not clockwise else (ny - cy, -(nx - cx))
        pen.curveTo((x + tx * k / r, y + ty * k / r), (nx - ntx * k / r, ny - nty * k / r), (nx, ny))
    pen.closePath()


def font(draw=None, family="Digit Morph mnist style 0.50"):
    """An OpenType (CFF) font of ten zeros, 700 tall between bearings of 50; draw(pen) replaces the 7."""
    charstrings = {".notdef": T2CharStringPen(500, None).getCharString()}
    for name in NAMES[1:]:
        pen = T2CharStringPen(800, None)
        if name == "d7" and draw:
            draw(pen)
        else:
            ring(pen, 400, 350, 350)
            ring(pen, 400, 350, 200, clockwise=True)
        charstrings[name] = pen.getCharString()
    fb = FontBuilder(1000, isTTF=False)
    fb.setupGlyphOrder(NAMES)
    fb.setupCharacterMap({ord(d): f"d{d}" for d in DIGITS})
    fb.setupCFF("Test", {"FullName": family}, charstrings, {})
    fb.setupHorizontalMetrics({n: (500 if n == ".notdef" else 800, 0 if n == ".notdef" else 50) for n in NAMES})
    fb.setupHorizontalHeader(ascent=800, descent=-200)
    fb.setupNameTable({"familyName": family, "styleName": "Regular"})
    fb.setupOS2(sTypoAscender=800, sTypoDescender=-200, usWinAscent=800, usWinDescent=200)
    fb.setupPost()
    out = io.BytesIO()
    fb.save(out)
    return out.getvalue()


def same_way_hole(pen):
    ring(pen, 400, 350, 350)
    ring(pen, 400, 350, 200)


def steps(pen):  # a square of short straight steps, as pixels trace without curves
    pen.moveTo((50, 0))
    for x, y in [(750, 0), (750, 700), (700, 700), (700, 650), (50, 650)]:
        pen.lineTo((x, y))
    pen.closePath()


def low(pen):
    ring(pen, 400, 400, 300)


def short(pen):
    ring(pen, 400, 300, 300)


@pytest.mark.parametrize("draw, fault", [
    (same_way_hole, "do not wind opposite ways"), (steps, "shorter than 1.5/28 em"), (steps, "curves of"),
    (low, "not on the baseline"), (short, "tops more than 3 % em apart"), (short, "side bearings"),
])
def test_each_fault_is_found(draw, fault):
    assert font_faults(font(), "mnist")[0] == []
    faults = font_faults(font(draw), "mnist")[0]
    assert any(fault in f for f in faults), faults


def test_a_nameless_font_and_a_hole_that_rendering_fills_are_found():
    assert any("does not say the model" in f for f in font_faults(font(family="Some Font"), "mnist")[0])
    sound = font()
    assert holes(render(sound, "0")) == 1
    assert holes(render(font(same_way_hole), "7")) == 0  # (FreeType fills a hole that winds as its outline)
