"""Chromium for the browser tests: flags, launching, and where screenshots go."""
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
BASE_FLAGS = ["--headless", "--no-sandbox", "--disable-background-networking", "--disable-component-update",
              "--disable-sync", "--no-first-run", "--disable-quic"]
WEBGL_FLAGS = ["--use-angle=swiftshader", "--enable-unsafe-swiftshader"]  # software WebGL 2
NO_WEBGL_FLAGS = ["--use-gl=swiftshader"]  # removes WebGL entirely
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def launch(playwright_instance, extra_flags):
    return playwright_instance.chromium.launch(executable_path=CHROMIUM, args=BASE_FLAGS + extra_flags)
