"""Quick navigations while a model loads (issue 33, item 25): the newest one wins. A hash change, a
model pick or a control set while an earlier navigation still waits for its model (the page's
first load included) ends on what the newest asked for, on the page and in the URL, however long
the model takes; and while a link waits for its model the URL keeps saying that link. The timing
is held, not slept: fashion's weights wait (page.route) until every step has run."""
import pytest

HELD = "**/models/fashion/decoder/*.bin"
# one step: ['hash', hash] or [event, element id, value] as the user sets that control; each returns
# once the page has handled it (main.js's hashchange listener runs before this one, up to its first await)
STEP = """async ([kind, id, value]) => {
    if (kind === 'hash') {
        const seen = new Promise((r) => addEventListener('hashchange', r, { once: true }));
        location.hash = id;
        await seen;
        return;
    }
    const control = document.getElementById(id);
    if (kind === 'click') return control.click();
    control.value = value;
    control.dispatchEvent(new Event(kind, { bubbles: true }));
}"""
WAIT_IDLE = """async () => {  // (not wait_for_function: it evals a string, the CSP refuses)
    await digitMorph.ready;
    const t0 = performance.now();
    while (digitMorph.loading && performance.now() - t0 < 60000) await new Promise((r) => setTimeout(r, 20));
}"""
# the URL as "Copy link" makes it: written at once (it follows the state only after a short delay)
LINK = "() => { document.getElementById('copy-link').click(); return location.hash; }"
FASHION_2 = ("hash", "#model=fashion&digit=2")


def named(value):
    """A test id for a list of steps: 'model=fashion&digit=2 > digit-slider=4'."""
    if isinstance(value, list):
        return " > ".join(s[1].lstrip("#") if s[0] == "hash" else "=".join(s[1:]) for s in value) or "none"
    return None


def hold_fashion(page):
    """Fashion's weights wait; -> release(), which lets them (and any asked for later) through."""
    held, released = [], []

    def hold(route):
        (route.continue_ if released else lambda: held.append(route))()
    page.route(HELD, hold)

    def release():
        released.append(True)
        for route in held:
            route.continue_()
    return release


def open_held(open_page, hash_):
    """A page opened on `hash_` whose first load (fashion) is held where it waits for the weights:
    past its backend's start, the model's menus shown. -> watch, release"""
    releases = []
    watch = open_page(hash_, before=lambda page: releases.append(hold_fashion(page)), ready=False)
    watch.page.evaluate("""async () => {
        const t0 = performance.now();
        while (window.digitMorph?.model?.name !== 'fashion' && performance.now() - t0 < 60000) await new Promise((r) => setTimeout(r, 20));
    }""")
    return watch, releases[0]


def run(watch, steps, release):
    """Take the steps while fashion's weights are held, then let them through; -> the URL's hash after."""
    page = watch.page
    for step in steps:
        page.evaluate(STEP, [*step, None][:3])
    assert page.evaluate("digitMorph.loading") is True  # (fashion's weights are still held)
    release()
    page.evaluate(WAIT_IDLE)
    return page.evaluate(LINK)


def check(watch, hash_, model, digit, more=""):
    page = watch.page
    assert page.evaluate("digitMorph.model.name") == model
    assert page.input_value("#model-picker") == model
    if digit is not None:
        assert page.evaluate("digitMorph.state.digit") == digit
        assert page.input_value("#digit-slider") == str(digit)
    assert hash_.startswith(f"#model={model}&mode=walk&digit={'' if digit is None else f'{digit}&'}"), hash_
    assert more in hash_, hash_
    assert page.locator("#error").is_hidden()
    assert watch.errors == []


