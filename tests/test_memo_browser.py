"""The HTML memo in a real headless Chromium: it renders, and hostile text stays text.

Skipped only where no Chromium is installed and CI is not set; in CI a missing browser fails.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import subprocess
from html import escape, unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

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


# ---- as a person reads it: phone and desktop widths, and on paper ----------------------------------

# Run in the page after layout: every word (a run of letters and digits) inside a table cell whose
# glyphs lie on more than one line was broken inside; the page must not scroll sideways either.
MEASURE = """
<script>
(() => {
  const broken = [];
  const word = /[\\p{L}\\p{N}]+/gu;
  for (const cell of document.querySelectorAll("td, th")) {
    const walk = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walk.nextNode(); node; node = walk.nextNode()) {
      for (const match of node.data.matchAll(word)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
        if (tops.size > 1) broken.push(match[0]);
      }
    }
  }
  const result = {broken, cells: document.querySelectorAll("td, th").length,
                  overflow: document.documentElement.scrollWidth - window.innerWidth, width: window.innerWidth};
  const out = parent.document.createElement("pre");
  out.id = "measured";
  out.textContent = JSON.stringify(result);
  parent.document.body.append(out);
})();
</script>
"""


def _web_shop(advisor) -> Any:
    path = EXAMPLES / "web-shop.yaml"
    return memos.build(advisor.evaluate(path), advisor.pack, datetime.date(2026, 11, 27), path.name)


def _measured(browser: str, tmp_path: Path, html: str, width: int) -> dict:
    # The memo's policy forbids scripts: the measuring copy drops it, nothing else changes.
    policy = html.index('<meta http-equiv="Content-Security-Policy"')
    html = html[:policy] + html[html.index(">", policy) + 1 :]
    # Headless Chromium keeps its window at least 500 px wide: the memo is laid out in a frame of
    # the width measured (a srcdoc frame shares the page's origin, so it can report to it).
    frame = escape(html.replace("</body>", MEASURE + "</body>"), quote=True)
    page = tmp_path / f"measure-{width}.html"
    page.write_text(
        f'<!doctype html><body style="margin:0"><iframe style="border:0;width:{width}px;height:900px" '
        f'srcdoc="{frame}"></iframe></body>',
        encoding="utf-8",
    )
    done = _run(browser, tmp_path, "--window-size=1400,1000", "--dump-dom", page.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    found = done.stdout[done.stdout.index('<pre id="measured">') + len('<pre id="measured">') :]
    return json.loads(unescape(found[: found.index("</pre>")]))


@pytest.mark.parametrize("width", [390, 1280])
def test_no_word_is_broken_inside_a_table_cell(browser, advisor, tmp_path, width):
    measured = _measured(browser, tmp_path, memos.render_html(_web_shop(advisor)), width)
    assert measured["width"] == width  # the window is the width asked for
    assert measured["cells"] > 50
    assert measured["broken"] == []
    assert measured["overflow"] <= 0  # wide tables scroll in their own box, not the page


def test_the_printed_memo_shows_every_reference_url(browser, advisor, tmp_path):
    pypdf = pytest.importorskip("pypdf") if not os.environ.get("CI") else __import__("pypdf")
    html = memos.render_html(_web_shop(advisor))
    page = tmp_path / "memo.html"
    page.write_text(html, encoding="utf-8")
    pdf = tmp_path / "memo.pdf"
    done = _run(browser, tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    reader = pypdf.PdfReader(str(pdf))
    # A URL may wrap across lines on paper: compare with every space and line break taken out.
    text = "".join("".join(p.extract_text() for p in reader.pages).split())
    urls = sorted(set(re.findall(r'href="(https?://[^"]+)"', html)))
    assert len(urls) > 10
    missing = [url for url in urls if unescape(url) not in text]
    assert missing == []
    print(f"\nweb-shop memo printed: {len(reader.pages)} pages")  # for the closing note (pytest -s)


def test_the_diagram_saved_alone_keeps_its_look(browser, advisor, tmp_path):
    html = memos.render_html(_web_shop(advisor))
    svg = html[html.index("<svg") : html.index("</svg>") + len("</svg>")]
    # Saved as a file of its own, with nothing of the page around it: its boxes are drawn in the
    # colours of their kind (not black, the SVG default), and its text in the memo's font.
    probe = """<script><![CDATA[
      const fills = [...document.querySelectorAll(".node rect")].map(r => getComputedStyle(r).fill);
      const edges = [...document.querySelectorAll("path.edge")].map(p => getComputedStyle(p).fill);
      const font = getComputedStyle(document.querySelector(".node text")).fontFamily;
      const out = document.createElementNS("http://www.w3.org/2000/svg", "desc");
      out.id = "measured";
      out.textContent = JSON.stringify({fills, edges, font});
      document.documentElement.append(out);
    ]]></script>"""
    alone = tmp_path / "diagram.svg"
    alone.write_text(svg.replace("</svg>", probe + "</svg>"), encoding="utf-8")
    done = _run(browser, tmp_path, "--dump-dom", alone.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    found = done.stdout[done.stdout.index('id="measured">') + len('id="measured">') :]
    measured = json.loads(unescape(found[: found.index("</desc>")]))
    assert len(measured["fills"]) >= 5
    assert "rgb(0, 0, 0)" not in measured["fills"]
    assert len(set(measured["fills"])) >= 3  # kinds keep their own colours
    assert set(measured["edges"]) == {"none"}  # an edge filled black would be a black wedge
    assert "system-ui" in measured["font"]
