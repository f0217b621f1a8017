"""The HTML memo in a real headless Chromium: it renders, and hostile text stays text.

Skipped only where no Chromium is installed and CI is not set; in CI a missing browser fails.
"""

from __future__ import annotations

import datetime
import os
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import EXAMPLES

from advisor import memo as memos

pytestmark = pytest.mark.browser

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Text that would run as script, load an image, or add markup if it ever reached the page as HTML.
PWNED = "document.body.setAttribute('data-pwned','1')"
HOSTILE = {
    "version": 1,
    "name": f'<script>{PWNED}</script><img src=x onerror="{PWNED}">',
    "description": "<iframe src=javascript:alert(1)></iframe> **bold** | pipe",
    "workload": {"type": "web_app"},
    "database": {"model": "relational"},
    "datasets": [{"name": f'<svg onload="{PWNED}"></svg>', "usage": "static_assets"}],
}


@pytest.fixture(scope="module")
def browser() -> str:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but no headless browser is installed (looked for {', '.join(BROWSERS)})")
    pytest.skip("no Chromium installed (apt-get install -y chromium); CI runs this test")


def _run(browser: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / "profile"
    profile.mkdir(exist_ok=True)
    # The timeout only stops a hung browser from hanging the suite; nothing is timed.
    return subprocess.run(
        [browser, *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


class _Dom(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.in_summary = False
        self.summary_rows = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.elements.append((tag, attributes))
        if tag == "table" and attributes.get("id") == "summary-table":
            self.in_summary = True
        elif tag == "tr" and self.in_summary:
            self.summary_rows += 1

    def handle_endtag(self, tag):
        if tag == "table":
            self.in_summary = False

    def handle_data(self, data):
        self.text.append(data)


def _dom(browser: str, tmp_path: Path, html: str) -> _Dom:
    page = tmp_path / "memo.html"
    page.write_text(html, encoding="utf-8")
    done = _run(browser, tmp_path, "--dump-dom", page.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip(), "the browser produced no DOM"
    dom = _Dom()
    dom.feed(done.stdout)
    return dom


def test_memo_renders_in_chromium(browser, advisor, tmp_path):
    path = EXAMPLES / "web-shop.yaml"
    memo = memos.build(advisor.evaluate(path), advisor.pack, datetime.date(2026, 11, 27), path.name)
    dom = _dom(browser, tmp_path, memos.render_html(memo))
    tags = [tag for tag, _ in dom.elements]
    assert dom.summary_rows == len(memo.summary) + 2  # header, every area, controls
    assert tags.count("svg") == 1 and tags.count("section") >= len(memo.decisions)
    text = " ".join(dom.text)
    assert "Design memo: Web shop" in text
    for decision in memo.decisions:
        assert decision.choice.title in text

    shot = tmp_path / "memo.png"
    done = _run(
        browser,
        tmp_path,
        "--window-size=1200,1600",
        f"--screenshot={shot}",
        (tmp_path / "memo.html").as_uri(),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1200, 1600)


def test_hostile_text_stays_text_in_chromium(browser, advisor, tmp_path):
    memo = memos.build(advisor.evaluate(HOSTILE), advisor.pack, datetime.date(2026, 11, 27), "evil.yaml")
    dom = _dom(browser, tmp_path, memos.render_html(memo))
    tags = [tag for tag, _ in dom.elements]
    assert not {"script", "img", "iframe"} & set(tags)
    assert tags.count("svg") == 1  # the diagram; the data set's <svg> is text
    body = next(attributes for tag, attributes in dom.elements if tag == "body")
    assert "data-pwned" not in body
    assert not [(tag, a) for tag, attributes in dom.elements for a in attributes if a.startswith("on")]
    text = "".join(dom.text)
    assert HOSTILE["name"] in text
    assert HOSTILE["datasets"][0]["name"] in text
    assert dom.summary_rows == len(memo.summary) + 2
