"""Debian's Chromium, driven by Playwright, as every browser test launches it."""

import shutil
from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import Browser, sync_playwright

# Flags that keep Chromium quiet on a closed network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def chromium() -> Iterator[Browser]:
    """Launch the machine's Chromium; it is closed however the block ends.

    Yields:
        The browser.
    """
    executable = shutil.which("chromium")
    assert executable, "chromium is missing: run `make test`, which installs it."
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()
