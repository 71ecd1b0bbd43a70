"""The web: every route, escaping, access by forum, closed items, the listen rule and the token."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.render.html import TEMPLATES, local_url, paragraphs, safe_href
from bot.texts import TOO_LONG
from bot.web import COOKIE, check_listen, create_app, is_loopback, mount_bots, serve
from bot.web_pages import CHAT_COOKIE
from index.access import Access
from index.config import Config
from index.model import DECISION, Answer, CaseRef, Hit, ItemRef, MeetingRef, Quote
from index.store import Store
from tests.conftest import ADGANG, EVT, LUKKET, VAGT, minutes
from tests.web_helpers import ingest_texts

CFG_URL = "http://referent.test"
CF_ID = "chefforum-2017-11-15"
OEU_ID = "oekonomiudvalget-2018-01-10"

BUDGET = """Punkt 1: Budgetopfølgning på anlæg

00.30.14-S00-1-18

Sagsfremstilling

Anlægsbudgettet viser et mindreforbrug på 2,1 mio. kr. på vejområdet.

Beslutning

Økonomiudvalget godkendte budgetopfølgningen på anlæg."""

HOSTILE = """Punkt 5: Kantineordning <script>alert('titel')</script>

00.15.00-A00-9-17

Sagsfremstilling

Kantinen <img src=x onerror=alert(1)> skal have ny forpagter.

Beslutning

