"""The web's side of "Følg sagen": a case's timeline across bodies (/sag/<case>), its Atom feed
(/feed/sag/<case>), following from an answer card (POST /folg), and a follow's own page and feed
(/abonnement/<token>, /feed/<token>).

Everything shows only what the web may see ([access] web), decided when the page or feed is read. A web follow
has no person behind it: its random token is its address and the capability that reads or stops it. Closed
items are stored without a case number and with their public decision line only, so a case page or feed can
show nothing more of them.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot import texts
from bot.follow import Follow, Where, delete, follows_at
from bot.render.follow import atom, footer
from bot.web_pages import CHAT_COOKIE, Site
from index import treatments
from index.store import Store
from index.treatments import Treatment

ATOM_TYPE = "application/atom+xml; charset=utf-8"
MAX_CASE = 100  # characters of a case number in a URL


def case_path(case_number: str) -> str:
    return "/sag/" + quote(case_number, safe="/")


def _case_groups(site: Site, case_number: str, item: str = "") -> list[list[dict]]:
    """The cases that use `case_number`, as the web may see them; with `item`, only that item's case."""
    if len(case_number) > MAX_CASE:
        return []
    access = site.access
    with site.lock:
        groups = treatments.group_cases(site.store, treatments.with_case_number(site.store, case_number, access))
    if item:
        groups = [g for g in groups if any(r["id"] == item for r in g)]
    return groups


def _web_follow(site: Site, token: str) -> Follow:
    with site.lock:
        found = follows_at(site.store, "web", token)
    if not found:
        raise HTTPException(404, texts.FOLLOW_GONE)
    return found[0]


def _sent(store: Store, site: Site, follow: Follow) -> list[tuple[Treatment, str]]:
    """What a web follow has been told: its sent notices, newest first, each as the item stands now."""
    rows = store.conn.execute(
        "SELECT item_id, updated_at FROM follow_sent WHERE follow_id = ? AND status = 'sent' ORDER BY updated_at DESC",
        (follow.id,),
    ).fetchall()
    out = []
    access = site.access
    for item_id, when in rows:
        row = treatments.item_row(store, item_id)
        if row is not None and (access is None or access.allows(row["municipality"], row["forum"])):
            out.append((treatments.treatment(store, site.cfg, row), when))
    return out


def add_case_routes(app: FastAPI, site: Site) -> None:
    """Mount the case pages, the feeds and the web's follow routes on `app`."""

    @app.get("/sag/{case_number:path}", response_class=HTMLResponse)
    def case_page(case_number: str, punkt: str = "") -> HTMLResponse:
        groups = _case_groups(site, case_number, punkt)
        cases = []
        with site.lock:
            for group in groups:
                steps = [treatments.treatment(site.store, site.cfg, r) for r in group]
                others = treatments.earlier_bodies(site.store, group, site.access)
                cases.append({"steps": steps, "others": others, "latest": steps[-1]})
        status = 200 if cases else 404
        return site.page("sag.html", status=status, case_number=case_number, cases=cases,
                         feed=f"/feed{case_path(case_number)}" + (f"?punkt={quote(punkt)}" if punkt else ""))  # fmt: skip

    @app.get("/feed/sag/{case_number:path}")
    def case_feed(request: Request, case_number: str, punkt: str = "") -> Response:
        groups = _case_groups(site, case_number, punkt)
        with site.lock:
            entries = [
                (t, t.changed_at)
                for group in groups
                for t in (treatments.treatment(site.store, site.cfg, r) for r in group)
            ]
        entries.sort(key=lambda e: (e[0].date, e[1]), reverse=True)
        base = site.cfg.public_url
        body = atom(f"{base}{case_path(case_number)}", texts.FEED_TITLE_CASE.format(case=case_number),
                    f"{base}{request.url.path}", entries)  # fmt: skip
        return Response(body, media_type=ATOM_TYPE)

    @app.post("/folg")
    def follow(request: Request, punkt: str = Form("")) -> Response:
        where = Where.web()
        # No person: the browser session (or the new token) is who, only ever kept as its keyed hash.
        user = "web:" + (request.cookies.get(CHAT_COOKIE) or where.destination)
        reply, made = site.follows.follow_item(punkt[:200], where, user)
        if made is None:
            return site.page("follow.html", status=404, follow=None, message=reply, entries=[], token="")
        return RedirectResponse(f"/abonnement/{made.destination}", status_code=303)

    @app.get("/abonnement/{token}", response_class=HTMLResponse)
    def follow_page(token: str) -> HTMLResponse:
        found = _web_follow(site, token)
        with site.lock:
            entries = _sent(site.store, site, found)
        case = found.case_numbers[0] if found.case_numbers else ""
        return site.page("follow.html", follow=found, message="", entries=entries, token=token,
                         case_url=case_path(case) + (f"?punkt={quote(found.item_id or '')}" if case else ""))  # fmt: skip

    @app.post("/abonnement/{token}/stop", response_class=HTMLResponse)
    def stop(token: str) -> HTMLResponse:
        found = _web_follow(site, token)
        with site.lock:
            delete(site.store, found.id)
        return site.page("follow.html", follow=None, message=texts.STOPPED_PAGE, entries=[], token="")

    @app.get("/feed/{token}")
    def follow_feed(request: Request, token: str) -> Response:
        found = _web_follow(site, token)
        with site.lock:
            entries = _sent(site.store, site, found)
        base = site.cfg.public_url
        note = f"{footer(found)} · stop: {base}/abonnement/{token}"
        body = atom(f"{base}/abonnement/{token}", found.label, f"{base}{request.url.path}", entries, note=note)
        return Response(body, media_type=ATOM_TYPE)
