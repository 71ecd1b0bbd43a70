"""The web chat in a real browser, at a phone's width (390 px) and a laptop's (1280 px): ask, ask a
follow-up, keep the input on screen, one heading per answer, follow the link to the item's decision.

Screenshots go to tests/artifacts/ (chat-390.png, chat-1280.png, item-390.png, item-1280.png).
"""

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


def _store(tmp_path: Path) -> tuple[Store, str, str]:
    """The demo minutes with a question and a follow-up they answer, else tiny minutes."""
    store = Store(tmp_path / "web.db")
    if DEMO.is_dir() and any(DEMO.iterdir()):
        from index.ingest import ingest_paths

        report = ingest_paths(store, [str(DEMO)])
        if not report.failed:
            return store, "Hvad blev besluttet om skateparken?", "og i 2024?"
    ingest_texts(store, minutes("Chefforum", "15-11-2017", [ADGANG, VAGT, LUKKET, EVT]))
    return store, "Hvad blev besluttet om adgangskontrol?", "og i 2017?"


def _type_and_enter(page, text: str) -> None:
    page.evaluate("document.querySelector('#q').focus()")
    page.call("Input.insertText", text=text)
    for kind in ("keyDown", "keyUp"):
        page.call("Input.dispatchKeyEvent", type=kind, key="Enter", code="Enter", windowsVirtualKeyCode=13,
                  text="\r" if kind == "keyDown" else "")  # fmt: skip


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / name).write_bytes(base64.b64decode(page.call("Page.captureScreenshot", format="png")["data"]))


INPUT_IN_VIEW = (
    "(() => { const r = document.querySelector('#q').getBoundingClientRect();"
    " return r.top >= 0 && r.bottom <= window.innerHeight && r.left >= 0 && r.right <= window.innerWidth; })()"
)


@pytest.mark.parametrize("width", [390, 1280])
def test_chat_at_phone_and_laptop_width(tmp_path: Path, width: int) -> None:
    pytest.importorskip("index.answer")
    store, question, follow_up = _store(tmp_path)
    app = create_app(store, Config(), token=None)
    with running_server(app) as base, chromium(width=width, height=844 if width == 390 else 800) as page:
        page.call("Page.enable")
        page.call("Emulation.setDeviceMetricsOverride", width=width, height=844 if width == 390 else 800,
                  deviceScaleFactor=1, mobile=width < 600)  # fmt: skip
        page.call("Page.navigate", url=base + "/")
        page.wait_for("document.readyState === 'complete' && !!document.querySelector('#ask')")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "no sideways scrolling"

        _type_and_enter(page, question)
        page.wait_for("document.querySelectorAll('.bubble.answer .card-head').length === 1")
        assert page.evaluate("location.pathname") == "/", "the answer must arrive without a page load"
        _type_and_enter(page, follow_up)
        page.wait_for("document.querySelectorAll('.bubble.answer').length === 2")
        read_as = page.evaluate(
            "(document.querySelectorAll('.bubble.answer')[1].querySelector('.read-as') || {}).textContent"
        )
        assert read_as and follow_up.strip("?").split()[-1] in read_as, read_as  # "Læst som: … i 2024?"
        # One heading per answer card: forum, date and punkt are not repeated above or below it.
        for n in range(2):
            cards = page.evaluate(
                f"document.querySelectorAll('.bubble.answer')[{n}].querySelectorAll('article.hit').length"
            )
            heads = page.evaluate(
                f"document.querySelectorAll('.bubble.answer')[{n}].querySelectorAll('.card-head').length"
            )
            assert cards == heads >= 1
        page.wait_for(INPUT_IN_VIEW, timeout=3)
        _shot(page, f"chat-{width}.png")

        href = page.evaluate("document.querySelector('.bubble.answer a.item-link').getAttribute('href')")
        match = re.fullmatch(r"/m/[\w-]+#(punkt-\d+-beslutning)", href)
        assert match, href
        box = json.loads(page.evaluate(
            "(() => { const a = document.querySelector('.bubble.answer a.item-link');"
            " a.scrollIntoView({block: 'center'}); const r = a.getBoundingClientRect();"
            " return JSON.stringify({x: r.left + Math.min(20, r.width / 2), y: r.top + r.height / 2}); })()"
        ))  # fmt: skip
        assert page.evaluate(INPUT_IN_VIEW), "the input stays on screen while reading an answer"
        for kind in ("mousePressed", "mouseReleased"):
            page.call("Input.dispatchMouseEvent", type=kind, x=box["x"], y=box["y"], button="left", clickCount=1)

        page.wait_for(f"location.pathname === {json.dumps(href.split('#')[0])} && document.readyState === 'complete'")
        assert page.evaluate("location.hash") == "#" + match.group(1)
        # The decision itself is on screen, not the item's opening paragraphs.
        in_view = page.wait_for(
            f"(() => {{ const el = document.getElementById({json.dumps(match.group(1))});"
            " const r = el.getBoundingClientRect(); return el.classList.contains('decision')"
            " && r.top >= 0 && r.top < window.innerHeight / 2; })()",
            timeout=3,
        )
        assert in_view
        _shot(page, f"item-{width}.png")