Chefforum besluttede at kantineordningen <script>alert('beslutning')</script> fortsætter."""


TOKEN = "hemmelig-token-af-mindst-32-tegn-ok"


def cfg(**kw) -> Config:
    return Config(public_url=CFG_URL, **kw)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "web.db")
    ingest_texts(
        s,
        minutes("Chefforum", "15-11-2017", [ADGANG, VAGT, LUKKET, EVT, HOSTILE],
                header="Mødedeltagere Anne Holm, Bo Berg (Fravær)"),
        minutes("Økonomiudvalget", "10-01-2018", [BUDGET]),
    )  # fmt: skip
    yield s
    s.close()


@pytest.fixture
def client(store: Store) -> TestClient:
    """The real answer engine (skipped until index.answer exists)."""
    pytest.importorskip("index.answer")
    return TestClient(create_app(store, cfg(), token=None))


def fake_hit(forum: str = "Chefforum", mid: str = CF_ID, **quote: str) -> Hit:
    url = f"{CFG_URL}/m/{mid}"
    return Hit(
        meeting=MeetingRef(id=mid, forum=forum, date="2017-11-15", title=f"Referat {forum} 15-11-2017", url=url),
        item=ItemRef(number=1, title="Ny adgangskontrol på Rådhuset", case_number="00.01.00-A00-41-17",
                     url=f"{url}#punkt-1-beslutning"),  # fmt: skip
        quotes=[Quote(section=quote.get("section", "Beslutning"), kind=DECISION, text=quote.get("text",
                "Chefforum besluttede at der benyttes ID-kort i forbindelse med implementering af ny adgangskontrol."))],
        case_history=[CaseRef(meeting_id=OEU_ID, date="2018-01-10", forum="Økonomiudvalget", item_number=1,
                              title="Budgetopfølgning på anlæg", url=f"{CFG_URL}/m/{OEU_ID}#punkt-1-beslutning",
                              decision="Økonomiudvalget godkendte budgetopfølgningen på anlæg.")],
    )  # fmt: skip


class FakeAnswerer:
    """Answers every question with a real quote from the tiny minutes; records what it was asked."""

    def __init__(self, hits: list[Hit] | None = None) -> None:
        self.calls: list[tuple[str, Access | None]] = []
        self.hits = hits if hits is not None else [fake_hit()]

    def __call__(self, question: str, fora: Access | None) -> Answer:
        self.calls.append((question, fora))
        return Answer(question=question, no_answer=False, message="Beslutningen står i Chefforum.", answers=self.hits)


# ---- pages ---------------------------------------------------------------------------------


def test_chat_page_without_question_has_form_and_examples(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200
    assert '<html lang="da">' in r.text
    assert re.search(r'<form id="ask" class="ask" method="get" action="/"', r.text)
    assert 'name="q"' in r.text and "Spørg" in r.text
    examples = re.findall(r'<a class="example" href="/\?q=([^"]+)"', r.text)
    assert examples and "Kantineordning" not in r.text.split("examples")[0]
    assert '<script src="/static/chat.js" defer></script>' in r.text


def test_chat_answers_server_side_with_quote_and_link(client: TestClient) -> None:
    r = client.get("/", params={"q": "hvad blev besluttet om adgangskontrol?"})
    assert r.status_code == 200
    assert '<li class="bubble user"><p>hvad blev besluttet om adgangskontrol?</p></li>' in r.text
    assert re.search(r"<blockquote>\s*<p>Chefforum besluttede at der benyttes ID-kort", r.text)
    # Our own link, made relative to whatever host served the page, opens the item at its decision.
    assert f'href="/m/{CF_ID}#punkt-1-beslutning"' in r.text
    assert "15. november 2017" in r.text and "Chefforum" in r.text


STANDING = [
    "Punkt 5: Godkendelse af dagsorden\n\nBeslutning\n\nGodkendt.",
    "Punkt 6: Referat fra sidste udvalgsmøde\n\nBeslutning\n\nReferatet blev godkendt.",
    "Punkt 7: Orientering om ny telefoni\n\nBeslutning\n\nTaget til efterretning.",
    "Punkt 8: Kantineordning\n\nSagsfremstilling\n\nIngen beslutning endnu.",
]


def test_examples_are_answerable_questions_about_items_with_a_decision(tmp_path: Path) -> None:
    s = Store(tmp_path / "d.db")
    ingest_texts(s, minutes("Chefforum", "15-11-2017", [ADGANG, VAGT, LUKKET, EVT, *STANDING]))
    fake = FakeAnswerer()
    page = TestClient(create_app(s, cfg(), answer_fn=fake, token=None)).get("/").text
    shown = re.findall(r'class="example"[^>]*>([^<]+)</a>', page)
    assert shown == [
        "Hvad blev besluttet om Ny adgangskontrol på Rådhuset?",
        "Hvad blev besluttet om Vagtplan for sommeren?",
    ]
    assert f'placeholder="Fx: {shown[0]}"' in page
    # Each was asked before it was shown; the answer decides whether it is shown at all.
    assert [q for q, _ in fake.calls] == shown

    def only_vagtplan(question: str, fora: Access | None) -> Answer:
        return fake(question, fora) if "Vagtplan" in question else Answer(question, True, "Nej.")

    page = TestClient(create_app(s, cfg(), answer_fn=only_vagtplan, token=None)).get("/").text
    assert re.findall(r'class="example"[^>]*>([^<]+)</a>', page) == ["Hvad blev besluttet om Vagtplan for sommeren?"]


def test_empty_database_says_so(tmp_path: Path) -> None:
    r = TestClient(create_app(Store(tmp_path / "e.db"), cfg(), answer_fn=FakeAnswerer(), token=None)).get("/")
    assert "ingen referater" in r.text


def test_no_answer_shows_message_and_suggestions(store: Store) -> None:
    def nothing(question: str, fora: Access | None) -> Answer:
        return Answer(question=question, no_answer=True, message="Jeg fandt ikke noget, der svarer præcist.",
                      suggestions=[fake_hit()])  # fmt: skip

    r = TestClient(create_app(store, cfg(), answer_fn=nothing, token=None)).get("/", params={"q": "kantine"})
    assert "Jeg fandt ikke noget, der svarer præcist." in r.text
    assert '<ul class="suggestions">' in r.text and f'href="/m/{CF_ID}#punkt-1-beslutning"' in r.text
    assert "Prøv med andre ord" in r.text


def test_answer_card_has_one_heading_the_answer_first_and_a_timeline(store: Store) -> None:
    r = TestClient(create_app(store, cfg(), answer_fn=FakeAnswerer(), token=None)).get("/", params={"q": "adgang"})
    bubble = r.text[r.text.index('<li class="bubble bot answer">') :]
    card = bubble[: bubble.index('class="timeline"')]
    # Forum, date, punkt and title once, in the one heading, which links to the decision.
    assert bubble.count("Ny adgangskontrol på Rådhuset") == 1 and card.count("15. november 2017") == 1
    assert re.search(r'<h3 class="card-head"><a class="item-link" href="/m/chefforum-2017-11-15#punkt-1-beslutning">'
                     r'<span class="where">Chefforum · 15. november 2017 · punkt 1</span>', bubble)  # fmt: skip
    assert bubble.index('<figure class="quote lead decision">') < bubble.index('class="timeline"')
    assert "<figcaption>Beslutning</figcaption>" in bubble
    steps = re.findall(r'<li class="step( current)?">', bubble)
    assert steps == [" current", ""]  # this item (2017) before the Økonomiudvalget treatment (2018), oldest first
    assert f'<a href="/m/{OEU_ID}#punkt-1-beslutning">Økonomiudvalget, punkt 1</a>' in bubble
    assert "Økonomiudvalget godkendte budgetopfølgningen på anlæg." in bubble
    assert "Beslutningen står i" not in bubble  # the engine's sentence would repeat the heading


def test_precedent_answer_shows_each_treatment(store: Store) -> None:
    hits = [fake_hit(), fake_hit(forum="Økonomiudvalget", mid=OEU_ID)]
    hits[1].meeting.date = "2018-01-10"

    def precedent(question: str, fora: Access | None) -> Answer:
        return Answer(question, False, "Sagen er behandlet på 2 møde(r); nyeste først.", hits, intent="precedent")

    r = TestClient(create_app(store, cfg(), answer_fn=precedent, token=None)).get("/", params={"q": "tidligere"})
    assert "Sagen er behandlet på 2 møder, nyeste først:" in r.text
    assert r.text.count('<h3 class="card-head">') == 2 and 'class="timeline"' not in r.text


def test_follow_ups_are_read_with_the_browser_sessions_last_question(store: Store) -> None:
    fake = FakeAnswerer()
    app = create_app(store, cfg(), answer_fn=fake, token=None)
    mine, other = TestClient(app), TestClient(app)
    first = mine.get("/", params={"q": "Hvad blev besluttet om adgangskontrol?"})
    assert CHAT_COOKIE in first.cookies and "max-age" not in first.headers["set-cookie"].lower()  # a session cookie
    reply = mine.get("/chat/reply", params={"q": "og i 2017?"})
    assert reply.status_code == 200 and reply.text.lstrip().startswith('<li class="bubble bot answer">')
    assert "Læst som: <q>Hvad blev besluttet om adgangskontrol i 2017?</q>" in reply.text
    mine.get("/", params={"q": "hvem foreslog det?"})
    other.get("/chat/reply", params={"q": "og i 2017?"})  # another browser: a conversation of its own
    mine.get("/api/ask", params={"q": "og i 2018?"})  # the API stays stateless
    mine.get("/", params={"q": "Hvem tager bagvagten i uge 29?"})  # a new topic starts fresh
    assert [q for q, _ in fake.calls] == [
        "Hvad blev besluttet om adgangskontrol?",
        "Hvad blev besluttet om adgangskontrol i 2017?",
        "hvem foreslog det om adgangskontrol i 2017?",
        "og i 2017?",
        "og i 2018?",
        "Hvem tager bagvagten i uge 29?",
    ]


def test_api_ask_is_the_cli_json_contract(client: TestClient, store: Store) -> None:
    from index.answer import answer

    q = "hvad blev besluttet om adgangskontrol?"
    r = client.get("/api/ask", params={"q": q})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    assert r.json() == answer(store, q, access=None, cfg=cfg()).to_dict()
    assert r.json()["answers"][0]["item"]["url"] == f"{CFG_URL}/m/{CF_ID}#punkt-1-beslutning"


def test_search_lists_results(client: TestClient) -> None:
    r = client.get("/search", params={"q": "adgangskontrol"})
    assert r.status_code == 200
    assert '<ol class="results">' in r.text and f'href="/m/{CF_ID}#punkt-1-beslutning"' in r.text
    assert client.get("/search").status_code == 200


def test_search_lists_every_item_the_answer_names(store: Store) -> None:
    # The top item, its case's other treatment and a further result: each once.
    answer = FakeAnswerer([fake_hit(), fake_hit(forum="Økonomiudvalget", mid=OEU_ID)])
    r = TestClient(create_app(store, cfg(), search_fn=answer, token=None)).get("/search", params={"q": "adgang"})
    links = re.findall(r'<li>\s*<a href="([^"]+)">', r.text)
    assert links == [f"/m/{CF_ID}#punkt-1-beslutning", f"/m/{OEU_ID}#punkt-1-beslutning"]
    assert "2 punkter" in r.text


def test_meeting_page(client: TestClient) -> None:
    r = client.get(f"/m/{CF_ID}")
    assert r.status_code == 200
    text = r.text
    assert "<h1>Chefforum</h1>" in text and "15. november 2017" in text and "kl. 09:00" in text
    assert "Mødelokale 1" in text and "<dt>Fravær</dt><dd>Bo Berg</dd>" in text
    for n in range(1, 6):
        assert f'<section id="punkt-{n}"' in text
    assert text.index('id="punkt-1"') < text.index('id="punkt-2"') < text.index('id="punkt-3"')
    assert "Sagsnr. 00.01.00-A00-41-17" in text and "<h3>Sagsfremstilling</h3>" in text
    assert re.search(r'<div class="section decision" id="punkt-1-beslutning" data-item="1. Ny adgangskontrol på Rådhuset">\s*<h3>Beslutning</h3>\s*'
                     r'<p>Chefforum besluttede', text)  # fmt: skip
    # Every item has the decision anchor answers link to: on its decision, else on its title.
    for n in range(1, 6):
        assert text.count(f'id="punkt-{n}-beslutning"') == 1
    assert "<li>Notat om adgangskontrol</li>" in text
    assert "@media print" in TEMPLATES.parent.joinpath("static", "style.css").read_text()


def test_closed_item_shows_title_and_decision_line_only(client: TestClient) -> None:
    text = client.get(f"/m/{CF_ID}").text
    closed = text[text.index('id="punkt-3"') : text.index('id="punkt-4"')]
    assert "Personalesag" in closed and "Lukket punkt" in closed
    assert "Indstillingen blev godkendt." in closed
    assert "Fortroligt" not in text and "advarsel" not in text and "00.30.08-000-1-21" not in closed


def test_closed_item_hides_discussion_even_if_the_store_had_it(store: Store) -> None:
    from bot.render.html import closed_view
    from index.model import Section

    sections = [Section("Sagsfremstilling", "sagsfremstilling", "Hemmeligt."),
                Section("Beslutning", DECISION, "Godkendt.\nMed bemærkninger om X.")]  # fmt: skip
    assert [s.text for s in closed_view(sections)] == ["Godkendt."]


def test_closed_hits_quote_only_the_decision_line(store: Store) -> None:
    hit = fake_hit(section="Beslutning", text="Indstillingen blev godkendt.\nNavnet på medarbejderen er X.")
    hit.item.closed = True
    hit.quotes.append(Quote(section="Sagsfremstilling", kind="sagsfremstilling", text="Fortroligt."))
    c = TestClient(create_app(store, cfg(), answer_fn=FakeAnswerer([hit]), token=None))
    quotes = c.get("/api/ask", params={"q": "personalesag"}).json()["answers"][0]["quotes"]
    assert quotes == [{"section": "Beslutning", "text": "Indstillingen blev godkendt."}]


def test_revision_note(store: Store, client: TestClient) -> None:
    ingest_texts(store, minutes("Økonomiudvalget", "10-01-2018", [BUDGET.replace("2,1 mio.", "2,2 mio.")]))
    text = client.get(f"/m/{OEU_ID}").text
    assert "Referatet er rettet" in text and "2,2 mio." in text


def test_unknown_meeting_is_a_danish_404(client: TestClient) -> None:
    r = client.get("/m/findes-ikke-2020-01-01")
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert "Mødet findes ikke" in r.text and "Ikke fundet" in r.text
    r = client.get("/noget/andet")
    assert r.status_code == 404 and "Siden findes ikke." in r.text
    r = client.get("/api/findes-ikke")
    assert r.status_code == 404 and r.json() == {"detail": "Siden findes ikke."}


def test_health_check(client: TestClient, store: Store) -> None:
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "database": "ok", "meetings": 2, "items": 6, "fora": 2}
    store.close()
    r = client.get("/healthz")
    assert r.status_code == 503 and r.json()["database"] == "unreachable"


def test_static_assets_and_security_headers(client: TestClient) -> None:
    r = client.get("/static/chat.js")
    assert r.status_code == 200 and "fetch(" in r.text
    assert ".innerHTML" not in r.text and "insertAdjacentHTML" not in r.text  # text nodes only
    csp = client.get("/").headers["content-security-policy"]
    assert "script-src" not in csp or "unsafe-inline" not in csp
    assert "default-src 'self'" in csp


# ---- escaping --------------------------------------------------------------------------------


HOSTILE_Q = "<script>alert('q')</script> kantineordning"


def test_hostile_question_is_escaped_everywhere(client: TestClient) -> None:
    for path in ("/", "/search"):
        r = client.get(path, params={"q": HOSTILE_Q})
        assert r.status_code == 200
        assert "<script>alert" not in r.text
        assert "&lt;script&gt;alert(&#39;q&#39;)&lt;/script&gt;" in r.text
    assert client.get("/api/ask", params={"q": HOSTILE_Q}).json()["question"] == HOSTILE_Q


def test_hostile_minutes_are_escaped_on_the_meeting_page_and_in_answers(client: TestClient) -> None:
    text = client.get(f"/m/{CF_ID}").text
    assert "<script>" not in text.replace('<script src="/static/chat.js" defer></script>', "")
    assert "<img src=x" not in text
    assert "Kantineordning &lt;script&gt;alert(&#39;titel&#39;)&lt;/script&gt;" in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text
    answer = client.get("/", params={"q": "hvad blev besluttet om kantineordningen?"}).text
    assert "kantineordningen &lt;script&gt;" in answer
    assert "<script>alert" not in answer and "<img" not in answer


def test_hostile_answer_fields_and_links_are_neutralised(store: Store) -> None:
    hit = fake_hit(section="<b>Beslutning</b>", text="Godkendt <script>x()</script>")
    hit.item.url = "javascript:alert(1)"
    r = TestClient(create_app(store, cfg(), answer_fn=FakeAnswerer([hit]), token=None)).get("/", params={"q": "x y"})
    assert "javascript:" not in r.text and 'class="item-link" href="#"' in r.text
    assert "<b>Beslutning" not in r.text and "&lt;script&gt;x()&lt;/script&gt;" in r.text


def test_templates_never_mark_text_safe() -> None:
    for path in TEMPLATES.glob("*.html"):
        source = path.read_text()
        assert "|safe" not in source.replace(" ", "") and "autoescape false" not in source, path.name


def test_html_helpers() -> None:
    assert paragraphs("a\nb\n\n c ") == [["a", "b"], ["c"]]
    assert local_url(f"{CFG_URL}/m/x#punkt-2", CFG_URL) == "/m/x#punkt-2"
    assert local_url(f"{CFG_URL}.evil/m/x", CFG_URL) == f"{CFG_URL}.evil/m/x"
    assert local_url("https://other.example/x", CFG_URL) == "https://other.example/x"
    assert safe_href("//evil.example") == "#" and safe_href("data:text/html,x") == "#"
    assert safe_href("https://dagsorden.example/1") == "https://dagsorden.example/1"


# ---- limits and access -----------------------------------------------------------------------


def test_questions_are_capped(store: Store) -> None:
    fake = FakeAnswerer()
    c = TestClient(create_app(store, cfg(), answer_fn=fake, token=None))
    long_q = "skatepark " * 201
    assert TOO_LONG in c.get("/", params={"q": long_q}).text
    data = c.get("/api/ask", params={"q": long_q}).json()
    assert data["message"] == TOO_LONG and data["no_answer"] and not data["answers"]
    assert fake.calls == []
    c.get("/", params={"q": "x" * 2000})
    assert len(fake.calls) == 1


def test_web_scope_hides_other_fora(store: Store) -> None:
    pytest.importorskip("index.answer")
    c = TestClient(create_app(store, cfg(web_fora=["Chefforum"]), token=None))
    assert c.get(f"/m/{OEU_ID}").status_code == 404
    assert c.get(f"/m/{CF_ID}").status_code == 200
    q = "budgetopfølgning på anlæg"
    data = c.get("/api/ask", params={"q": q}).json()
    assert all(h["meeting"]["forum"] == "Chefforum" for h in data["answers"] + data["suggestions"])
    for path in ("/", "/search"):
        text = c.get(path, params={"q": q}).text
        assert "Økonomiudvalget" not in text and OEU_ID not in text
    # The same question with every forum visible does find it: the scope, not the engine, hid it.
    open_data = TestClient(create_app(store, cfg(), token=None)).get("/api/ask", params={"q": q}).json()
    assert open_data["answers"][0]["meeting"]["id"] == OEU_ID


def test_web_scope_is_passed_to_the_answerer_and_enforced_after_it(store: Store) -> None:
    leaky = FakeAnswerer([fake_hit(forum="Økonomiudvalget", mid=OEU_ID), fake_hit()])
    c = TestClient(create_app(store, cfg(web_fora=["Chefforum"]), answer_fn=leaky, token=None))
    data = c.get("/api/ask", params={"q": "adgangskontrol"}).json()
    assert leaky.calls[-1][1] == Access.of({"Chefforum"})
    assert [h["meeting"]["id"] for h in data["answers"]] == [CF_ID]
    assert data["answers"][0]["case_history"] == []  # the history entry was in Økonomiudvalget


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.1.1", "localhost", "::1", "[::1]"])
def test_loopback_is_allowed(host: str) -> None:
    assert is_loopback(host)
    assert check_listen(host, public=False, token=None) is None


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "referent.example", ""])
def test_beyond_loopback_needs_token_or_public(host: str) -> None:
    assert not is_loopback(host)
    problem = check_listen(host, public=False, token=None)
    assert problem and "REFERENT_WEB_TOKEN" in problem and "--public" in problem
    assert check_listen(host, public=True, token=None) is None
    assert check_listen(host, public=False, token="s3cret") is None


def test_serve_refuses_with_exit_code_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.delenv("REFERENT_WEB_TOKEN", raising=False)
    with pytest.raises(SystemExit) as exit_info:
        serve(cfg(), str(tmp_path / "x.db"), "0.0.0.0", 8000)
    assert exit_info.value.code == 2
    assert "Refusing to listen on '0.0.0.0'" in capsys.readouterr().err
    assert not (tmp_path / "x.db").exists()


# ---- the token -------------------------------------------------------------------------------


@pytest.fixture
def guarded(store: Store, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    monkeypatch.setenv("REFERENT_WEB_TOKEN", TOKEN)
    return TestClient(create_app(store, cfg(), answer_fn=FakeAnswerer()), follow_redirects=False)


def test_token_required_for_pages_and_api(guarded: TestClient) -> None:
    r = guarded.get("/", params={"q": "adgang"})
    assert r.status_code == 303 and r.headers["location"] == "/login?next=%2F%3Fq%3Dadgang"
    r = guarded.get("/api/ask", params={"q": "adgang"})
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert guarded.get(f"/m/{CF_ID}").status_code == 303
    assert guarded.get("/api/ask", headers={"Authorization": "Bearer forkert"}).status_code == 401
    r = guarded.get("/api/ask", params={"q": "adgang"}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 200 and r.json()["answers"]
    assert guarded.get("/healthz").status_code == 200
    assert guarded.get("/static/style.css").status_code == 200


def test_login_form_sets_cookie(guarded: TestClient) -> None:
    form = guarded.get("/login", params={"next": "/?q=adgang"})
    assert form.status_code == 200 and "Adgangskode" in form.text and 'value="/?q=adgang"' in form.text
    r = guarded.post("/login", data={"password": "forkert", "next": "/"})
    assert r.status_code == 401 and "Forkert adgangskode" in r.text
    r = guarded.post("/login", data={"password": TOKEN, "next": "/?q=adgang"})
    assert r.status_code == 303 and r.headers["location"] == "/?q=adgang"
    assert COOKIE in r.cookies and "hemmelig" not in r.cookies[COOKIE]
    assert "httponly" in r.headers["set-cookie"].lower()
    assert guarded.get("/", params={"q": "adgang"}).status_code == 200
    assert guarded.get("/api/ask", params={"q": "adgang"}).status_code == 200


def test_login_never_redirects_off_site(guarded: TestClient) -> None:
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        r = guarded.post("/login", data={"password": TOKEN, "next": target})
        assert r.headers["location"] == "/"


# ---- the bots on the same server ---------------------------------------------------------------


def test_mount_bots_mounts_nothing_without_env(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "CLIENT_ID", "CLIENT_SECRET", "TENANT_ID"):
        monkeypatch.delenv(name, raising=False)
    app = create_app(store, cfg(), answer_fn=FakeAnswerer(), token=None)
    assert mount_bots(app, store, cfg()) == []


def test_mount_bots_mounts_slack_outside_the_token(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("slack_bolt")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "test-secret")
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/")  # never reached: the request is unsigned
    for name in ("CLIENT_ID", "CLIENT_SECRET", "TENANT_ID"):
        monkeypatch.delenv(name, raising=False)
    app = create_app(store, cfg(), answer_fn=FakeAnswerer(), token=TOKEN)
    assert mount_bots(app, store, cfg()) == ["Slack /slack/events"]
    r = TestClient(app, follow_redirects=False).post("/slack/events", content=b"{}")
    assert r.status_code == 401  # bolt's signature check, not our login redirect


def test_mount_bots_mounts_teams_outside_the_token(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("microsoft_teams.apps")
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"):
        monkeypatch.delenv(name, raising=False)
    for name, value in (("CLIENT_ID", "id"), ("CLIENT_SECRET", "secret"), ("TENANT_ID", "tenant")):
        monkeypatch.setenv(name, value)
    app = create_app(store, cfg(), answer_fn=FakeAnswerer(), token=TOKEN)
    assert mount_bots(app, store, cfg()) == ["Teams /api/messages"]
    r = TestClient(app, follow_redirects=False).post("/api/messages", content=b"not json")
    assert r.status_code == 400  # the Teams endpoint's own check, not our login
