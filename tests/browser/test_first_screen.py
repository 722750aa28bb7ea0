"""The first screen and the explorer as a newcomer meets them (issue 35 items 1, 2 and 3): the digit in
view whenever an explorer control is used, on three desktops and three phones; few words and a Play
in the first screen; a play-through on arrival that leaves the URL alone; no sideways panning on a
phone at any scroll position, every disclosure open, while loading too. One page per test, resized
from width to width."""
import pytest
from pagetools import IDLE

DESKTOPS = [{"width": 1280, "height": 800}, {"width": 1366, "height": 768}, {"width": 1440, "height": 900}]
PHONES = [{"width": 320, "height": 568}, {"width": 360, "height": 640}, {"width": 390, "height": 844}]
CONTROLS = ["#digit-slider", "#style-slider", "#play", "#from", "#to", "#morph-slider"]

# The words of the first screen, as the issue counts them: letter runs in visible text that is not
# aria-hidden and meets the viewport (a select: its shown option); numbers are no words.
WORDS = r"""() => {
    const meets = (r) => r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth;
    const tiny = (e) => { // (a visually hidden box; a box of display: contents has no size of its own)
        for (; e; e = e.parentElement) {
            const r = e.getBoundingClientRect();
            if (r.width <= 1 && r.height <= 1 && getComputedStyle(e).display !== 'contents') return true;
        }
        return false;
    };
    const unseen = (e) => e.closest('[aria-hidden="true"], script, style, select') || tiny(e)
        || !e.checkVisibility({ visibilityProperty: true, opacityProperty: true });
    const words = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (!n.parentElement || unseen(n.parentElement)) continue;
        for (const m of n.textContent.matchAll(/\p{L}+/gu)) {
            const range = document.createRange();
            range.setStart(n, m.index);
            range.setEnd(n, m.index + m[0].length);
            if ([...range.getClientRects()].some(meets)) words.push(m[0]);
        }
    }
    for (const s of document.querySelectorAll('select')) {
        if (!s.closest('[aria-hidden="true"]') && s.checkVisibility() && meets(s.getBoundingClientRect())) {
            words.push(...(s.selectedOptions[0]?.textContent.match(/\p{L}+/gu) ?? []));
        }
    }
    return words;
}"""
# an element's box: whether it lies wholly in the viewport
IN_VIEW = """(sel) => { const r = document.querySelector(sel).getBoundingClientRect();
    return r.top >= -0.5 && r.left >= -0.5 && r.bottom <= innerHeight + 0.5 && r.right <= innerWidth + 0.5; }"""
WIDE = "document.documentElement.scrollWidth"


def test_the_digit_stays_in_view_while_any_explorer_control_is_used(open_page):
    page = open_page(viewport=DESKTOPS[0]).page
    for viewport in DESKTOPS + PHONES:
        page.set_viewport_size(viewport)
        page.evaluate(IDLE)
        for control in CONTROLS:
            for block in ("start", "end", "nearest"):  # the control at the top, at the bottom, where focus puts it
                page.evaluate("([sel, block]) => document.querySelector(sel).scrollIntoView({ block })", [control, block])
                page.focus(control)
                assert page.evaluate(IN_VIEW, "#digit"), (viewport, control, block)
    # the 2-D style pad, on the lowest desktop
    page = open_page("?model=mnist_2style", viewport=DESKTOPS[1]).page
    for block in ("start", "end"):
        page.evaluate("(block) => document.getElementById('style-2d').scrollIntoView({ block })", block)
        page.focus("#style-2d")
        page.keyboard.press("ArrowUp")
        assert page.evaluate(IN_VIEW, "#digit"), block


def test_the_first_screen_says_little_and_shows_play(open_page):
    page = open_page(viewport=DESKTOPS[0]).page
    for viewport, most in [(v, 60) for v in DESKTOPS] + [(v, 45) for v in PHONES]:
        page.set_viewport_size(viewport)
        page.evaluate("scrollTo(0, 0)")
        page.evaluate(IDLE)
        words = page.evaluate(WORDS)
        assert len(words) <= most, (viewport, len(words), " ".join(words))
        assert page.evaluate(IN_VIEW, "#play") and page.locator("#play").is_visible(), viewport
        # the model and the backend are out of the first move's way
        assert not page.evaluate(IN_VIEW, "#model-picker") and not page.evaluate(IN_VIEW, "#backend-picker"), viewport
    tagline = page.locator(".tagline").inner_text()
    assert "probabilit" not in tagline and "decoder" not in tagline, tagline
    assert "code" in page.locator("#how").text_content() and page.locator("#how").get_attribute("open") is None


