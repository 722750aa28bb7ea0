"""The polish list (issue 15 item 8): Play says Pause while it plays, exports are black on white in
any colour scheme, the atlas is labelled and large, the phone's sticky viewer leaves headings
clear, a link can be copied, and the class menus are filled before the model arrives."""
import io

from pagetools import IDLE
from PIL import Image

PHONE = {"width": 390, "height": 844}


def test_play_names_what_a_press_does_and_keeps_its_width(open_page):
    page = open_page().page
    play = page.locator("#play")
    play.scroll_into_view_if_needed()  # (the click would scroll it there: compare in place)
    before = play.bounding_box()
    play.click()
    assert play.inner_text() == "Pause"
    assert play.bounding_box() == before
    play.click()
    assert play.inner_text() == "Play"


def download(page, button, tmp_path):
    with page.expect_download(timeout=60_000) as info:
        page.click(button)
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    return Image.open(io.BytesIO(path.read_bytes())).convert("RGBA")


def test_png_exports_are_black_on_white_in_dark_mode_too(open_page, tmp_path):
    page = open_page(color_scheme="dark").page
    page.evaluate("digitMorph.setState({ mode: 'walk', digit: 3 })")
    digit = download(page, "#export-digit", tmp_path)
    assert digit.getpixel((0, 0)) == (255, 255, 255, 255)  # a corner: paper
    assert min(p[0] for p in digit.getdata()) < 60  # and dark ink
    grid = download(page, "#export-grid", tmp_path)
    assert grid.size == (298 * 3, 328 * 3)
    assert min(p[3] for p in grid.getdata()) == 255, "no transparent gaps"
    assert grid.getpixel((28 * 3 + 3, 5)) == (255, 255, 255, 255)  # a gap between two cells
    assert grid.getpixel((0, 0))[:3] == (255, 255, 255)


def test_the_atlas_is_large_and_labelled(open_page):
    for scheme in ["light", "dark"]:
        page = open_page(color_scheme=scheme, viewport={"width": 1280, "height": 800}).page
        img = page.locator("#atlas img").first
        img.scroll_into_view_if_needed()
        assert img.bounding_box()["width"] >= 380
        assert page.locator("#atlas .q").all_inner_texts() == ["1st", "10th", "25th", "50th", "75th", "90th", "99th"]
        assert page.locator("#atlas .cls").all_inner_texts() == [str(d) for d in range(10)]
        inverted = page.evaluate("getComputedStyle(document.querySelector('#atlas img')).filter")
        assert (inverted == "invert(1)") == (scheme == "dark"), inverted


def test_on_a_phone_the_sticky_viewer_leaves_headings_clear(open_page):
    page = open_page(viewport=PHONE).page
    for heading in ["grid-title", "own-title", "meaning-title"]:
        page.evaluate("(id) => document.getElementById(id).scrollIntoView({ block: 'start' })", heading)
        page.evaluate(IDLE)
        viewer = page.locator(".viewer").bounding_box()
        title = page.locator(f"#{heading}").bounding_box()
        assert viewer["y"] + viewer["height"] <= title["y"] + 1, (heading, viewer, title)
    # while the controls are on screen the viewer still stays at the top
    page.evaluate("window.scrollTo(0, document.querySelector('.explorer').getBoundingClientRect().top + scrollY + 300)")
    assert abs(page.locator(".viewer").bounding_box()["y"]) < 1
    assert page.locator("#style-box").bounding_box()["y"] < PHONE["height"], "(the controls are on screen)"


def test_copy_link_copies_the_address_of_what_is_shown(open_page, site):
    page = open_page(permissions=["clipboard-read", "clipboard-write"]).page
    page.evaluate("digitMorph.setState({ mode: 'walk', digit: 3.5, style: [0.25] })")
    page.click("#copy-link")  # at once: the hash may not have caught up yet
    page.locator("#export-status").filter(has_text="Link copied").wait_for()
    link = page.evaluate("navigator.clipboard.readText()")
    assert link.startswith(site["url"]) and "digit=3.5" in link and "style=0.25" in link, link


def test_the_class_menus_are_filled_before_the_model_arrives(browser, site):
    context = browser.new_context()
    page = context.new_page()
    # hold the decoder's weights back: the model cannot be loaded while the menus are looked at
    held = []
    page.route("**/models/fashion/decoder/*.bin", lambda route: held.append(route))
    page.goto(site["url"] + "?model=fashion", wait_until="domcontentloaded")
    page.wait_for_timeout(500)
    assert page.evaluate("digitMorph.loading") is True
    options = page.evaluate("[...document.getElementById('to').options].map((o) => o.textContent)")
    assert options[:2] == ["T-shirt/top", "Trouser"] and len(options) == 10
    assert page.locator("#grid-title").inner_text() == "Every item × every style"
    for route in held:
        route.continue_()
    context.close()
