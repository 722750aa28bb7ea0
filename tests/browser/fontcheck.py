"""What the font tests check of a font the page made (issue 37), page-free: it parses (fontTools) and
passes the OpenType Sanitizer; '0'-'9' map to outlined glyphs on one baseline with 5 % em bearings;
holes stay holes and wind the other way; curves, not steps; and FreeType's rendering, made MNIST-like,
for the independent reader."""
import io
import tempfile
from pathlib import Path

import numpy as np
import ots
from fontTools.pens.boundsPen import BoundsPen
from fontTools.pens.recordingPen import RecordingPen
from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw, ImageFont
from scipy import ndimage

DIGITS = "0123456789"
RENDER_PX = 128
SHORT = 1.5 / 28  # of an em: an axis-aligned straight segment shorter than this is a pixel's step


def sanitized(otf):
    """The OpenType Sanitizer's verdict (what Chromium applies to a web font): '' when it passes."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "font.otf"
        path.write_bytes(otf)
        done = ots.sanitize(str(path), str(Path(tmp) / "out.otf"), capture_output=True)
    return "" if done.returncode == 0 else (done.stderr or done.stdout).decode(errors="replace")


def cubic(p0, p1, p2, p3, ts):
    p = np.array([p0, p1, p2, p3], float)
    return [tuple(((1 - t) ** 3) * p[0] + 3 * (1 - t) ** 2 * t * p[1] + 3 * (1 - t) * t * t * p[2] + t ** 3 * p[3]) for t in ts]


def contours(glyph_set, name):
    """-> [(polygon, segments)] per contour: the outline flattened, and each segment as (kind, start, points)
    with kind 'line' or 'curve' (a closing line where the outline does not end where it began)."""
    pen = RecordingPen()
    glyph_set[name].draw(pen)
    out, start, at, polygon, segments = [], None, None, [], []
    for op, pts in pen.value:
        if op == "moveTo":
            start = at = pts[0]
            polygon, segments = [at], []
        elif op == "lineTo":
            segments.append(("line", at, pts))
            at = pts[-1]
            polygon.append(at)
        elif op == "curveTo":
            segments.append(("curve", at, pts))
            polygon += cubic(at, *pts, np.linspace(0.125, 1, 8))
            at = pts[-1]
        elif op in ("closePath", "endPath"):
            if at != start:
                segments.append(("line", at, (start,)))
            out.append((np.array(polygon, float), segments))
        else:
            raise AssertionError(f"{name}: unexpected pen operation {op}")
    return out


def area(polygon):
    x, y = polygon[:, 0], polygon[:, 1]
    return 0.5 * float(np.sum(x * np.roll(y, -1) - np.roll(x, -1) * y))


def inside(point, polygon):
    x, y = point
    xs, ys = polygon[:, 0], polygon[:, 1]
    xj, yj = np.roll(xs, 1), np.roll(ys, 1)
    crosses = ((ys > y) != (yj > y)) & (x < (xj - xs) * (y - ys) / np.where(yj == ys, 1e-12, yj - ys) + xs)
    return bool(np.count_nonzero(crosses) % 2)


def straight(start, points, tolerance=0.5):
    """A segment whose every point lies on its chord (within `tolerance` font units)."""
    p = np.array([start, *points], float)
    chord = p[-1] - p[0]
    length = np.hypot(*chord)
    if length == 0:
        return True
    off = chord[0] * (p[:, 1] - p[0, 1]) - chord[1] * (p[:, 0] - p[0, 0])
    return bool(np.all(np.abs(off) / length <= tolerance))


def glyph_faults(font, name, em):
    """The outline faults of one glyph: no outline, holes winding as outlines do, pixel steps, too few curves."""
    found = contours(font.getGlyphSet(), name)
    if not found:
        return [f"{name}: no outline"]
    faults = []
    signs = {}
    for i, (polygon, _) in enumerate(found):
        depth = sum(inside(polygon[0], other) for j, (other, _) in enumerate(found) if j != i)
        signs.setdefault(depth % 2, set()).add(np.sign(area(polygon)))
    if len(signs.get(0, ())) > 1 or len(signs.get(1, ())) > 1 or (1 in signs and signs[0] & signs[1]):
        faults.append(f"{name}: inner and outer contours do not wind opposite ways {signs}")
    segments = [s for _, segs in found for s in segs]
    steps = [(s[1], s[2][-1]) for s in segments if straight(s[1], s[2])
             and (s[1][0] == s[2][-1][0] or s[1][1] == s[2][-1][1])
             and np.hypot(s[2][-1][0] - s[1][0], s[2][-1][1] - s[1][1]) < SHORT * em]
    if steps:
        faults.append(f"{name}: axis-aligned straight segments shorter than 1.5/28 em: {steps[:5]}")
    curves = sum(kind == "curve" and not straight(start, pts) for kind, start, pts in segments)
    if curves < len(segments) / 2:
        faults.append(f"{name}: {curves} curves of {len(segments)} segments")
    return faults


def font_faults(otf, model, icons=False):
    """Everything wrong with a font file, as lines (empty: nothing); and its TTFont. icons: Fashion-MNIST's
    ten clothing icons, where one fitted by its width (an em of ink: a shoe) may stand lower than the rest."""
    faults = []
    verdict = sanitized(otf)
    if verdict:
        faults.append(f"the OpenType Sanitizer refuses it: {verdict.strip()[:300]}")
    font = TTFont(io.BytesIO(otf))
    em = font["head"].unitsPerEm
    family = font["name"].getDebugName(1) or ""
    if model not in family or "style" not in family:
        faults.append(f"the name {family!r} does not say the model {model!r} and the style")
    cmap = font.getBestCmap()
    names = [cmap.get(ord(d)) for d in DIGITS]
    if None in names:
        return faults + [f"'0'-'9' are not all mapped: {names}"], font
    glyph_set = font.getGlyphSet()
    bounds = []
    for name in names:
        faults += glyph_faults(font, name, em)
        pen = BoundsPen(glyph_set)
        glyph_set[name].draw(pen)
        bounds.append(pen.bounds or (0, 0, 0, 0))
    advances = [font["hmtx"][n][0] for n in names]
    low = [b[1] for b in bounds]
    tops = [b[3] for b in bounds]
    if max(abs(y) for y in low) > 0.02 * em:
        faults.append(f"not on the baseline: yMin {low}")
    by_height = [t for t, b in zip(tops, bounds) if not (icons and abs(b[2] - b[0] - em) <= 0.01 * em)]
    if max(by_height) - min(by_height) > 0.03 * em or max(tops) > max(by_height):
        faults.append(f"tops more than 3 % em apart: {tops}")
    sides = [(b[0], a - b[2]) for b, a in zip(bounds, advances)]
    if any(abs(s - 0.05 * em) > 0.005 * em for pair in sides for s in pair):
        faults.append(f"side bearings not 5 % em: {sides}")
    return faults, font


def render(otf, char, size=RENDER_PX):
    """FreeType's rendering of one character, white on black, as floats in [0, 1]."""
    font = ImageFont.truetype(io.BytesIO(otf), size)
    image = Image.new("L", (size * 3, size * 2), 0)
    ImageDraw.Draw(image).text((size, size // 2), char, font=font, fill=255)
    return np.asarray(image, np.float32) / 255


def as_mnist(ink):
    """Cropped to the ink, fitted into 20 x 20 and centred by centre of mass in 28 x 28, as MNIST was made."""
    ys, xs = np.nonzero(ink > 0.05)
    crop = ink[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
    h, w = crop.shape
    scale = 20 / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    small = np.asarray(Image.fromarray(np.uint8(crop * 255)).resize(size, Image.LANCZOS), np.float32) / 255
    cy, cx = ndimage.center_of_mass(small)
    top = int(np.clip(round(14 - cy), 0, 28 - small.shape[0]))
    left = int(np.clip(round(14 - cx), 0, 28 - small.shape[1]))
    out = np.zeros((28, 28), np.float32)
    out[top:top + small.shape[0], left:left + small.shape[1]] = small
    return out


def holes(ink, level=0.5):
    """Enclosed background regions: 4-connected runs of pixels below `level` that touch no edge."""
    labels, n = ndimage.label(ink < level)
    edge = set(np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))) - {0}
    return n - len(edge)


def decoded_holes(image, level=0.5):
    """A decoded 28 x 28 image's holes at `level`, between pixel centres as the trace sees them."""
    return holes(ndimage.zoom(np.pad(image.reshape(28, 28), 1), 8, order=1), level)