@pytest.mark.parametrize("name", ["fashion", "mnist_2style"])
def test_the_other_models_first_screens_say_little_too(open_page, name):
    """Their words differ (clothes, two style values, the pad): the smallest desktop and phone."""
    page = open_page(f"?model={name}", viewport=DESKTOPS[1]).page
    for viewport, most in [(DESKTOPS[1], 60), (PHONES[0], 45)]:
        page.set_viewport_size(viewport)
        page.evaluate("scrollTo(0, 0)")
        page.evaluate(IDLE)
        words = page.evaluate(WORDS)
        assert len(words) <= most, (viewport, len(words), " ".join(words))


def digit_over_time(page, seconds):
    """The explorer's digit and the URL's hash, every 100 ms for `seconds`."""
    return page.evaluate("""async (ms) => {
        const seen = [];
        for (const t0 = performance.now(); performance.now() - t0 < ms;) {
            seen.push([digitMorph.state.digit, location.hash]);
            await new Promise((r) => setTimeout(r, 100));
        }
        return seen;
    }""", seconds * 1000)


def test_the_page_plays_through_once_on_arrival_and_leaves_the_url_alone(browser, site):
    def arrive(url, **context):
        page = browser.new_context(viewport=DESKTOPS[0], **context).new_page()
        page.goto(url)
        page.evaluate("digitMorph.ready")
        return page

    page = arrive(site["url"])
    seen = digit_over_time(page, 6)
    digits = [d for d, _ in seen]
    assert digits.index(9) <= 52 and digits[-8:] == [9] * 8, digits  # it walked the digits, done within its time limit (and a frame)
    assert len(set(digits)) > 20 and digits == sorted(digits), digits
    assert {h for _, h in seen} == {""}, "the URL's hash is never written by it"
    page = arrive(site["url"] + "#model=fashion")  # (a hash that sets no state: it plays too)
    page.keyboard.press("Shift")  # the first input stops it
    stopped = digit_over_time(page, 1)
    assert stopped[0][0] < 9 and len({d for d, _ in stopped}) == 1, stopped
    assert stopped[-1][1] == "#model=fashion"
    # never with reduced motion, ?autoplay=0 or a link to a state
    for query, context in [("", {"reduced_motion": "reduce"}), ("?autoplay=0", {}), ("#digit=3", {})]:
        page = arrive(site["url"] + query, **context)
        assert {d for d, _ in digit_over_time(page, 1)} == {3 if "digit" in query else 0}, query
    for context in browser.contexts[1:]:
        context.close()


def test_a_phone_never_pans_sideways(open_page):
    held, released = [], []
    hold = lambda route: (route.continue_ if released else lambda: held.append(route))()  # noqa: E731
    watch = open_page(viewport=PHONES[0], ready=False, is_mobile=True, has_touch=True,
                      before=lambda page: page.route("**/models/mnist/decoder/*.bin", hold))
    page = watch.page
    page.locator(".viewer[aria-busy=true]").wait_for(state="attached")  # loading: the weights are held
    for viewport in PHONES:
        page.set_viewport_size(viewport)
        assert page.evaluate(WIDE) <= viewport["width"], ("loading", viewport)
    released.append(True)
    for route in held:
        route.continue_()
    page.evaluate("digitMorph.ready")
    page.keyboard.press("Tab")  # (fills the sections below)
    for box in ("watched", "architecture", "baselines", "squeeze"):
        page.locator(f"#{box}[data-ready]").wait_for()
    page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
    for viewport in PHONES:
        page.set_viewport_size(viewport)
        height = page.evaluate("document.documentElement.scrollHeight")
        for y in range(0, height, viewport["height"] // 2):
            page.evaluate("(y) => scrollTo(0, y)", y)
            assert page.evaluate(WIDE) <= viewport["width"], (viewport, y)
        # the cards keep a margin on both sides
        sides = page.evaluate("[...document.querySelectorAll('main > section, .explorer > section')].map((s) => [s.getBoundingClientRect().left, innerWidth - s.getBoundingClientRect().right])")
        assert min(min(s) for s in sides) >= 8, (viewport, sides)
        # every button, menu, link and slider is at least 44 x 44 px under a finger
        small = page.evaluate("""() => [...document.querySelectorAll('button, select, a[href], summary, input[type=range], [role=slider]')]
            .filter((e) => e.checkVisibility()).map((e) => [e.id || e.textContent.trim().slice(0, 20), e.getBoundingClientRect()])
            .filter(([, r]) => r.width < 44 || r.height < 44).map(([name, r]) => [name, Math.round(r.width), Math.round(r.height)])""")
        assert small == [], (viewport, small)
    for name in ("fashion", "mnist_2style"):  # the other models at one width
        page = open_page(f"?model={name}", viewport=PHONES[2], is_mobile=True, has_touch=True).page
        page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
        assert page.evaluate(WIDE) <= PHONES[2]["width"], name
