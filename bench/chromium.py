"""Debian's Chromium driven by Playwright, for the browser tests and the benchmark.

Playwright never downloads a browser here: it drives /usr/bin/chromium. Headless Chromium has no
GPU, so WebGL runs on SwiftShader (a software renderer) — or, with NO_WEBGL_FLAGS, not at all."""

CHROMIUM = "/usr/bin/chromium"
BASE_FLAGS = ["--headless", "--no-sandbox", "--disable-background-networking", "--disable-component-update",
              "--disable-sync", "--no-first-run", "--disable-quic"]
WEBGL_FLAGS = ["--use-angle=swiftshader", "--enable-unsafe-swiftshader"]  # software WebGL 2
NO_WEBGL_FLAGS = ["--use-gl=swiftshader"]  # removes WebGL entirely...
# ...unless --enable-unsafe-swiftshader is there, which Playwright's launch() adds by itself
PLAYWRIGHT_ADDS = ["--enable-unsafe-swiftshader"]


def launch(playwright_instance, extra_flags):
    """Chromium with exactly BASE_FLAGS + extra_flags (Playwright's own extra flag removed)."""
    return playwright_instance.chromium.launch(executable_path=CHROMIUM, args=BASE_FLAGS + extra_flags,
                                               ignore_default_args=PLAYWRIGHT_ADDS)