# steps, then the model and digit the page must end on (it starts on mnist, digit 0), and what more
# the URL must say
@pytest.mark.parametrize("steps,model,digit,more", [
    # the audit's case: the first hash's load ended after the second hash and applied digit 2
    ([FASHION_2, ("hash", "#digit=7")], "fashion", 7, ""),
    ([FASHION_2, ("hash", "#model=fashion&digit=7")], "fashion", 7, ""),
    ([FASHION_2, ("hash", "#model=mnist&digit=7")], "mnist", 7, ""),
    # the model only, and back (the third: back to the model loading while another waits its turn)
    ([("hash", "#model=fashion"), ("hash", "#model=mnist")], "mnist", 0, ""),
    ([("hash", "#model=fashion"), ("hash", "#model=mnist"), ("hash", "#model=fashion&digit=5")], "fashion", 5, ""),
    # with the model picker: a hash during its switch, a pick during a hash's load
    ([("change", "model-picker", "fashion"), ("hash", "#digit=7")], "fashion", 7, ""),
    ([("change", "model-picker", "fashion"), ("hash", "#model=mnist&digit=3"), ("hash", "#model=fashion&digit=5")],
     "fashion", 5, ""),
    ([FASHION_2, ("change", "model-picker", "mnist")], "mnist", 0, ""),
    # a control set while a hash's model loads
    ([FASHION_2, ("input", "digit-slider", "4")], "fashion", 4, ""),
    ([("hash", "#model=fashion&digit=2&speed=4"), ("change", "play-speed", "2")], "fashion", 0, "&speed=2&"),
    ([("hash", "#model=fashion&digit=2&between=3"), ("change", "grid-steps", "1")], "fashion", 0, "&between=1"),
    ([("hash", "#model=fashion&digit=2&play=0"), ("click", "play")], "fashion", None, "&play=1&"),  # (it moves on)
], ids=named)
def test_the_newest_navigation_wins_whatever_the_load_timing(open_page, steps, model, digit, more):
    watch = open_page()
    check(watch, run(watch, steps, hold_fashion(watch.page)), model, digit, more)


# the same during the page's first load, opened on a link to fashion at digit 2 (a hash change then
# was not listened to, and the link's state was applied over a control the user had set)
@pytest.mark.parametrize("steps,model,digit", [
    ([("hash", "#digit=7")], "fashion", 7),
    ([("hash", "#model=mnist&digit=3")], "mnist", 3),
    ([("input", "digit-slider", "4")], "fashion", 4),
    ([("change", "model-picker", "mnist")], "mnist", 0),
    ([], "fashion", 2),
], ids=named)
def test_the_newest_navigation_wins_during_the_first_load(open_page, steps, model, digit):
    watch, release = open_held(open_page, "#model=fashion&digit=2")
    check(watch, run(watch, steps, release), model, digit)


# While a link waits for its model, the URL is the link's (a reload or a copy then reopened the
# explorer as it was before the link: the model's menus, set meanwhile, rewrote the hash)
@pytest.mark.parametrize("first_load", [True, False])
def test_the_url_says_a_link_while_it_waits_for_its_model(open_page, first_load):
    link = "#model=fashion&digit=2&style=0.25"
    if first_load:
        watch, release = open_held(open_page, link)
    else:
        watch = open_page()
        release = hold_fashion(watch.page)
        watch.page.evaluate(STEP, ["hash", link, None])
    assert watch.page.evaluate("digitMorph.loading") is True
    assert watch.page.evaluate(LINK) == link
    release()
    watch.page.evaluate(WAIT_IDLE)
    check(watch, watch.page.evaluate(LINK), "fashion", 2, "&style=0.25&")


def test_a_backend_picked_during_the_first_load_is_the_one_used(open_page):
    # (it was not listened to: the first load's move to the fast backend put 'auto' back in the menu)
    watch, release = open_held(open_page, "#model=fashion&digit=2")
    watch.page.select_option("#backend-picker", "cpu")
    release()
    watch.page.evaluate(WAIT_IDLE)
    assert watch.page.evaluate("digitMorph.backend") == "cpu"
    assert watch.page.input_value("#backend-picker") == "cpu"
    check(watch, watch.page.evaluate(LINK), "fashion", 2)
