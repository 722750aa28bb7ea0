"""The built site served on 127.0.0.1, and Chromium (bench/chromium.py) to open it."""
from urllib.parse import urlparse

import pytest

from bench.chromium import WEBGL_FLAGS, launch  # (tests/helpers.py put the repo root on sys.path)
from bench.site import served


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The site built from the committed models, served on an ephemeral port."""
    out = tmp_path_factory.mktemp("site") / "dist"
    with served(out) as url:
        yield {"url": url, "dist": out}


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance):
    b = launch(playwright_instance, WEBGL_FLAGS)
    yield b
    b.close()


class PageWatch:
    """A page plus everything it logged and requested, for the tests to assert on."""

    def __init__(self, page, origin):
        self.page, self.origin = page, origin
        self.errors, self.foreign = [], []
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))
        page.on("request", self._request)

    def _request(self, request):
        url = urlparse(request.url)
        if url.scheme not in ("data", "blob") and f"{url.scheme}://{url.netloc}" != self.origin:
            self.foreign.append(request.url)

    def open(self, url, ready=True):
        """-> the page, once it is ready (its first model drawn); ready=False: once its scripts ran."""
        self.page.goto(url, wait_until="load" if ready else "domcontentloaded")
        if ready:
            self.page.evaluate("window.digitMorph.ready")
        return self.page


def without_autoplay(query):
    """The page's query and hash with ?autoplay=0 added: the page's play-through on arrival would move
    the explorer under a test (test_first_screen.py opens pages with it on)."""
    return "?autoplay=0" + ("&" + query[1:] if query.startswith("?") else query)


@pytest.fixture
def open_page(browser, site):
    pages = []

    # before(page): called before the page opens (to route its requests); ready: as PageWatch.open
    def opener(query="", browser_=None, before=None, ready=True, **context_args):
        context = (browser_ or browser).new_context(**context_args)
        watch = PageWatch(context.new_page(), site["url"].rstrip("/"))
        pages.append(context)
        if before:
            before(watch.page)
        watch.open(site["url"] + without_autoplay(query), ready)
        return watch

    yield opener
    for context in pages:
        context.close()
