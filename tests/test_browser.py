"""The web chat in a real browser: ask, see the quote, follow the link to the right item."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest

from bot.web import create_app
from index.config import Config
from index.store import Store
from tests.conftest import ADGANG, EVT, LUKKET, VAGT, minutes
from tests.web_helpers import CHROMIUM, chromium, ingest_texts, running_server

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]

DEMO = Path(__file__).resolve().parents[1] / "demo" / "minutes"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


def _store(tmp_path: Path) -> tuple[Store, str]:
    """The demo minutes and their first sample question when present, else tiny minutes."""
    store = Store(tmp_path / "web.db")
    if DEMO.is_dir() and any(DEMO.iterdir()):
        from index.ingest import ingest_paths

        report = ingest_paths(store, [str(DEMO)])
        if not report.failed:
            return store, "Hvad blev besluttet om skateparken?"
    ingest_texts(store, minutes("Chefforum", "15-11-2017", [ADGANG, VAGT, LUKKET, EVT]))
    return store, "Hvem tager bagvagten i uge 29?"


def test_ask_see_quote_follow_link_to_item(tmp_path: Path) -> None:
    pytest.importorskip("index.answer")
    store, question = _store(tmp_path)
    app = create_app(store, Config(), token=None)
    ARTIFACTS.mkdir(exist_ok=True)
    with running_server(app) as base, chromium() as page:
        page.call("Page.enable")
        page.call("Page.navigate", url=base + "/")
        page.wait_for("document.readyState === 'complete' && !!document.querySelector('#ask')")

        # Type into the form and press Enter, as a person would; chat.js answers without reloading.
        page.evaluate("document.querySelector('#q').focus()")
        page.call("Input.insertText", text=question)
        for kind in ("keyDown", "keyUp"):
            page.call("Input.dispatchKeyEvent", type=kind, key="Enter", code="Enter", windowsVirtualKeyCode=13,
                      text="\r" if kind == "keyDown" else "")  # fmt: skip
        quote = page.wait_for("(document.querySelector('.bubble.answer blockquote') || {}).textContent")
        assert quote.strip()
        assert page.evaluate("location.pathname") == "/", "the answer must arrive without a page load"
        shot = page.call("Page.captureScreenshot", format="png")
        (ARTIFACTS / "answer.png").write_bytes(base64.b64decode(shot["data"]))

        href = page.evaluate("document.querySelector('.bubble.answer a.item-link').getAttribute('href')")
        match = re.fullmatch(r"/m/[\w-]+#(punkt-\d+)", href)
        assert match, href
        box = json.loads(page.evaluate(
            "(() => { const a = document.querySelector('.bubble.answer a.item-link');"
            " a.scrollIntoView({block: 'center'}); const r = a.getBoundingClientRect();"
            " return JSON.stringify({x: r.left + Math.min(20, r.width / 2), y: r.top + r.height / 2}); })()"
        ))  # fmt: skip
        for kind in ("mousePressed", "mouseReleased"):
            page.call("Input.dispatchMouseEvent", type=kind, x=box["x"], y=box["y"], button="left", clickCount=1)

        page.wait_for(f"location.pathname === {json.dumps(href.split('#')[0])} && document.readyState === 'complete'")
        assert page.evaluate("location.hash") == "#" + match.group(1)
        in_view = page.wait_for(
            f"(() => {{ const el = document.getElementById({json.dumps(match.group(1))});"
            " const r = el.getBoundingClientRect(); return r.top >= 0 && r.top < window.innerHeight; })()",
            timeout=3,
        )
        assert in_view
        assert page.evaluate("document.querySelector(':target').id") == match.group(1)
        shot = page.call("Page.captureScreenshot", format="png")
        (ARTIFACTS / "meeting.png").write_bytes(base64.b64decode(shot["data"]))
